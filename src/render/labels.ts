/**
 * Labels and annotations of rendered objects. Namespaces and everything
 * rendered for a template carry app.kubernetes.io/managed-by; what is
 * rendered for a template also carries the template label and
 * app.kubernetes.io/name + instance. SealedSecrets carry only the declared
 * labels (sealed-secret.ts), on the object and on its template,
 * which the controller copies onto the unsealed Secret: that Secret has exactly
 * the labels its declaration gives it.
 *
 * The selector of a Deployment (and of its Service) is immutable once
 * applied, so it uses only two labels that never change for a template:
 * managed-by and the template label. Never add to it: a changed selector
 * makes Kubernetes refuse the update.
 */
import type { Labels, McpTemplate, Namespace } from '../model/types.js';
import { ANNOTATION_PREFIX, MANAGED_BY_LABELS, TEMPLATE_LABEL, templateOwnLabels } from '../core/names.js';
import { sortedRecord } from '../core/order.js';

export const DISPLAY_NAME_ANNOTATION = `${ANNOTATION_PREFIX}display-name`;
export const DESCRIPTION_ANNOTATION = `${ANNOTATION_PREFIX}description`;

/** Ours last: the validator refuses declared labels with our keys, and ours win if one slips through. */
function merge(declared: Labels, ours: Readonly<Record<string, string>>): Record<string, string> {
  return sortedRecord({ ...declared, ...ours });
}

/** The stable selector of a template's pods. Do not change: selectors are immutable. */
export function selectorLabels(template: Pick<McpTemplate, 'name'>): Record<string, string> {
  return sortedRecord({ ...MANAGED_BY_LABELS, [TEMPLATE_LABEL]: template.name });
}

/** Labels of the Deployment, its pods and its Service. */
export function templateLabels(template: Pick<McpTemplate, 'name' | 'labels'>): Record<string, string> {
  return merge(template.labels, templateOwnLabels(template.name));
}

export function namespaceLabels(namespace: Namespace): Record<string, string> {
  return merge(namespace.labels, { ...MANAGED_BY_LABELS });
}

/** display_name / description as annotations, only when set. */
export function descriptiveAnnotations(d: { display_name: string; description: string }): Record<string, string> {
  const out: Record<string, string> = {};
  if (d.description) out[DESCRIPTION_ANNOTATION] = d.description;
  if (d.display_name) out[DISPLAY_NAME_ANNOTATION] = d.display_name;
  return out;
}

/** undefined for an empty record, so that no `annotations: {}` is rendered. */
export function nonEmpty(record: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(record).length > 0 ? sortedRecord(record) : undefined;
}

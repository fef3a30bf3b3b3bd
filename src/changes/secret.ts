/**
 * Secret changes, sealed at the moment they are made: values are sealed key
 * by key with the controller's certificate and only ciphertext is written.
 * Update strategies work key by key without ever decrypting:
 *   REPLACE  the given keys become all the data; other keys are removed.
 *   MERGE    existing keys and values are kept; only keys not present yet are added.
 *   PATCH    the given keys are changed or added, removeKeys are removed, others untouched.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from 'yaml';
import type { Diagnostic } from '../errors/diagnostic.js';
import type { SealingScope, SecretType } from '../model/types.js';
import { type SealingKey, sealData } from '../secrets/seal.js';
import { editDeclaration, newDeclarationFile } from './documents.js';
import { findDeclaration } from './find.js';
import { canonicalPath } from './paths.js';
import { type ChangeOutcome, applyChanges, readTree, refused } from './working-tree.js';

export type UpdateStrategy = 'SECRET_UPDATE_STRATEGY_REPLACE' | 'SECRET_UPDATE_STRATEGY_MERGE' | 'SECRET_UPDATE_STRATEGY_PATCH';

export interface CreateSecretRequest {
  readonly name: string;
  readonly namespace: string;
  readonly type: SecretType;
  readonly scope: SealingScope;
  readonly labels?: Readonly<Record<string, string>>;
  /** key -> plaintext; sealed here and then dropped. */
  readonly data: Readonly<Record<string, Buffer>>;
  readonly key: SealingKey;
  readonly dryRun?: boolean;
}

export async function createSecret(repoDir: string, request: CreateSecretRequest): Promise<ChangeOutcome> {
  const { model, diagnostics } = await readTree(repoDir);
  if (!model) return refused([...diagnostics], ['the repository is not valid now: fix it before changing it']);
  const found = findDeclaration(model, 'Secret', request.name, request.namespace);
  if ('source' in found)
    return refused([{ code: 'resource.duplicate', severity: 'error', message: `Secret "${request.namespace}/${request.name}" already exists`, kind: 'Secret', name: `${request.namespace}/${request.name}`, file: found.source.file, line: found.source.line, column: found.source.column, hint: 'use `mcpo secret update`' }]);
  if (Object.keys(request.data).length === 0) return refused([noData()]);

  const encrypted = sealData(request.key, request, request.data);
  const path = canonicalPath('Secret', request.name, request.namespace);
  const content = newDeclarationFile(
    {
      kind: 'Secret',
      name: request.name,
      namespace: request.namespace,
      type: request.type,
      ...(request.labels && Object.keys(request.labels).length > 0 && { labels: request.labels }),
      sealed: { scope: request.scope, encrypted_data: encrypted },
    },
    `Sealed with the certificate ${request.key.fingerprint}.\nValues are Sealed Secrets ciphertext: only the cluster's controller can decrypt them.`,
  );
  return applyChanges(repoDir, [{ path, content }], {
    dryRun: request.dryRun,
    notes: [`created Secret "${request.namespace}/${request.name}" in ${path}: sealed ${Object.keys(encrypted).join(', ')}`],
  });
}

export interface UpdateSecretRequest {
  readonly name: string;
  readonly namespace: string;
  readonly strategy: UpdateStrategy;
  readonly data: Readonly<Record<string, Buffer>>;
  /** PATCH only. */
  readonly removeKeys?: readonly string[];
  readonly key: SealingKey;
  readonly dryRun?: boolean;
}

/** The key-level plan of an update, decided without any plaintext of the existing values. */
export function planUpdate(existing: readonly string[], given: readonly string[], strategy: UpdateStrategy, removeKeys: readonly string[] = []) {
  const have = new Set(existing);
  switch (strategy) {
    case 'SECRET_UPDATE_STRATEGY_REPLACE':
      return { seal: [...given], remove: existing.filter((k) => !given.includes(k)), kept: [] as string[] };
    case 'SECRET_UPDATE_STRATEGY_MERGE':
      return { seal: given.filter((k) => !have.has(k)), remove: [] as string[], kept: given.filter((k) => have.has(k)) };
    case 'SECRET_UPDATE_STRATEGY_PATCH':
      return { seal: [...given], remove: removeKeys.filter((k) => have.has(k)), kept: [] as string[] };
  }
}

export async function updateSecret(repoDir: string, request: UpdateSecretRequest): Promise<ChangeOutcome> {
  const { model, diagnostics } = await readTree(repoDir);
  if (!model) return refused([...diagnostics], ['the repository is not valid now: fix it before changing it']);
  const found = findDeclaration(model, 'Secret', request.name, request.namespace);
  if (!('source' in found) || found.kind !== 'Secret') return refused([found as Diagnostic]);
  const removeKeys = request.removeKeys ?? [];
  if (removeKeys.length > 0 && request.strategy !== 'SECRET_UPDATE_STRATEGY_PATCH')
    return refused([{ code: 'usage', severity: 'error', message: 'removing keys is only possible with --strategy patch' }]);
  const missing = removeKeys.filter((k) => !found.keys.includes(k));
  if (missing.length > 0)
    return refused([{ code: 'not-found', severity: 'error', message: `Secret "${request.namespace}/${request.name}" has no key ${missing.map((k) => `"${k}"`).join(', ')} to remove`, hint: `its keys: ${found.keys.join(', ')}` }]);
  if (Object.keys(request.data).length === 0 && removeKeys.length === 0) return refused([noData()]);

  const plan = planUpdate(found.keys, Object.keys(request.data), request.strategy, removeKeys);
  // The existing scope is bound into every existing ciphertext: new values must use it too.
  const target = { namespace: found.namespace, name: found.name, scope: found.scope };
  const sealed = sealData(request.key, target, Object.fromEntries(plan.seal.map((k) => [k, request.data[k]!])));

  const text = await readFile(join(repoDir, found.source.file), 'utf8');
  const content = editDeclaration(text, { kind: 'Secret', name: found.name, namespace: found.namespace }, (doc: Document) => {
    const path = ['sealed', 'encrypted_data'];
    for (const k of plan.remove) doc.deleteIn([...path, k]);
    for (const [k, v] of Object.entries(sealed)) doc.setIn([...path, k], v);
    sortKeys(doc, path);
  });
  const notes = [
    `updated Secret "${request.namespace}/${request.name}" in ${found.source.file} (${request.strategy.replace('SECRET_UPDATE_STRATEGY_', '').toLowerCase()})`,
    ...(plan.seal.length ? [`sealed: ${plan.seal.join(', ')}`] : []),
    ...(plan.remove.length ? [`removed: ${plan.remove.join(', ')}`] : []),
    ...(plan.kept.length ? [`kept unchanged (merge never overwrites; use --strategy patch): ${plan.kept.join(', ')}`] : []),
  ];
  return applyChanges(repoDir, [{ path: found.source.file, content }], { dryRun: request.dryRun, notes });
}

function sortKeys(doc: Document, path: string[]): void {
  const map = doc.getIn(path, true) as { items?: Array<{ key: unknown }> } | undefined;
  map?.items?.sort((a, b) => String((a.key as { value?: unknown })?.value ?? a.key).localeCompare(String((b.key as { value?: unknown })?.value ?? b.key)));
}

function noData(): Diagnostic {
  return { code: 'usage', severity: 'error', message: 'no data given', hint: 'pass --from-literal KEY=VALUE or --from-file KEY=PATH' };
}

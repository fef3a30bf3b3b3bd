/** Kubernetes name and label syntax (k8s.io/apimachinery validation). */
import { quoted } from '../core/echo.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

import type { NameRule } from '../core/kinds.js';

export type { NameRule };

/** undefined when valid, else what is wrong. */
export function checkName(name: string, rule: NameRule): string | undefined {
  if (name === '') return 'must not be empty';
  if (rule === 'dns1123-subdomain') {
    if (name.length > 253) return `must be at most 253 characters, got ${name.length}`;
    if (!DNS1123_SUBDOMAIN.test(name))
      return `${quoted(name)} is not a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`;
    return undefined;
  }
  if (name.length > 63) return `must be at most 63 characters, got ${name.length}`;
  if (rule === 'dns1035-label' && !DNS1035_LABEL.test(name))
    return `${quoted(name)} is not a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit`;
  if (rule === 'dns1123-label' && !DNS1123_LABEL.test(name))
    return `${quoted(name)} is not a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit`;
  return undefined;
}

export function checkLabelKey(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    const problem = checkName(prefix, 'dns1123-subdomain');
    if (problem) return `label key prefix ${problem}`;
  }
  if (name.length === 0 || name.length > 63) return `label key name ${quoted(name)} must be 1 to 63 characters`;
  if (!LABEL_NAME.test(name))
    return `label key ${quoted(key)} is invalid: letters, digits, '-', '_' and '.', starting and ending with a letter or digit, with an optional DNS prefix and '/'`;
  return undefined;
}

export function checkLabelValue(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return `label value must be at most 63 characters, got ${value.length}`;
  if (!LABEL_NAME.test(value)) return `label value ${quoted(value)} is invalid: letters, digits, '-', '_' and '.', starting and ending with a letter or digit`;
  return undefined;
}

export function checkEnvVarName(name: string): string | undefined {
  if (!ENV_VAR_NAME.test(name)) return `${quoted(name)} is not a valid environment variable name: letters, digits, '-', '_' and '.', not starting with a digit`;
  return undefined;
}

export function checkSecretKey(key: string): string | undefined {
  if (key.length > 253 || !SECRET_KEY.test(key)) return `${quoted(key)} is not a valid secret key: letters, digits, '-', '_' and '.'`;
  return undefined;
}

/**
 * "Did you mean" hints are for typos of short names: no hint for a word longer
 * than this, nor among more candidates than MAX_SUGGESTION_CANDIDATES (each is
 * an edit distance; over a huge set the hint would be noise anyway).
 */
export const MAX_SUGGESTION_CHARS = 64;
export const MAX_SUGGESTION_CANDIDATES = 1000;

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The nearest candidate when it is close enough to be a likely typo. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  if (word.length > MAX_SUGGESTION_CHARS) return undefined;
  const known = candidates instanceof Set || candidates instanceof Map ? candidates.size : Array.isArray(candidates) ? candidates.length : undefined;
  if (known !== undefined && known > MAX_SUGGESTION_CANDIDATES) return undefined;
  const all = Array.isArray(candidates) ? (candidates as string[]) : [...candidates];
  if (all.length > MAX_SUGGESTION_CANDIDATES) return undefined;
  const limit = Math.max(2, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of all) {
    // The distance is at least the difference in length: skip what cannot win.
    if (Math.abs(c.length - word.length) > Math.min(limit, bestDistance - 1)) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

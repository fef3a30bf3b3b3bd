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

/** Characters of an image reference; Docker caps the name at 255 and a tag at 128, a digest adds ~72. */
export const MAX_IMAGE_CHARS = 512;
const IMAGE_PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const IMAGE_DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const IMAGE_TAG = /^[\w][\w.-]{0,127}$/;
const IMAGE_DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/**
 * The digest algorithms the kubelet's image references accept (go-digest's
 * registered ones) and the lowercase hex length of each: any other algorithm,
 * length or uppercase hex is InvalidImageName on the node, so it is refused here.
 */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

function digestProblem(digest: string): string | undefined {
  if (!IMAGE_DIGEST.test(digest)) return `the digest ${quoted(digest)} is not ALGORITHM:HEX (e.g. sha256: and 64 hex digits)`;
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) return `the digest algorithm ${quoted(algorithm)} is not one of ${Object.keys(DIGEST_HEX_LENGTH).join(', ')}`;
  if (hex.length !== length) return `a ${algorithm} digest has ${length} hex digits, not ${hex.length}`;
  if (hex !== hex.toLowerCase()) return `the digest's hex digits must be lowercase`;
  return undefined;
}

/**
 * A container image reference as the kubelet reads it (distribution's
 * grammar: `[domain[:port]/]path[:tag][@digest]`, the path in lowercase):
 * undefined when valid, else what is wrong. A reference the kubelet cannot
 * parse leaves the pod in InvalidImageName, long after a green check.
 */
export function checkImageReference(image: string): string | undefined {
  if (/\s/.test(image)) return `image ${quoted(image)} must not contain white space`;
  if (image.length > MAX_IMAGE_CHARS) return `an image reference of ${image.length} characters is over the limit of ${MAX_IMAGE_CHARS}`;
  const bad = (why: string) => `${quoted(image)} is not an image reference: ${why}`;
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  let rest = at >= 0 ? image.slice(0, at) : image;
  const digestWrong = digest === undefined ? undefined : digestProblem(digest);
  if (digestWrong) return bad(digestWrong);
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    const tag = rest.slice(colon + 1);
    if (!IMAGE_TAG.test(tag)) return bad(`the tag ${quoted(tag)} must be 1 to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'`);
    rest = rest.slice(0, colon);
  }
  if (rest === '') return bad('the repository name is missing');
  if (rest.length > 255) return bad(`the repository name is ${rest.length} characters, over 255`);
  const components = rest.split('/');
  const first = components[0]!;
  if (components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    components.shift();
    const [host = '', port, ...more] = first.split(':');
    if (more.length > 0 || (port !== undefined && !/^[0-9]{1,5}$/.test(port)) || !host.split('.').every((l) => IMAGE_DOMAIN_LABEL.test(l)))
      return bad(`the registry ${quoted(first)} is not a host name with an optional :port`);
  }
  for (const component of components) {
    if (!IMAGE_PATH_COMPONENT.test(component))
      return bad(
        `the path component ${quoted(component)} must be lowercase letters and digits, separated by '.', '_', '__' or '-'${component !== component.toLowerCase() ? ' (no capitals)' : ''}`,
      );
  }
  return undefined;
}

/** Characters of an MCP endpoint path. */
export const MAX_ENDPOINT_PATH_CHARS = 256;
/** RFC 3986 path characters (pchar and '/'), '%' only as %XX; no '?' or '#'. */
const ENDPOINT_PATH = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;

/**
 * An MCP endpoint path (`path` of a template): undefined when valid, else
 * what is wrong. Besides the URL syntax, no empty, "." or ".." segment: an
 * HTTP server (Go's ServeMux in the bridge among them) redirects such a path
 * to its cleaned form and never serves it as written.
 */
export function checkEndpointPath(path: string): string | undefined {
  if (path.length > MAX_ENDPOINT_PATH_CHARS) return `a path of ${path.length} characters is over the limit of ${MAX_ENDPOINT_PATH_CHARS}`;
  if (!path.startsWith('/')) return `path ${quoted(path)} must start with "/"`;
  if (path.includes('?') || path.includes('#')) return `path ${quoted(path)} must not have a query or fragment ("?" or "#")`;
  if (!ENDPOINT_PATH.test(path)) return `path ${quoted(path)} may hold only URL path characters: letters, digits, "-._~!$&'()*+,;=:@/" and %XX escapes`;
  const segments = path.slice(1).split('/');
  if (segments.some((s, i) => s === '.' || s === '..' || (s === '' && i < segments.length - 1)))
    return `path ${quoted(path)} must not have "." or ".." segments or "//"`;
  return undefined;
}

/**
 * Text that came from outside (a declared name, a request field, a file
 * name) shown back inside a message for a person. Control characters are
 * escaped so that an ESC or CR cannot rewrite a terminal or CI log line, and
 * long text is cut so that a 1 MB name never becomes a 1 MB error.
 *
 * Never pass a secret value here: secret values are not echoed at all.
 */

/** Characters shown in full before the rest is cut. */
export const MAX_ECHO_CHARS = 120;

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators and bidi overrides.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Control characters as `\xNN` / `\uNNNN` escapes; everything else as it is. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Outside text made safe to embed in a message: escaped, and cut after `max` characters. */
export function echo(text: string, max: number = MAX_ECHO_CHARS): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const shown = escapeControl(cut);
  return text.length > max ? `${shown}… (${text.length - max} more characters)` : shown;
}

/** `echo` in double quotes, the way messages quote a name. */
export function quoted(text: string, max: number = MAX_ECHO_CHARS): string {
  return `"${echo(text, max)}"`;
}

/**
 * Text made safe as a whole field (a status message, a diagnostic's file or
 * message): control characters escaped, and when longer than `max`, cut with
 * a marker so the result is exactly `max` characters. Idempotent: applying it
 * twice gives the same text, so every face that prints a field may apply it.
 */
export function bounded(text: string, max: number): string {
  const escaped = escapeControl(text);
  if (escaped.length <= max) return escaped;
  const marker = `… (${escaped.length} characters, cut)`;
  return escaped.slice(0, max - marker.length) + marker;
}

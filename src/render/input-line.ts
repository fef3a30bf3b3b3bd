/**
 * The input line: the second line of every object file,
 * `# mcpo-input: sha256:<hex>`, records the hash of the object's input
 * (inputs.ts) together with the sha256 of the rest of the file, so a later
 * synth keeps the file only when both still hold (incremental.ts).
 */
import { createHash } from 'node:crypto';
import { sha256 } from '../core/digest.js';

const INPUT_LINE_PREFIX = '# mcpo-input: sha256:';
const INPUT_LINE_LENGTH = INPUT_LINE_PREFIX.length + 64 + 1;

/** What the input line records: the object's input hash and the sha256 of the rest of the file, so an edit by hand is seen too. */
function combined(hash: string, restDigest: string): string {
  return sha256(`${hash}\n${restDigest}`);
}

/** An object file: its first header line, the input line, the object's YAML. */
export function objectFileText(firstLine: string, body: string, hash: string): string {
  return `${firstLine}${INPUT_LINE_PREFIX}${combined(hash, sha256(firstLine + body))}\n${body}`;
}

/** What an object file's input line records, and the sha256 of the rest of the file: enough to tell, given an input hash, whether the file is the object rendered from it. */
export interface InputRecord {
  readonly stored: string;
  readonly rest: string;
}

/**
 * The input record of a file's bytes; undefined for a file without an input line where synth writes it.
 * `scratch`: the bytes may be moved about (a buffer read into for this only): the rest of the file is then
 * hashed in one piece, with its first line moved over the input line, instead of in two.
 */
export function inputRecord(content: Buffer, scratch = false): InputRecord | undefined {
  const first = content.indexOf(0x0a);
  if (first < 0) return undefined;
  const lineEnd = first + 1 + INPUT_LINE_LENGTH;
  if (content.length < lineEnd || content[lineEnd - 1] !== 0x0a) return undefined;
  const line = content.toString('latin1', first + 1, lineEnd - 1);
  if (!line.startsWith(INPUT_LINE_PREFIX)) return undefined;
  let rest: string;
  if (scratch) {
    content.copyWithin(INPUT_LINE_LENGTH, 0, first + 1);
    rest = sha256(content.subarray(INPUT_LINE_LENGTH));
  } else {
    rest = createHash('sha256')
      .update(content.subarray(0, first + 1))
      .update(content.subarray(lineEnd))
      .digest('hex');
  }
  return { stored: line.slice(INPUT_LINE_PREFIX.length), rest };
}

/**
 * True when the file of this record is the object file rendered from an
 * input with this hash: its input line records the hash and the rest of the
 * file is unchanged since. A file without the line, with a line that was
 * edited, or with any other byte changed, is not.
 */
export function isRecordOf(record: InputRecord, hash: string): boolean {
  return record.stored === combined(hash, record.rest);
}

/** True when `content` (a file's bytes) is the object file rendered from an input with this hash. */
export function isRenderedFrom(content: Buffer, hash: string): boolean {
  const record = inputRecord(content);
  return record !== undefined && isRecordOf(record, hash);
}

/** The text without its input line (what `mcpo diff` compares and shows: the line changes only with the object or its file). */
export function withoutInputLine(text: string): string {
  const first = text.indexOf('\n');
  if (first < 0 || !text.startsWith(INPUT_LINE_PREFIX, first + 1)) return text;
  const end = text.indexOf('\n', first + 1);
  return end < 0 ? text : text.slice(0, first + 1) + text.slice(end + 1);
}

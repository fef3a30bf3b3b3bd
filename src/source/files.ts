/**
 * What the source stage produces, whether it read a working tree or a
 * commit: declaration files as bytes with repo-relative paths, and the
 * problems met on the way, as diagnostics.
 */
import { isAscii } from 'node:buffer';
import type { Diagnostic } from '../core/diagnostic.js';
import { MAX_FILE_BYTES } from '../core/limits.js';

export interface InputFile {
  /** Relative to the repo root, forward slashes, e.g. resources/templates/x.yaml. */
  readonly path: string;
  /** The bytes; read when first asked for a file the check cache knew unchanged (working-tree.ts and commit.ts `known`). */
  readonly content: Buffer;
  /** The check cache's digest of the bytes, when the source knows it without reading them (working-tree.ts and commit.ts `known`). */
  readonly digest?: string;
  /** How the file stood on disk when read (fingerprint.ts), when it had settled: the check cache keeps it for the next run. */
  readonly fingerprint?: string;
  /** git's object name of the bytes, when they were read from a commit (commit.ts). */
  readonly blob?: string;
}

/** What the source stage hands to the model: the declaration files, and problems met while reading them. */
export interface SourceFiles {
  /** Sorted by path. */
  readonly files: InputFile[];
  readonly problems: Diagnostic[];
}

export function tooLarge(path: string, size: number): Diagnostic {
  return {
    code: 'file.too-large',
    severity: 'error',
    message: `file is ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit for a declaration file`,
    file: path,
    hint: 'split it into several files',
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A file name's bytes as text, or undefined when they are not UTF-8. */
export function decodeName(bytes: Buffer): string | undefined {
  // Most names are ASCII: no decoder needed.
  if (isAscii(bytes)) return bytes.toString('latin1');
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A name that is not UTF-8, shown with its undecodable bytes as \xNN. */
export function escapedName(bytes: Buffer): string {
  let out = '';
  let start = 0;
  // Decode the longest valid runs; each byte that does not decode is escaped.
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i]! < 0x80) continue;
    if (i === bytes.length) {
      out += bytes.toString('utf8', start, i);
      break;
    }
    const length = bytes[i]! >= 0xf0 ? 4 : bytes[i]! >= 0xe0 ? 3 : bytes[i]! >= 0xc0 ? 2 : 1;
    const sequence = decodeName(bytes.subarray(i, i + length));
    out += bytes.toString('utf8', start, i);
    if (sequence !== undefined && length > 1) {
      out += sequence;
      i += length - 1;
    } else out += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
    start = i + 1;
  }
  return out;
}

export function notUtf8Name(path: string): Diagnostic {
  return {
    code: 'file.encoding',
    severity: 'error',
    message: 'file name is not valid UTF-8; it is not read',
    file: path,
    hint: 'rename it with a UTF-8 name',
  };
}

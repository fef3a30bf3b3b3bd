/**
 * Input hashes kept between runs: planning the objects of 10,000 templates
 * means making and hashing 21,000 inputs (inputs.ts), though a one-template
 * change leaves all but two of them as they were. An object's input is made
 * from the declarations it reads (for a Deployment: its template, the preset
 * it names, the secrets it reads) and the bridge image, and each declaration
 * is made from its file's bytes alone. So the memo keeps, per object path,
 * the input hash together with a digest of what it was made from (the
 * template's file name and the sha256 of every file read, as the check cache
 * keys them, and the bridge image); planning takes the kept hash when that
 * digest is the same and makes and hashes the input otherwise. The renderer's
 * key and the checking code's key are in the memo's first line: another
 * version counts as an empty memo. Written like the check cache (a file of
 * its own renamed over the old one, 0600), next to it.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256 } from '../core/digest.js';
import { readFileBounded } from '../source/read-bounded.js';

const FORMAT = 'mcpo-input-memo 1';
const MAX_MEMO_BYTES = 512 * 1024 * 1024;

export class InputMemo {
  private readonly next = new Map<string, string>();
  private changed = false;
  /** How many hashes were taken from the memo. */
  hits = 0;

  private constructor(
    readonly path: string,
    private readonly header: string,
    private readonly loaded: ReadonlyMap<string, string>,
    /** File path → sha256 (base64) of its bytes: the files the model was built from. */
    readonly digests: ReadonlyMap<string, string>,
  ) {}

  /** The memo at `path` for this renderer and checker (a missing, foreign or damaged one is empty). */
  static open(path: string, key: string, digests: ReadonlyMap<string, string>): InputMemo {
    const header = `${FORMAT} ${sha256(key)}\n`;
    const loaded = new Map<string, string>();
    try {
      const read = readFileBounded(path, MAX_MEMO_BYTES);
      const text = read.ok ? read.content.toString('utf8') : '';
      if (text.startsWith(header)) {
        for (let at = header.length; at < text.length;) {
          let end = text.indexOf('\n', at);
          if (end < 0) end = text.length;
          const line = text.slice(at, end);
          at = end + 1;
          // <input hash, 64 hex> <digest of what it was made from, 44> <object path>
          if (line.length > 110 && line[64] === ' ' && line[109] === ' ') loaded.set(line.slice(110), line);
        }
      }
    } catch {
      // missing or unreadable: empty
    }
    return new InputMemo(path, header, loaded, digests);
  }

  /** The digest of what an object is made from, given the files it reads (and anything else it reads, as text); undefined when a file's digest is unknown. */
  sources(files: readonly string[], extra: string): string | undefined {
    let text = extra;
    for (const file of files) {
      const digest = this.digests.get(file);
      if (digest === undefined) return undefined;
      text += `\n${file}\n${digest}`;
    }
    return sha256(text, 'base64');
  }

  /** The input hash kept for the object at this path made from these sources. */
  hashFor(objectPath: string, sources: string): string | undefined {
    const line = this.loaded.get(objectPath);
    if (line === undefined || !line.startsWith(sources, 65) || !/^[0-9a-f]{64}$/.test(line.slice(0, 64))) return undefined;
    this.hits++;
    return line.slice(0, 64);
  }

  /** Records the hash of an object planned this run. */
  record(objectPath: string, sources: string, hash: string): void {
    const line = `${hash} ${sources} ${objectPath}`;
    if (this.loaded.get(objectPath) !== line) this.changed = true;
    this.next.set(objectPath, line);
  }

  /** Writes the memo when it differs from the one read; a memo that cannot be written is skipped. */
  save(): void {
    if (!this.changed && this.next.size === this.loaded.size) return;
    const dir = dirname(this.path);
    const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const fd = openSync(temp, 'wx', 0o600);
      try {
        let text = this.header;
        for (const line of this.next.values()) {
          text += `${line}\n`;
          if (text.length > 1 << 20) {
            writeSync(fd, text);
            text = '';
          }
        }
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.path);
    } catch {
      rmSync(temp, { force: true });
    }
  }
}

/**
 * Reading what the output folder holds, for incremental synth: the input
 * record (input-line.ts) of every regular object file in it, read without
 * following symlinks, without waiting on a FIFO and bounded. At 10,000
 * templates that is ~21,000 files to open and hash; `mcpo synth` reads them
 * on a worker thread (read-ahead.ts).
 */
import { resolve } from 'node:path';
import { readRegularFileBounded } from '../source/read-bounded.js';
import { type InputRecord, inputRecord } from './input-line.js';
import { listTree } from './write.js';

/** A rendered object file is a few KiB; a bigger one was not written by synth (and is rendered again). */
const MAX_OBJECT_FILE_BYTES = 4 * 1024 * 1024;

/** Output path ('/'-separated, relative) → the record of its file. */
export type OutputRecords = Map<string, InputRecord>;

/** The records of the object files in `outDir`, read on this thread. A missing folder holds none. */
export function readOutputRecords(outDir: string): OutputRecords {
  const dir = resolve(outDir);
  const records: OutputRecords = new Map();
  const { regular } = listTree(dir);
  const scratch = Buffer.allocUnsafe(MAX_OBJECT_FILE_BYTES + 1);
  for (const path of regular) {
    if (!path.endsWith('.yaml')) continue;
    try {
      // No longer a regular file (a symlink, a FIFO, a folder), or gone: rendered again, and write.ts replaces it.
      // The listing's paths are its own names joined by '/': no path to normalise.
      const regularFile = readRegularFileBounded(`${dir}/${path}`, MAX_OBJECT_FILE_BYTES, scratch);
      // Read into the scratch buffer: its bytes may be moved about for the hash.
      const record = regularFile?.read.ok ? inputRecord(regularFile.read.content, true) : undefined;
      if (record) records.set(path, record);
    } catch {
      // unreadable (gone since the listing, a device that fails): rendered again
    }
  }
  return records;
}

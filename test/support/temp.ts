/** Temporary folders for one test file, removed after its tests. Call at the file's top level (it registers an afterAll). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export function tempFolders(prefix: string): { make: () => string; adopt: (...dirs: string[]) => void } {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    /** A new empty folder under the system's temporary folder. */
    make: () => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    /** Folders made elsewhere (a fixture repository), removed with the others. */
    adopt: (...dirs) => void made.push(...dirs),
  };
}

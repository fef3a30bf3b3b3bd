/**
 * Two sets of rendered files compared path by path, and the unified diff
 * `mcpo diff` prints (one patch per differing file, in path order, with the
 * sides' labels on the --- and +++ lines).
 */
import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import { compareStrings } from '../core/order.js';
import type { ChangeKind } from './affected.js';
import { withoutInputLine } from '../render/input-line.js';

export interface FileChange {
  readonly path: string;
  readonly change: ChangeKind;
  /** undefined when added. */
  readonly before: string | undefined;
  /** undefined when removed. */
  readonly after: string | undefined;
}

const strip = (text: string | undefined) => (text === undefined ? undefined : withoutInputLine(text));

/** The files that differ, in path order. */
export function compareFiles(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): FileChange[] {
  const paths = [...new Set([...base.keys(), ...head.keys()])].sort(compareStrings);
  const out: FileChange[] = [];
  for (const path of paths) {
    // The input line is synth's bookkeeping: what differs is the objects (and the files they come from).
    const before = strip(base.get(path));
    const after = strip(head.get(path));
    if (before === after) continue;
    out.push({ path, change: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed', before, after });
  }
  return out;
}

/** The unified diff of one file's change. */
export function filePatch(c: FileChange, baseLabel: string, headLabel: string): string {
  return createTwoFilesPatch(
    c.before === undefined ? '/dev/null' : `a/${c.path}`,
    c.after === undefined ? '/dev/null' : `b/${c.path}`,
    c.before ?? '',
    c.after ?? '',
    baseLabel,
    headLabel,
    { headerOptions: FILE_HEADERS_ONLY },
  );
}

/** The unified diff of every change, in order. */
export function unifiedDiff(changes: readonly FileChange[], baseLabel: string, headLabel: string): string {
  let patch = '';
  for (const c of changes) patch += filePatch(c, baseLabel, headLabel);
  return patch;
}

/**
 * The pipeline of `mcpo synth` (synth.ts, which loads this module once it has started reading the
 * output folder on a worker): from the last clean synth's state when it can say, else the whole
 * build; then --check, or the files written.
 */
import { isError } from '../core/diagnostic.js';
import { readRepoConfig, renderOptions } from '../declarations/repo-config.js';
import { BuildCache, buildModel } from '../model/build.js';
import { type IncrementalOptions, synthFiles } from '../render/incremental.js';
import { repoInputMemo } from '../render/input-memo.js';
import { rendererKey } from '../render/inputs.js';
import type { RenderOptions } from '../render/mcp-server-workload.js';
import type { ReadAhead } from '../render/read-ahead.js';
import { DepsRecorder, SynthState, synthStateKey, synthStatePath } from '../render/synth-state.js';
import { compareWithDir, isStale, writeRendered } from '../render/write.js';
import type { SourceFiles } from '../source/files.js';
import { readWorkingTreeFiles } from '../source/working-tree.js';
import { EXIT_INVALID, EXIT_OK } from './exit-codes.js';
import { printDiagnostics } from './output.js';
import { storedChecks } from './stored-checks.js';
import { relative } from 'node:path';

export interface SynthOptions {
  repo: string;
  out?: string;
  check?: boolean;
  full?: boolean;
  cache: boolean;
}

function shown(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') ? rel : dir;
}

export async function synthInto(out: string, opts: SynthOptions, reading: ReadAhead | undefined): Promise<number> {
  const cache = new BuildCache(storedChecks(opts));
  const options = renderOptions(readRepoConfig(opts.repo));
  // With the caches, after a small edit: from the last clean synth's state (render/synth-state.ts), when it can say.
  const state = cache.stored && synthState(opts.repo, options);
  // --full renders everything: the state is not read (the whole build writes a new one).
  const kept = state && !opts.full ? SynthState.read(state.path, state.key) : undefined;
  const known = cache.known;
  const source = await readWorkingTreeFiles(opts.repo, { known: kept ? (path, print) => kept.digestOf(path, print, known) : known });
  const incremental = { full: opts.full, output: reading?.records, warm: reading?.renderer };
  const fromState = kept && (await kept.synth(source, cache, options, incremental));
  const whole = fromState ? undefined : await wholeBuild(opts, source, cache, options, out, incremental);
  if (typeof whole === 'number') return whole;
  const { files, verified, rendered } = fromState ?? whole!.synth;
  const saveCaches = () => {
    if (!whole) return;
    whole.memo?.save();
    if (state && whole.recorder && whole.clean) SynthState.write(state.path, state.key, cache, whole.model, whole.synth.planned, whole.recorder);
  };
  const total = files.size + verified.size;
  if (opts.check) {
    const staleness = await compareWithDir(files, out, verified);
    saveCaches();
    if (!isStale(staleness)) {
      process.stdout.write(`${shown(out)} is up to date (${total} files)\n`);
      return EXIT_OK;
    }
    process.stderr.write(`${shown(out)} is out of date with resources/:\n`);
    for (const p of staleness.missing) process.stderr.write(`  missing: ${p}\n`);
    for (const p of staleness.changed) process.stderr.write(`  changed: ${p}\n`);
    for (const p of staleness.extra) process.stderr.write(`  not rendered: ${p}\n`);
    process.stderr.write('run `mcpo synth` and commit the result\n');
    return EXIT_INVALID;
  }
  const result = await writeRendered(files, out, verified);
  saveCaches();
  process.stdout.write(
    `rendered ${total} files into ${shown(out)}: ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.removed.length} removed (${rendered} of ${total - files.size + rendered} objects rendered)\n`,
  );
  return EXIT_OK;
}

/** Where the state of this repository's last clean synth is kept, and the key it must have been made under. */
function synthState(repo: string, options: RenderOptions) {
  return { path: synthStatePath(repo), key: synthStateKey(rendererKey(), options) };
}

/** The whole model built and every object planned (the memo saving most hashes); a number is the exit code of a build with errors. */
async function wholeBuild(opts: SynthOptions, source: SourceFiles, cache: BuildCache, options: RenderOptions, out: string, incremental: IncrementalOptions) {
  const { model, diagnostics } = buildModel(source, cache);
  cache.stored?.save();
  printDiagnostics(diagnostics, 'text');
  if (!model) {
    const errors = diagnostics.filter(isError).length;
    process.stderr.write(`${errors} error${errors === 1 ? '' : 's'}; nothing rendered\n`);
    return EXIT_INVALID;
  }
  // The input-hash memo goes with the check cache (--no-cache turns both off); --check keeps it too (it is no part of dist/).
  const memo = cache.stored && repoInputMemo(opts.repo, (file) => cache.digestOf(file));
  // What each object is made from, for the synth state.
  const recorder = memo && new DepsRecorder(memo);
  const synth = await synthFiles(model, options, out, { ...incremental, memo: recorder });
  return { model, memo, recorder, synth, clean: diagnostics.length === 0 };
}

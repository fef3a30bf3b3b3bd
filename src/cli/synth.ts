/**
 * mcpo synth: render resources/ into dist/ (or check that dist/ is current).
 *
 *   mcpo synth [--repo DIR] [--out DIR] [--check] [--full]
 *
 * The output folder is --out, else $CDK8S_OUTDIR (set by `cdk8s synth`, see
 * cdk8s.yaml), else <repo>/dist. Settings (the bridge image, the gitops layout) come from
 * <repo>/mcpo.yaml. Only the objects whose files in the output folder are
 * not current are rendered (render/incremental.ts); --full renders all. Exit 0: written / up to date; 1: invalid
 * declarations, or (--check) dist/ is stale; 2: usage error.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { isError } from '../core/diagnostic.js';
import { readRepoConfig, renderOptions } from '../declarations/repo-config.js';
import { BuildCache, buildModel } from '../model/build.js';
import { noCacheOption, storedChecks } from './check-cache-option.js';
import { synthFiles } from '../render/incremental.js';
import { INPUT_MEMO_SHOWN, repoInputMemo } from '../render/input-memo.js';
import { type ReadAhead, startReadAhead } from '../render/read-ahead.js';
import { readWorkingTreeFiles } from '../source/working-tree.js';
import { compareWithDir, isStale, writeRendered } from '../render/write.js';
import { action } from './command.js';
import { EXIT_INVALID, EXIT_OK } from './exit-codes.js';
import { printDiagnostics } from './output.js';
import { McpoError } from '../core/errors.js';

interface SynthOptions {
  repo: string;
  out?: string;
  check?: boolean;
  full?: boolean;
  cache: boolean;
}

/** The output folder, refused when it would hold (or be) the repository or its declarations. */
export function outputDir(repo: string, out: string | undefined): string {
  const repoDir = resolve(repo);
  const dir = resolve(out ?? process.env.CDK8S_OUTDIR ?? resolve(repoDir, 'dist'));
  const inside = (child: string, parent: string) => {
    const rel = relative(parent, child);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  };
  if (inside(repoDir, dir)) throw new McpoError('usage', `the output folder ${dir} contains the repository ${repoDir}; choose a folder inside it, like dist/`);
  if (inside(dir, resolve(repoDir, 'resources'))) throw new McpoError('usage', `the output folder ${dir} is inside resources/, where the declarations live`);
  return dir;
}

function shown(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') ? rel : dir;
}

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('render the declarations under resources/ into Kubernetes manifests in dist/ (cdk8s), ready for Argo CD and Flux')
    .option('--repo <dir>', 'config repository', '.')
    .option('--out <dir>', 'output folder (default: $CDK8S_OUTDIR, else <repo>/dist)')
    .option('--check', 'write nothing; exit 1 when the output folder is not exactly what synth would write (for CI)')
    .option('--full', 'render every object, not only those whose files in the output folder are not current')
    .addOption(noCacheOption('every declaration file', `, and the input hashes of unchanged objects from ${INPUT_MEMO_SHOWN}`))
    .action(
      action(async (opts: SynthOptions) => {
        const out = outputDir(opts.repo, opts.out);
        // The output folder is read on the second core, beside the model build.
        const reading = opts.full ? undefined : startReadAhead(out);
        try {
          return await synthInto(out, opts, reading);
        } finally {
          reading?.stop();
        }
      }),
    );
}

async function synthInto(out: string, opts: SynthOptions, reading: ReadAhead | undefined): Promise<number> {
  const cache = new BuildCache(storedChecks(opts));
  const { model, diagnostics } = buildModel(await readWorkingTreeFiles(opts.repo, { known: cache.known }), cache);
  cache.stored?.save();
  printDiagnostics(diagnostics, 'text');
  if (!model) {
    const errors = diagnostics.filter(isError).length;
    process.stderr.write(`${errors} error${errors === 1 ? '' : 's'}; nothing rendered\n`);
    return EXIT_INVALID;
  }
  // The input-hash memo goes with the check cache (--no-cache turns both off); --check keeps it too (it is no part of dist/).
  const memo = cache.stored && repoInputMemo(opts.repo, (file) => cache.digestOf(file));
  const { files, verified, rendered } = await synthFiles(model, renderOptions(readRepoConfig(opts.repo)), out, {
    full: opts.full,
    output: reading?.records,
    warm: reading?.renderer,
    memo,
  });
  const total = files.size + verified.size;
  if (opts.check) {
    const staleness = await compareWithDir(files, out, verified);
    memo?.save();
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
  memo?.save();
  process.stdout.write(
    `rendered ${total} files into ${shown(out)}: ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.removed.length} removed (${rendered} of ${total - files.size + rendered} objects rendered)\n`,
  );
  return EXIT_OK;
}

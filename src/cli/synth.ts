/**
 * mcpo synth: render resources/ into dist/ (or check that dist/ is current).
 *
 *   mcpo synth [--repo DIR] [--out DIR] [--check] [--full]
 *
 * The output folder is --out, else $CDK8S_OUTDIR (set by `cdk8s synth`, see
 * cdk8s.yaml), else <repo>/dist. Settings (the bridge image, the gitops layout) come from
 * <repo>/mcpo.yaml. Only the objects whose files in the output folder are
 * not current are rendered (render/incremental.ts); --full renders all. After
 * an edit of a few files, only what they touch is checked and planned, from the
 * last clean synth's state (render/synth-state.ts). This module defines the
 * command and starts reading the output folder on a worker; the pipeline is
 * synth-run.ts, loaded after that. Exit 0: written / up to date; 1: invalid
 * declarations, or (--check) dist/ is stale; 2: usage error.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { McpoError } from '../core/errors.js';
import { startReadAhead } from '../render/read-ahead.js';
import { cacheShown } from '../source/cache-dir.js';
import { noCacheOption } from './check-cache-option.js';
import { action } from './command.js';
import type { SynthOptions } from './synth-run.js';

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

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('render the declarations under resources/ into Kubernetes manifests in dist/ (cdk8s), ready for Argo CD and Flux')
    .option('--repo <dir>', 'config repository', '.')
    .option('--out <dir>', 'output folder (default: $CDK8S_OUTDIR, else <repo>/dist)')
    .option('--check', 'write nothing; exit 1 when the output folder is not exactly what synth would write (for CI)')
    .option('--full', 'render every object, not only those whose files in the output folder are not current')
    .addOption(
      noCacheOption(
        'every declaration file',
        `, the input hashes of unchanged objects from ${cacheShown('inputs')} and what the last clean synth knew from ${cacheShown('synth')}`,
      ),
    )
    .action(
      action(async (opts: SynthOptions) => {
        const out = outputDir(opts.repo, opts.out);
        // The output folder is read on the second core, beside the model build.
        const reading = opts.full ? undefined : startReadAhead(out);
        try {
          // The pipeline is loaded now, while the worker reads (~70 ms of modules).
          const { synthInto } = await import('./synth-run.js');
          return await synthInto(out, opts, reading);
        } finally {
          reading?.stop();
        }
      }),
    );
}

// @ts-check
/**
 * plan_one_change_s, diff_one_change_s: `mcpo plan BASE HEAD --format markdown` and
 * `mcpo diff BASE HEAD` (CLI processes) where HEAD changes one template's image. HEAD is
 * a commit made with git plumbing (a temporary index, commit-tree): the working tree and
 * the branches of the generated repository stay as they are for the other parts.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MCPO, median, round, timed } from '../lib.mjs';
import { cpuMedian, requireRepo } from './context.mjs';

/**
 * A commit on top of `parent` whose only change is `path` (relative to the repository) holding `content`.
 * @param {string} dir
 * @param {string} parent
 * @param {string} path
 * @param {string} content
 */
function commitOneChange(dir, parent, path, content) {
  const index = join(dir, '.git', `mcpo-bench-plan-index-${process.pid}`);
  const env = {
    ...process.env,
    GIT_INDEX_FILE: index,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@mcpo.invalid',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@mcpo.invalid',
  };
  /** @type {(args: string[], input?: string) => string} */
  const git = (args, input) => execFileSync('git', ['-C', dir, ...args], { env, input, encoding: 'utf8' }).trim();
  try {
    git(['read-tree', parent]);
    const blob = git(['hash-object', '-w', '--stdin'], content);
    git(['update-index', '--cacheinfo', `100644,${blob},${path}`]);
    const tree = git(['write-tree']);
    return git(['commit-tree', tree, '-p', parent, '-m', 'bench: one template changed']);
  } finally {
    rmSync(index, { force: true });
  }
}

/** @type {import('./context.mjs').Part} */
export const planPart = {
  name: 'plan',
  needsRepo: true,
  async run({ opts, repo: maybeRepo, results, row, log }) {
    const repo = requireRepo(maybeRepo);
    const base = repo.head;
    const head = commitOneChange(repo.dir, base, relative(repo.dir, repo.changedFile), repo.original.replace(/^image: (.*)$/m, 'image: $1-plan'));
    /** @type {number[]} */
    const plan = [];
    /** @type {Array<number | undefined>} */
    const planCpu = [];
    /** @type {number[]} */
    const diff = [];
    /** @type {Array<number | undefined>} */
    const diffCpu = [];
    for (let i = 0; i < opts.runs; i++) {
      const p = await timed(process.execPath, [MCPO, 'plan', base, head, '--repo', repo.dir, '--format', 'markdown'], { cpu: true });
      if (!p.stdout.startsWith('<!-- mcpo-plan -->') || !p.stdout.includes('| Pods that roll | 1 template |'))
        throw new Error(`mcpo plan did not plan the one change:\n${p.stdout.slice(0, 2000)}${p.stderr}`);
      plan.push(p.seconds);
      planCpu.push(p.cpuSeconds);
      const d = await timed(process.execPath, [MCPO, 'diff', base, head, '--repo', repo.dir], { cpu: true, allowFail: true });
      if (d.code !== 1 || (d.stdout.match(/^--- /gm) ?? []).length !== 1)
        throw new Error(`mcpo diff did not show one changed file (exit ${d.code}):\n${d.stdout.slice(0, 2000)}${d.stderr}`);
      diff.push(d.seconds);
      diffCpu.push(d.cpuSeconds);
    }
    // The same plan with --no-cache: both revisions parsed and checked (a CI job without a kept check cache).
    /** @type {number[]} */
    const planCold = [];
    for (let i = 0; i < opts.runs; i++) {
      const p = await timed(process.execPath, [MCPO, 'plan', base, head, '--repo', repo.dir, '--format', 'markdown', '--no-cache']);
      if (!p.stdout.includes('| Pods that roll | 1 template |'))
        throw new Error(`mcpo plan --no-cache did not plan the one change:\n${p.stdout.slice(0, 2000)}${p.stderr}`);
      planCold.push(p.seconds);
    }
    results.plan_one_change_cold_s = round(median(planCold));
    row('mcpo plan --no-cache, 1 template changed (s)', planCold, { note: 'no check cache' });
    results.plan_one_change_s = round(median(plan));
    results.plan_one_change_cpu_s = cpuMedian(planCpu);
    results.diff_one_change_s = round(median(diff));
    results.diff_one_change_cpu_s = cpuMedian(diffCpu);
    row('mcpo plan, 1 template changed (s)', plan, { cpu: results.plan_one_change_cpu_s, target: 'plan_one_change_s' });
    row('mcpo diff, 1 template changed (s)', diff, { cpu: results.diff_one_change_cpu_s, target: 'diff_one_change_s' });
    log(`plan: ${plan.map((s) => round(s)).join(', ')} s; diff: ${diff.map((s) => round(s)).join(', ')} s`);
  },
};

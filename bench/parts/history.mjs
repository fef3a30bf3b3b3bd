// @ts-check
/** created_at_s: src/source/history.ts fileCreationTimes over the whole history (in process). */
import { execFileSync } from 'node:child_process';
import { importBuild, median, round } from '../lib.mjs';
import { requireRepo } from './context.mjs';

/** @type {import('./context.mjs').Part} */
export const historyPart = {
  name: 'history',
  needsRepo: true,
  async run({ opts, repo: maybeRepo, results, row }) {
    const repo = requireRepo(maybeRepo);
    /** @type {typeof import('../../src/source/history.js')} */
    const { fileCreationTimes } = await importBuild('source/history.js');
    const head = execFileSync('git', ['-C', repo.dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    /** @type {number[]} */
    const history = [];
    let paths = 0;
    for (let i = 0; i < Math.max(5, opts.runs); i++) {
      const t0 = performance.now();
      const ct = await fileCreationTimes(repo.dir, head);
      history.push((performance.now() - t0) / 1000);
      paths = ct.times.size;
    }
    results.created_at_s = round(median(history), 3);
    results.created_at_paths = paths;
    row('created_at: history pass (s)', history, { target: 'created_at_s' });
  },
};

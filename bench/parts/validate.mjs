// @ts-check
/**
 * validate_s: `mcpo validate` (CLI process) of the generated repository, with the check cache
 * warm (src/model/check-cache.ts: one untimed run first); validate_cold_s: with --no-cache, every
 * declaration parsed and checked (a fresh CI clone).
 */
import { MCPO, median, round, timed } from '../lib.mjs';
import { cpuMedian, requireRepo } from './context.mjs';

/** @type {import('./context.mjs').Part} */
export const validatePart = {
  name: 'validate',
  needsRepo: true,
  async run({ opts, repo: maybeRepo, results, row, log }) {
    const repo = requireRepo(maybeRepo);
    /** @param {string[]} extra */
    const samples = async (extra) => {
      /** @type {number[]} */
      const seconds = [];
      /** @type {Array<number | undefined>} */
      const cpu = [];
      for (let i = 0; i < opts.runs; i++) {
        const r = await timed(process.execPath, [MCPO, 'validate', '--repo', repo.dir, ...extra], { cpu: true });
        if (!/valid: /.test(r.stdout)) throw new Error(`validate did not pass:\n${r.stdout}${r.stderr}`);
        seconds.push(r.seconds);
        cpu.push(r.cpuSeconds);
      }
      return { seconds, cpu };
    };
    await timed(process.execPath, [MCPO, 'validate', '--repo', repo.dir]);
    const warm = await samples([]);
    const cold = await samples(['--no-cache']);
    results.validate_s = round(median(warm.seconds));
    results.validate_cpu_s = cpuMedian(warm.cpu);
    results.validate_cold_s = round(median(cold.seconds));
    row('mcpo validate (s)', warm.seconds, { cpu: results.validate_cpu_s, note: 'check cache warm' });
    row('mcpo validate --no-cache (s)', cold.seconds, { cpu: cpuMedian(cold.cpu), note: 'every declaration parsed and checked' });
    log(`validate: ${warm.seconds.map((s) => round(s)).join(', ')} s; --no-cache ${cold.seconds.map((s) => round(s)).join(', ')} s`);
  },
};

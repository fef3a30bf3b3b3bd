// @ts-check
/** validate_s: `mcpo validate` (CLI process) of the generated repository. */
import { MCPO, median, round, timed } from '../lib.mjs';
import { cpuMedian, requireRepo } from './context.mjs';

/** @type {import('./context.mjs').Part} */
export const validatePart = {
  name: 'validate',
  needsRepo: true,
  async run({ opts, repo: maybeRepo, results, row, log }) {
    const repo = requireRepo(maybeRepo);
    /** @type {number[]} */
    const validate = [];
    /** @type {Array<number | undefined>} */
    const validateCpu = [];
    for (let i = 0; i < opts.runs; i++) {
      const r = await timed(process.execPath, [MCPO, 'validate', '--repo', repo.dir], { cpu: true });
      if (!/valid: /.test(r.stdout)) throw new Error(`validate did not pass:\n${r.stdout}${r.stderr}`);
      validate.push(r.seconds);
      validateCpu.push(r.cpuSeconds);
    }
    results.validate_s = round(median(validate));
    results.validate_cpu_s = cpuMedian(validateCpu);
    row('mcpo validate (s)', validate, { cpu: results.validate_cpu_s });
    log(`validate: ${validate.map((s) => round(s)).join(', ')} s`);
  },
};

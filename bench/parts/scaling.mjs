// @ts-check
/**
 * Input-size scaling of validate: how the time to check one declaration grows with its size.
 * Linear checks show a time ratio between two sizes ≈ the size ratio (growth exponent ≈ 1);
 * a quadratic one shows the square (exponent ≈ 2).
 *
 *   keys:   one McpTemplate whose `labels` map has N keys (default 10k, 40k, 90k; the 90k file is
 *           ~0.9 MB, under the 1 MiB declaration limit)
 *   digits: a ResourceLimit whose cpu and cpu_limit, and a template whose cpu override, have N digits (10k, 40k)
 *
 * Each size is measured twice: `buildModel` in process (in a fresh node process per size, timed
 * around the call after an untimed warm-up on at most 2,000; the figure the ratios are about), and the CLI a user runs,
 * `mcpo validate --repo DIR` (wall time, including ~0.7 s of process start).
 *
 * Every measurement is bounded: before a size, the time the previous size took is scaled by the
 * square of the size ratio; over --scaling-budget seconds (default 120) the size and the larger
 * ones are skipped and the table says so, and the number of runs is cut so that runs × that
 * estimate stays within the budget. A size whose runs take longer than the budget all the same is
 * stopped (its process killed) at the budget, and the larger sizes are skipped.
 *
 *   node bench/run.mjs --parts scaling [--runs 3] [--scaling-keys 10000,40000,90000]
 *                      [--scaling-digits 10000,40000] [--scaling-budget 120] [--scaling-cli no]
 *
 * Run directly with --measure it is the child that times buildModel:
 *   node bench/parts/scaling.mjs --measure keys|digits N RUNS    → one JSON line
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importBuild, MCPO, median, round, timed } from '../lib.mjs';

const SELF = fileURLToPath(import.meta.url);

/** @typedef {'keys' | 'digits'} Kind */

const NAMESPACE = 'kind: Namespace\nname: default\n';

/** @param {string} cpu */
const preset = (cpu) => `kind: ResourceLimit
name: scaling-preset
limits:
  cpu: ${cpu}
  memory: 256Mi
  cpu_limit: ${cpu}
  memory_limit: 512Mi
`;

/** @param {string} labels a YAML flow mapping */
const template = (labels) => `kind: McpTemplate
name: scaling-template
namespace: default
image: node:24-alpine3.21
command: [npx]
args: ["-y", "@modelcontextprotocol/server-memory"]
resource_limit_name: scaling-preset
labels: ${labels}
`;

/**
 * The declarations of one measurement: path → YAML. Valid for every size (checked by the run).
 * @param {Kind} kind
 * @param {number} size keys of the labels map, or digits of the quantities
 * @returns {Record<string, string>}
 */
export function scalingFiles(kind, size) {
  if (kind === 'keys') {
    // Base-36 keys keep 90k keys under the 1 MiB file limit: `k1xyz: v, ` is 10 bytes.
    const labels = `{${Array.from({ length: size }, (_, i) => `k${i.toString(36)}: v`).join(', ')}}`;
    return { 'resources/namespace.yaml': NAMESPACE, 'resources/preset.yaml': preset('100m'), 'resources/template.yaml': template(labels) };
  }
  // N digits of millicores, 1 followed by N-1 zeros: the preset's request and limit, and the template's override of the request.
  const cpu = `1${'0'.repeat(Math.max(0, size - 1))}m`;
  return {
    'resources/namespace.yaml': NAMESPACE,
    'resources/preset.yaml': preset(cpu),
    'resources/template.yaml': `${template('{app: scaling}')}resources:\n  cpu: ${cpu}\n`,
  };
}

/**
 * @param {Record<string, string>} files
 * @returns {Array<{ path: string, content: Buffer }>}
 */
const inputFiles = (files) => Object.entries(files).map(([path, text]) => ({ path, content: Buffer.from(text) }));

/**
 * The child: buildModel timed `runs` times after one small warm-up call.
 * @param {Kind} kind
 * @param {number} size
 * @param {number} runs
 */
async function measure(kind, size, runs) {
  /** @type {typeof import('../../src/model/build.js')} */
  const { buildModel } = await importBuild('model/build.js');
  // Warm-up, untimed: the spec loaded and the checking paths compiled, on a smaller input of the same shape.
  buildModel({ files: inputFiles(scalingFiles(kind, Math.min(size, 2000))) });
  const files = inputFiles(scalingFiles(kind, size));
  /** @type {number[]} */
  const seconds = [];
  let problem = '';
  const bytes = files.reduce((a, f) => a + f.content.length, 0);
  // One line per run, so that the runs done before a timeout are not lost.
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const result = buildModel({ files });
    seconds.push((performance.now() - t0) / 1000);
    if (!result.model) problem = [...new Set(result.diagnostics.map((d) => d.code))].join(', ');
    process.stdout.write(`${JSON.stringify({ seconds: seconds.at(-1), bytes, problem })}\n`);
  }
}

/** @param {string | undefined} text @param {number[]} fallback */
const sizes = (text, fallback) => (text ? text.split(',').map(Number) : fallback);

/** @type {import('./context.mjs').Part} */
export const scalingPart = {
  name: 'scaling',
  needsRepo: false,
  async run({ opts, work, results, rows, row, log }) {
    const budget = Number(opts.opt('--scaling-budget', '120'));
    const withCli = opts.opt('--scaling-cli', 'yes') !== 'no';
    /** @type {Array<{ kind: Kind, sizes: number[], unit: string, what: string }>} */
    const series = [
      { kind: 'keys', sizes: sizes(opts.opt('--scaling-keys'), [10_000, 40_000, 90_000]), unit: 'keys', what: 'labels map' },
      { kind: 'digits', sizes: sizes(opts.opt('--scaling-digits'), [10_000, 40_000]), unit: 'digits', what: 'quantities' },
    ];
    /** @type {string[]} */
    const skipped = [];
    const dir = join(work, 'scaling');

    /**
     * One series (in process or CLI): sizes in order, each bounded by the previous one's time.
     * `floor` (the CLI's time for a tiny input: process start and imports) is taken off before
     * sizes are compared, so that the ratios are those of the checking work.
     * @param {Kind} kind
     * @param {number[]} list
     * @param {string} label
     * @param {'process' | 'cli'} how
     * @param {(size: number, runs: number) => Promise<{ seconds: number[], outcome: string, stopped: boolean }>} sample
     *   stopped: the budget ran out (the process was killed) before all runs were done
     * @param {number} floor
     */
    const runSeries = async (kind, list, label, how, sample, floor = 0) => {
      /** @type {{ size: number, median: number } | undefined} */
      let prev;
      for (const size of list) {
        let runs = opts.runs;
        if (prev) {
          const worst = floor + Math.max(0, prev.median - floor) * (size / prev.size) ** 2;
          if (worst > budget) {
            const why = `${size} ${label} (${how}): skipped, ${prev.size} took ${round(prev.median)} s, so ${size} could take ~${round(worst, 0)} s (quadratic), over --scaling-budget ${budget} s`;
            log(why);
            skipped.push(why);
            rows.push({
              name: `validate (${how}), ${size} ${label} (s)`,
              median: NaN,
              n: 0,
              note: `skipped: ~${round(worst, 0)} s if quadratic, over the ${budget} s budget`,
            });
            return;
          }
          runs = Math.max(1, Math.min(opts.runs, Math.floor(budget / worst)));
        }
        const { seconds, outcome, stopped } = await sample(size, runs);
        if (seconds.length === 0) {
          const why = `${size} ${label} (${how}): stopped at the --scaling-budget of ${budget} s before one run was done; larger sizes skipped`;
          log(why);
          skipped.push(why);
          results[`validate_${how === 'cli' ? 'cli_' : ''}${kind}_${size}_s`] = `> ${budget}`;
          rows.push({ name: `validate (${how}), ${size} ${label} (s)`, median: NaN, n: 0, note: `stopped: over ${budget} s (the budget) for one run` });
          return;
        }
        const m = median(seconds);
        const key = `validate_${how === 'cli' ? 'cli_' : ''}${kind}_${size}`;
        results[`${key}_s`] = round(m, 3);
        results[`${key}_outcome`] = outcome;
        const verdict = outcome === 'valid' ? '' : `rejected (${outcome}); `;
        /** @type {Partial<import('./context.mjs').Row>} */
        const extra = verdict ? { note: verdict.replace(/; $/, '') } : {};
        if (prev && prev.median - floor < 0.05) {
          extra.note = `${verdict}too fast to compare (${round((prev.median - floor) * 1000, 0)} ms of work at ${prev.size})`;
        } else if (prev) {
          const ratio = (m - floor) / (prev.median - floor);
          const sizeRatio = size / prev.size;
          const exponent = Math.log(ratio) / Math.log(sizeRatio);
          results[`${key}_ratio`] = round(ratio);
          results[`${key}_exponent`] = round(exponent);
          extra.ratio = ratio;
          extra.note = `${verdict}× ${round(ratio)} for × ${round(sizeRatio)} the ${label}${floor ? ` (above the start floor)` : ''}; growth exponent ${round(exponent)} (1 linear, 2 quadratic)`;
        }
        row(`validate (${how}), ${size} ${label} (s)`, seconds, extra);
        log(`validate (${how}), ${size} ${label}: ${seconds.map((s) => round(s)).join(', ')} s`);
        if (stopped) {
          const why = `${size} ${label} (${how}): ${seconds.length} of ${runs} runs done within the --scaling-budget of ${budget} s; larger sizes skipped`;
          log(why);
          skipped.push(why);
          return;
        }
        prev = { size, median: m };
      }
    };

    /**
     * `mcpo validate` of a repository holding scalingFiles(kind, size), `runs` times.
     * @param {Kind} kind
     * @param {number} size
     * @param {number} runs
     * @param {string} what
     */
    const cliSamples = async (kind, size, runs, what) => {
      const repo = join(dir, `${kind}-${size}`);
      rmSync(repo, { recursive: true, force: true });
      for (const [path, text] of Object.entries(scalingFiles(kind, size))) {
        mkdirSync(dirname(join(repo, path)), { recursive: true });
        writeFileSync(join(repo, path), text);
      }
      /** @type {number[]} */
      const seconds = [];
      let outcome = '';
      let stopped = false;
      const deadline = performance.now() + budget * 1000;
      for (let i = 0; i < runs; i++) {
        const r = await timed(process.execPath, [MCPO, 'validate', '--repo', repo, '--format', 'json'], {
          allowFail: true,
          timeoutMs: Math.max(1, deadline - performance.now()),
        });
        if (r.timedOut) {
          stopped = true;
          break;
        }
        // 0: valid, 1: invalid (a result too: the time it takes to say so); anything else is a failure of the run.
        if (r.code !== 0 && r.code !== 1) throw new Error(`mcpo validate of the ${size}-${kind} ${what} exited ${r.code}:\n${r.stderr.slice(0, 2000)}`);
        /** @type {{ valid: boolean, diagnostics: Array<{ code: string }> }} */
        const verdict = JSON.parse(r.stdout);
        if (verdict.valid !== (r.code === 0)) throw new Error(`mcpo validate of the ${size}-${kind} ${what}: exit ${r.code} but valid ${verdict.valid}`);
        outcome = verdict.valid ? 'valid' : [...new Set(verdict.diagnostics.map((d) => d.code))].join(', ');
        seconds.push(r.seconds);
      }
      rmSync(repo, { recursive: true, force: true });
      return { seconds, outcome, stopped };
    };

    /** @type {number | undefined} */
    let cliFloor;
    if (withCli) {
      const { seconds } = await cliSamples('keys', 10, opts.runs, 'labels map');
      cliFloor = median(seconds);
      results.validate_cli_floor_s = round(cliFloor, 3);
      row('validate (cli), start floor: 10 keys (s)', seconds, { note: 'process start and imports, taken off before the CLI sizes are compared' });
    }

    for (const s of series) {
      await runSeries(s.kind, s.sizes, s.unit, 'process', async (size, runs) => {
        const r = await timed(process.execPath, [SELF, '--measure', s.kind, String(size), String(runs)], { allowFail: true, timeoutMs: budget * 1000 });
        if (r.code !== 0 && !r.timedOut) throw new Error(`scaling.mjs --measure ${s.kind} ${size} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
        /** @type {Array<{ seconds: number, bytes: number, problem: string }>} */
        const done = r.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l));
        results[`validate_${s.kind}_${size}_bytes`] = done[0]?.bytes;
        return { seconds: done.map((d) => d.seconds), outcome: done.at(-1)?.problem || 'valid', stopped: r.timedOut };
      });
      if (cliFloor === undefined) continue;
      await runSeries(s.kind, s.sizes, s.unit, 'cli', (size, runs) => cliSamples(s.kind, size, runs, s.what), cliFloor);
    }
    results.scaling_budget_s = budget;
    if (skipped.length > 0) results.scaling_skipped = skipped;
  },
};

if (process.argv[1] === SELF && process.argv[2] === '--measure') {
  const [kind, size, runs] = process.argv.slice(3);
  if (kind !== 'keys' && kind !== 'digits') throw new Error('usage: scaling.mjs --measure keys|digits N RUNS');
  await measure(kind, Number(size), Number(runs ?? 1));
}

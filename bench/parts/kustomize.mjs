// @ts-check
/**
 * kustomize_slowest_unit_s, kustomize_units, kustomize_sum_s, kustomize_slowest_unit: the real
 * `kustomize build` (pinned in test/tools/install.sh) of every build unit that `mcpo synth` writes
 * with `gitops.layout: units` (mcpo.yaml) for the generated repository, one after another (the
 * machine has 2 cores), as Flux's kustomize-controller and Argo CD's repo server run it per
 * Kustomization / Application. The whole single-layout output is not built: that took 49 minutes.
 *
 * The repository's mcpo.yaml is written for the part and removed after it (the generated
 * repository has none), so the other parts see the default layout.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listFiles, MCPO, median, ROOT, round, timed } from '../lib.mjs';
import { cpuMedian, requireRepo } from './context.mjs';

const UNITS_CONFIG = `gitops:
  layout: units
  repoURL: https://git.example.com/platform/mcp-config.git
  revision: main
  argocd: {}
  flux: { sourceRef: mcp-config }
`;

/** The pinned kustomize, installed by test/tools/install.sh (go install) on first use. */
function ensureKustomize() {
  const out = execFileSync('bash', [join(ROOT, 'test', 'tools', 'install.sh'), 'kustomize'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = out.trim().split('\n').pop();
  if (!path || !existsSync(path)) throw new Error('kustomize was not installed');
  return path;
}

/** @type {import('./context.mjs').Part} */
export const kustomizePart = {
  name: 'kustomize',
  needsRepo: true,
  async run({ opts, repo: maybeRepo, results, row, log }) {
    const repo = requireRepo(maybeRepo);
    const kustomize = ensureKustomize();
    const out = join(opts.outBaseDir, 'mcpo-bench-dist-units');
    const config = join(repo.dir, 'mcpo.yaml');
    if (existsSync(config)) throw new Error(`${config} exists: the kustomize part writes its own`);
    mkdirSync(opts.outBaseDir, { recursive: true });
    rmSync(out, { recursive: true, force: true });
    writeFileSync(config, UNITS_CONFIG);
    try {
      const synth = await timed(process.execPath, [MCPO, 'synth', '--repo', repo.dir, '--out', out]);
      results.kustomize_synth_units_s = round(synth.seconds);
    } finally {
      rmSync(config, { force: true });
    }
    const units = listFiles(out)
      .filter((f) => f.endsWith('/kustomization.yaml') && !f.startsWith('gitops/'))
      .map((f) => dirname(f));
    if (units.length === 0) throw new Error(`no units in ${out}`);
    if (existsSync(join(out, 'kustomization.yaml'))) throw new Error('layout: units wrote an aggregating kustomization.yaml');
    log(`kustomize: ${units.length} units in ${out} (synth ${results.kustomize_synth_units_s} s)`);

    /** @type {Map<string, number[]>} */
    const perUnit = new Map(units.map((u) => [u, []]));
    /** CPU seconds (GNU time), which the other processes of a busy machine do not inflate. @type {Map<string, Array<number | undefined>>} */
    const perUnitCpu = new Map(units.map((u) => [u, []]));
    /** @type {number[]} */
    const sums = [];
    /** @type {Array<number | undefined>} */
    const cpuSums = [];
    let objects = 0;
    for (let i = 0; i < opts.runs; i++) {
      let sum = 0;
      /** @type {number | undefined} */
      let cpuSum = 0;
      objects = 0;
      for (const unit of units) {
        const dir = join(out, unit);
        const b = await timed(kustomize, ['build', dir], { cpu: true });
        // Each object of the unit once: as many documents as the files its kustomization.yaml lists.
        const listed = (readFileSync(join(dir, 'kustomization.yaml'), 'utf8').match(/^ {2}- /gm) ?? []).length;
        const built = (b.stdout.match(/^---$/gm) ?? []).length + 1;
        if (built !== listed) throw new Error(`kustomize build ${unit}: ${built} objects, its kustomization.yaml lists ${listed}`);
        objects += built;
        perUnit.get(unit)?.push(b.seconds);
        perUnitCpu.get(unit)?.push(b.cpuSeconds);
        sum += b.seconds;
        cpuSum = cpuSum === undefined || b.cpuSeconds === undefined ? undefined : cpuSum + b.cpuSeconds;
      }
      sums.push(sum);
      cpuSums.push(cpuSum);
      log(`kustomize run ${i + 1}: ${units.length} units, ${objects} objects, ${round(sum, 1)} s in all`);
    }
    const medians = [...perUnit].map(([unit, s]) => ({ unit, seconds: median(s), samples: s }));
    const slowest = medians.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    results.kustomize_slowest_unit_s = round(slowest.seconds);
    results.kustomize_slowest_unit = slowest.unit;
    results.kustomize_units = units.length;
    results.kustomize_objects = objects;
    results.kustomize_sum_s = round(median(sums));
    results.kustomize_median_unit_s = round(median(medians.map((m) => m.seconds)));
    const cpus = [...perUnitCpu.values()].map((s) => cpuMedian(s));
    results.kustomize_slowest_unit_cpu_s = cpus.every((c) => c !== undefined) ? Math.max(.../** @type {number[]} */ (cpus)) : undefined;
    results.kustomize_sum_cpu_s = cpuMedian(cpuSums);
    row('kustomize build, slowest unit (s)', slowest.samples, {
      cpu: cpuMedian(perUnitCpu.get(slowest.unit) ?? []),
      target: 'kustomize_slowest_unit_s',
      note: slowest.unit,
    });
    row(`kustomize build, all ${units.length} units one after another (s)`, sums, { cpu: results.kustomize_sum_cpu_s, note: `${objects} objects` });
    rmSync(out, { recursive: true, force: true });
  },
};

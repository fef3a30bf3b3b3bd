// @ts-check
/**
 * synth_ratio: full `mcpo synth` into an empty folder (CLI process), interleaved with the
 * cdk8s floor (bench/baseline-synth.mjs: plain ApiObjects of the same objects, `app.synth()`
 * one file per object), and that floor for the Deployments only.
 * incremental_ratio: one template changed in the working tree, `mcpo synth` (incremental: it
 * renders only the objects whose files are not current) over the previous full output, copied
 * first to a fresh folder as a CI clone with a committed dist/ has it, ÷ the full synth. Each run
 * must write exactly one file and render one object, and the output must equal a full render's.
 * Every synth finds the check cache warm (one untimed validate first); incremental_cold_s is the
 * same change with --no-cache (every declaration parsed and checked again).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { listFiles, MCPO, median, ROOT, round, timed } from '../lib.mjs';
import { cpuMedian, requireRepo } from './context.mjs';

/** @typedef {{ synth: Array<number | undefined>, base: Array<number | undefined>, baseDeploy: Array<number | undefined>, incremental: Array<number | undefined> }} Samples */

/** @type {import('./context.mjs').Part} */
export const synthPart = {
  name: 'synth',
  needsRepo: true,
  async run({ opts, work, repo: maybeRepo, results, row, log }) {
    const repo = requireRepo(maybeRepo);
    const node = process.execPath;
    const { runs, outBaseDir } = opts;
    mkdirSync(outBaseDir, { recursive: true });
    const outMcpo = join(outBaseDir, 'mcpo-bench-dist-mcpo');
    const outBase = join(outBaseDir, 'mcpo-bench-dist-cdk8s');
    const objectsFile = join(work, 'objects.json');
    /** @type {number[]} */
    const synth = [];
    /** @type {number[]} */
    const base = [];
    /** @type {number[]} */
    const baseDeploy = [];
    /** @type {Samples} */
    const cpu = { synth: [], base: [], baseDeploy: [], incremental: [] };
    /** @type {Samples} */
    const sys = { synth: [], base: [], baseDeploy: [], incremental: [] };
    /** @type {{ synth: Array<number | undefined>, base: Array<number | undefined> }} */
    const user = { synth: [], base: [] };
    // Each timed synth starts with no dirty pages left by the previous step (its output, or the removal of one).
    const settle = () => execFileSync('sync');
    let filesRendered = 0;
    // The check cache (src/model/check-cache.ts) as a second run finds it: every timed synth below reads it warm.
    execFileSync(node, [MCPO, 'validate', '--repo', repo.dir], { stdio: 'ignore' });
    for (let i = 0; i < runs; i++) {
      rmSync(outMcpo, { recursive: true, force: true });
      settle();
      const m = await timed(node, [MCPO, 'synth', '--repo', repo.dir, '--out', outMcpo], { cpu: true });
      synth.push(m.seconds);
      cpu.synth.push(m.cpuSeconds);
      sys.synth.push(m.sysSeconds);
      user.synth.push(m.userSeconds);
      filesRendered = Number(/rendered (\d+) files/.exec(m.stdout)?.[1] ?? 0);
      if (i === 0) prepareBaselineInput(outMcpo, objectsFile);
      rmSync(outBase, { recursive: true, force: true });
      settle();
      const b = await timed(node, [join(ROOT, 'bench', 'baseline-synth.mjs'), '--input', objectsFile, '--out', outBase], { cpu: true });
      base.push(b.seconds);
      cpu.base.push(b.cpuSeconds);
      sys.base.push(b.sysSeconds);
      user.base.push(b.userSeconds);
      if (i === 0) results.baseline_identical = verifyBaseline(outMcpo, outBase, objectsFile, log);
      rmSync(outBase, { recursive: true, force: true });
      settle();
      const d = await timed(node, [join(ROOT, 'bench', 'baseline-synth.mjs'), '--input', objectsFile, '--out', outBase, '--kinds', 'Deployment'], {
        cpu: true,
      });
      baseDeploy.push(d.seconds);
      cpu.baseDeploy.push(d.cpuSeconds);
      sys.baseDeploy.push(d.sysSeconds);
      log(`synth run ${i + 1}: mcpo ${round(m.seconds)} s, cdk8s floor ${round(base.at(-1))} s, floor (Deployments only) ${round(baseDeploy.at(-1))} s`);
    }
    rmSync(outBase, { recursive: true, force: true });
    results.synth_s = round(median(synth));
    results.synth_floor_s = round(median(base));
    results.synth_ratio = round(median(synth) / median(base));
    results.synth_floor_deployments_s = round(median(baseDeploy));
    results.synth_ratio_vs_deployments_only = round(median(synth) / median(baseDeploy));
    results.synth_files = filesRendered;
    results.synth_cpu_s = cpuMedian(cpu.synth);
    results.synth_floor_cpu_s = cpuMedian(cpu.base);
    results.synth_cpu_ratio = results.synth_cpu_s && round(results.synth_cpu_s / results.synth_floor_cpu_s);
    results.synth_sys_s = cpuMedian(sys.synth);
    // User CPU alone: the steadiest figure on a shared machine (system time follows the disk's mood).
    const userSynth = cpuMedian(user.synth);
    const userBase = cpuMedian(user.base);
    results.synth_user_ratio = userSynth && round(userSynth / /** @type {number} */ (userBase));
    results.synth_floor_sys_s = cpuMedian(sys.base);
    row('mcpo synth, full (s)', synth, {
      cpu: results.synth_cpu_s,
      note: `system ${results.synth_sys_s} s; user-CPU ratio ${results.synth_user_ratio}`,
      floor: median(base),
      ratio: results.synth_ratio,
      target: 'synth_ratio',
      cpuRatio: results.synth_cpu_ratio,
    });
    row('cdk8s floor: same objects (s)', base, { cpu: results.synth_floor_cpu_s, note: `system ${results.synth_floor_sys_s} s` });
    row('cdk8s floor: Deployments only (s)', baseDeploy, {
      cpu: cpuMedian(cpu.baseDeploy),
      ratio: results.synth_ratio_vs_deployments_only,
      note: `system ${cpuMedian(sys.baseDeploy)} s`,
    });

    // ---- incremental: one template changed, synth over the previous output (a fresh copy, as a clone has it) ----
    /** @type {number[]} */
    const incremental = [];
    /** @type {number[]} */
    const incrementalCold = [];
    /** @type {Array<number | undefined>} */
    const coldCpu = [];
    const outClone = join(outBaseDir, 'mcpo-bench-dist-clone');
    /** @type {number[]} */
    const renderedObjects = [];
    // Warm: the check cache kept from the last run (a developer's machine, CI with a cached ~/.cache/mcp-orchestrator);
    // cold (--no-cache): every declaration parsed and checked again (a fresh CI clone with a committed dist/ only).
    // The change alternates over both loops, so every run has one template to render.
    let changes = 0;
    for (const cold of [false, true]) {
      for (let i = 0; i < runs; i++) {
        writeFileSync(repo.changedFile, changes++ % 2 === 0 ? repo.original.replace(/^image: (.*)$/m, 'image: $1-bench') : repo.original);
        rmSync(outClone, { recursive: true, force: true });
        cpSync(outMcpo, outClone, { recursive: true });
        settle();
        const r = await timed(node, [MCPO, 'synth', '--repo', repo.dir, '--out', outClone, ...(cold ? ['--no-cache'] : [])], { cpu: true });
        const written = Number(/: (\d+) written/.exec(r.stdout)?.[1] ?? -1);
        const rendered = Number(/\((\d+) of \d+ objects rendered\)/.exec(r.stdout)?.[1] ?? -1);
        renderedObjects.push(rendered);
        if (written !== 1 || rendered !== 1)
          log(`warning: incremental synth wrote ${written} files and rendered ${rendered} objects (expected 1 and 1): ${r.stdout.trim()}`);
        if (cold) {
          incrementalCold.push(r.seconds);
          coldCpu.push(r.cpuSeconds);
        } else {
          incremental.push(r.seconds);
          cpu.incremental.push(r.cpuSeconds);
          sys.incremental.push(r.sysSeconds);
        }
        rmSync(outMcpo, { recursive: true, force: true });
        cpSync(outClone, outMcpo, { recursive: true });
      }
    }
    // The incremental output against a full render of the same declarations (--full, into an empty folder).
    const outFull = join(outBaseDir, 'mcpo-bench-dist-full');
    rmSync(outFull, { recursive: true, force: true });
    await timed(node, [MCPO, 'synth', '--repo', repo.dir, '--out', outFull, '--full']);
    results.incremental_identical = sameTree(outClone, outFull, log);
    results.incremental_rendered_objects = Math.max(...renderedObjects);
    rmSync(outFull, { recursive: true, force: true });
    rmSync(outClone, { recursive: true, force: true });
    writeFileSync(repo.changedFile, repo.original);
    results.incremental_s = round(median(incremental));
    results.incremental_ratio = round(median(incremental) / median(synth));
    results.incremental_cpu_s = cpuMedian(cpu.incremental);
    results.incremental_cpu_ratio = results.incremental_cpu_s && round(results.incremental_cpu_s / results.synth_cpu_s);
    row('mcpo synth, 1 template changed (s)', incremental, {
      cpu: results.incremental_cpu_s,
      note: `system ${cpuMedian(sys.incremental)} s`,
      ratio: results.incremental_ratio,
      target: 'incremental_ratio',
      cpuRatio: results.incremental_cpu_ratio,
    });
    log(`incremental: ${incremental.map((s) => round(s)).join(', ')} s`);
    results.incremental_cold_s = round(median(incrementalCold));
    results.incremental_cold_ratio = round(median(incrementalCold) / median(synth));
    row('mcpo synth --no-cache, 1 template changed (s)', incrementalCold, {
      cpu: cpuMedian(coldCpu),
      ratio: results.incremental_cold_ratio,
      note: 'no check cache: every declaration parsed and checked (a fresh CI clone)',
    });
    log(`incremental, no check cache: ${incrementalCold.map((s) => round(s)).join(', ')} s`);
    rmSync(outMcpo, { recursive: true, force: true });
    if (outBaseDir !== work) rmSync(outBaseDir, { recursive: true, force: true });
    results.synth_out = outBaseDir;
  },
};

/**
 * True when both folders hold the same files with the same bytes.
 * @param {string} a
 * @param {string} b
 * @param {(msg: string) => void} log
 */
function sameTree(a, b, log) {
  const left = new Set(listFiles(a));
  const right = new Set(listFiles(b));
  const differ = [...new Set([...left, ...right])].filter((p) => !left.has(p) || !right.has(p) || !readFileSync(join(a, p)).equals(readFileSync(join(b, p))));
  log(
    differ.length === 0
      ? `incremental output byte-identical to a full render (${left.size} files)`
      : `incremental output differs from a full render: ${differ.slice(0, 3).join(', ')}`,
  );
  return differ.length === 0;
}

/**
 * mcpo's rendered objects (not the kustomization files) as [{ chart, path, object }] for baseline-synth.mjs.
 * @param {string} distDir
 * @param {string} file
 */
function prepareBaselineInput(distDir, file) {
  const objects = [];
  for (const path of listFiles(distDir)) {
    if (path.endsWith('kustomization.yaml')) continue;
    const parts = path.split('/');
    const chart = parts[0] === 'cluster' ? 'cluster' : `namespace-${parts[1]}`;
    objects.push({ chart, path, object: parseYaml(readFileSync(join(distDir, path), 'utf8')) });
  }
  writeFileSync(file, JSON.stringify(objects));
}

/**
 * True when every object file the floor wrote equals mcpo's (after mcpo's comment header).
 * @param {string} distDir
 * @param {string} baseDir
 * @param {string} file
 * @param {(msg: string) => void} log
 */
function verifyBaseline(distDir, baseDir, file, log) {
  /** @type {Array<{ chart: string, path: string, object: { kind: string, metadata: { name: string } } }>} */
  const objects = JSON.parse(readFileSync(file, 'utf8'));
  let differ = 0;
  for (const { chart, path, object } of objects) {
    const mine = readFileSync(join(distDir, path), 'utf8').replace(/^(#[^\n]*\n)+/, '');
    const theirs = readFileSync(join(baseDir, chart, `${object.kind}.${object.metadata.name}.yaml`), 'utf8');
    if (mine !== theirs && differ++ < 3) log(`baseline differs from mcpo for ${path}`);
  }
  log(
    differ === 0
      ? `floor check: all ${objects.length} objects byte-identical to mcpo's (after its header comment)`
      : `floor check: ${differ} of ${objects.length} objects differ`,
  );
  return differ === 0;
}

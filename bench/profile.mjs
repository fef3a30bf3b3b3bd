#!/usr/bin/env node
/**
 * CPU profiles behind BENCHMARKS.md: `node --cpu-prof` of
 *   - `mcpo synth` of the 10,000-template repo into an empty folder,
 *   - the cdk8s floor (bench/baseline-synth.mjs) of the same objects,
 *   - `mcpo serve`: the snapshot load at start, then ListMcpTemplates and
 *     GetMcpTemplate under load (h2load, 10 concurrent streams), each phase
 *     summarised from its own time window of the one profile,
 * with the top frames of each printed (bench/cpuprofile-top.mjs). The
 * .cpuprofile files stay in ${MCPO_CACHE_DIR:-~/.cache/mcp-orchestrator}/bench/profile
 * for Chrome DevTools or speedscope.
 *
 *   npm run build && node bench/profile.mjs [--templates N] [--top N]
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { summarise, formatSummary } from './cpuprofile-top.mjs';
import { benchCacheDir, generateRepo, SELECT_LABEL } from './generate.mjs';
import { grpcFrame, h2load, listFiles, MCPO, ROOT, startProcess, stopProcess, timed } from './lib.mjs';

const argv = process.argv.slice(2);
const opt = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const TEMPLATES = Number(opt('--templates', 10_000));
const TOP = Number(opt('--top', 15));
const LOAD_SECONDS = 8;

const dir = join(benchCacheDir(), 'profile');
const repo = join(dir, 'repo');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const node = process.execPath;
const newest = (d) =>
  join(
    d,
    readdirSync(d)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort()
      .pop() ?? '',
  );
const show = (title, file, window) => {
  console.log(`${formatSummary(summarise(JSON.parse(readFileSync(file, 'utf8')), TOP, window), title)}\n`);
};

const gen = await generateRepo(repo, { templates: TEMPLATES });
console.log(`repo ${repo}: ${gen.templates.length} templates, HEAD ${gen.head}\n`);

// ---- synth ----
const synthProf = join(dir, 'synth');
// Outputs on tmpfs when there is one, as in run.mjs.
const outBase = existsSync('/dev/shm') ? join('/dev/shm', `mcpo-profile-${process.pid}`) : dir;
const out = join(outBase, 'dist');
const s = await timed(node, ['--cpu-prof', `--cpu-prof-dir=${synthProf}`, MCPO, 'synth', '--repo', repo, '--out', out]);
show(`mcpo synth, ${round(s.seconds)} s wall`, newest(synthProf));

// ---- the cdk8s floor ----
const objects = listFiles(out)
  .filter((p) => !p.endsWith('kustomization.yaml'))
  .map((p) => ({
    chart: p.startsWith('cluster/') ? 'cluster' : `namespace-${p.split('/')[1]}`,
    path: p,
    object: parseYaml(readFileSync(join(out, p), 'utf8')),
  }));
const objectsFile = join(dir, 'objects.json');
writeFileSync(objectsFile, JSON.stringify(objects));
rmSync(out, { recursive: true, force: true });
const baseProf = join(dir, 'baseline');
const b = await timed(node, [
  '--cpu-prof',
  `--cpu-prof-dir=${baseProf}`,
  join(ROOT, 'bench', 'baseline-synth.mjs'),
  '--input',
  objectsFile,
  '--out',
  join(outBase, 'dist-cdk8s'),
]);
show(`cdk8s floor (same objects), ${round(b.seconds)} s wall`, newest(baseProf));
rmSync(outBase === dir ? join(dir, 'dist-cdk8s') : outBase, { recursive: true, force: true });

// ---- serve: startup, then List, then Get under load ----
const serveProf = join(dir, 'serve');
const spawnedAt = Date.now();
const serve = await startProcess(node, ['--cpu-prof', `--cpu-prof-dir=${serveProf}`, MCPO, 'serve', '--repo', repo, '--port', '0'], (line) => {
  try {
    const o = JSON.parse(line);
    return o.msg === 'listening' ? o.port : undefined;
  } catch {
    return undefined;
  }
});
const listeningMs = Date.now() - spawnedAt;
const t = gen.templates[0];
const listFrame = join(dir, 'list.bin');
const getFrame = join(dir, 'get.bin');
writeFileSync(listFrame, await grpcFrame('ListMcpTemplatesRequest', { page_size: 50, label_selector: { [SELECT_LABEL.key]: SELECT_LABEL.value } }));
writeFileSync(getFrame, await grpcFrame('GetMcpTemplateRequest', { name: t.name, namespace: t.namespace }));
const windows = {};
try {
  for (const [name, method, frame] of [
    ['list', 'ListMcpTemplates', listFrame],
    ['get', 'GetMcpTemplate', getFrame],
  ]) {
    const from = Date.now() - spawnedAt + 1000; // after h2load's 1 s warm-up
    const r = await h2load({ port: serve.value, method, frameFile: frame, seconds: LOAD_SECONDS, logFile: join(dir, 'h2load.log') });
    windows[name] = { fromMs: from, toMs: Date.now() - spawnedAt, rps: r.rps, p99: r.p99_ms };
  }
} finally {
  await stopProcess(serve.child);
}
// --cpu-prof writes one profile per thread: CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main one.
const serveFiles = readdirSync(serveProf)
  .filter((f) => f.endsWith('.cpuprofile'))
  .sort();
const serveFile = join(serveProf, serveFiles.find((f) => f.split('.')[4] === '0') ?? '');
show(`mcpo serve, main thread: start and first snapshot (${listeningMs} ms to listening)`, serveFile, { fromMs: 0, toMs: listeningMs });
for (const f of serveFiles.filter((f) => f.split('.')[4] !== '0'))
  show(`mcpo serve, worker thread ${f.split('.')[4]} (whole life: snapshot builds)`, join(serveProf, f));
show(`mcpo serve: ListMcpTemplates under load (${round(windows.list.rps)} rps, p99 ${round(windows.list.p99)} ms)`, serveFile, windows.list);
show(`mcpo serve: GetMcpTemplate under load (${round(windows.get.rps)} rps, p99 ${round(windows.get.p99)} ms)`, serveFile, windows.get);
console.log(`profiles in ${dir}/{synth,baseline,serve}/*.cpuprofile`);

function round(x) {
  return Math.round(x * 100) / 100;
}

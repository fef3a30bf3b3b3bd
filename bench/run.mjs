#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: mcp-orchestrator at 10,000 templates, measured against the
 * libraries' own floor in the same run. The driver: options, the generated repository,
 * the chosen parts (bench/parts/*.mjs) in order, then the table and the JSON line.
 *
 *   1. generate the config repo (bench/generate.mjs; 500 commits, real git), when a chosen part needs it
 *   2. validate   validate_s: `mcpo validate` (CLI process), check cache warm; validate_cold_s:
 *                 --no-cache                                                          parts/validate.mjs
 *   3. synth      synth_ratio: `mcpo synth` into an empty folder against the cdk8s
 *                 floor (bench/baseline-synth.mjs), interleaved; incremental_ratio:
 *                 one template changed, synth over the previous output; incremental_cold_s:
 *                 the same with --no-cache (no check cache)                           parts/synth.mjs
 *   3a. helm      synth_vs_helm_ratio: `mcpo synth` against `helm template` of the equivalent chart
 *                 (bench/fixtures/helm-chart), interleaved; helm_objects_identical             parts/helm.mjs
 *   3b. kustomize kustomize_slowest_unit_s, kustomize_units, kustomize_sum_s: the real `kustomize build` of
 *                 every unit of `mcpo synth` with gitops.layout: units, one after another     parts/kustomize.mjs
 *   3c. plan      plan_one_change_s, diff_one_change_s: `mcpo plan` (markdown) and `mcpo diff` of
 *                 a commit changing one template's image against HEAD (CLI processes)           parts/plan.mjs
 *   4. grpc       get_ratio, list_ratio, list_p99_ms against bench/empty-server.mjs
 *                 (h2load or ghz, 10 streams, interleaved); serve_rss_mb; reload_s    parts/grpc.mjs
 *   4b. http      http_get_ratio, http_list_ratio: `mcpo serve --http-port` against a bare
 *                 node:http server answering the same bytes (bench/http-floor-server.mjs),
 *                 h2load --h1, 10 keep-alive connections, interleaved                  parts/http.mjs
 *   4c. console   console_gzip_kb (JS + CSS gzipped), console_first_page_ms: the web console
 *                 on the generated repository in headless Chromium, against the same API page  parts/console.mjs
 *   5. history    created_at_s: src/source/history.ts fileCreationTimes (in process)    parts/history.mjs
 *   6. bridge     bridge_call_ratio: tools/call through build/bridge/mcpo-bridge against
 *                 the same server over stdio; bridge_rss_*_mb; session_start_ratio:
 *                 the seed's server through the bridge against supergateway 4.0.0  parts/bridge.mjs
 *   7. scaling    (only when asked for) validate time against the size of one map
 *                 and of quantities: ratios between sizes show linear growth          parts/scaling.mjs
 *
 * Prints a table, and as its last line one JSON object with the results.
 *
 *   node bench/run.mjs [--templates N] [--runs N] [--duration 5s] [--tool h2load|ghz] [--out-base DIR]
 *                      [--parts validate,synth,helm,kustomize,plan,grpc,http,console,history,bridge,scaling] [--json FILE]
 *
 * --parts: default validate,synth,helm,kustomize,plan,grpc,http,console,history,bridge. --tool: the load generator (default h2load when
 * installed: Debian nghttp2-client; its client costs the 2-core machine almost no CPU, ghz's
 * dynamic-message decoding does; the http part always uses h2load --h1). --out-base: where the synth outputs are written (default:
 * /dev/shm when it exists, see outBaseDir). The bridge and scaling parts' own options are in their files.
 *
 * Needs build/ (npm run build), git, and go (ghz is `go install`ed by
 * test/tools/install.sh on first use; the bridge part builds build/bridge/mcpo-bridge through
 * test/bridge/setup.sh). Only 127.0.0.1 is contacted, but for the bridge part's first run, which
 * fetches uv, the MCP servers and supergateway into the caches.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchCacheDir, declarationPath, generateRepo } from './generate.mjs';
import { median, round } from './lib.mjs';
import { bridgePart } from './parts/bridge.mjs';
import { consolePart } from './parts/console.mjs';
import { log } from './parts/context.mjs';
import { planPart } from './parts/plan.mjs';
import { grpcPart, hasH2load } from './parts/grpc.mjs';
import { helmPart } from './parts/helm.mjs';
import { historyPart } from './parts/history.mjs';
import { httpPart } from './parts/http.mjs';
import { kustomizePart } from './parts/kustomize.mjs';
import { formatTable, summaryLine } from './parts/report.mjs';
import { scalingPart } from './parts/scaling.mjs';
import { synthPart } from './parts/synth.mjs';
import { validatePart } from './parts/validate.mjs';

/** In the order they run. @type {import('./parts/context.mjs').Part[]} */
const ALL_PARTS = [validatePart, synthPart, helmPart, kustomizePart, planPart, grpcPart, httpPart, consolePart, historyPart, bridgePart, scalingPart];
const DEFAULT_PARTS = 'validate,synth,helm,kustomize,plan,grpc,http,console,history,bridge';

// ---- options ----
const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  // The usage is this file's header comment.
  const header = readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0] ?? '';
  process.stdout.write(`${header.replace(/^#!.*\n|^\/\/ @ts-check\n|^\/\*\*\n/gm, '').replace(/^ \* ?/gm, '')}\n`);
  process.exit(0);
}
/** @type {(name: string, fallback?: string) => string | undefined} */
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const TEMPLATES = Number(opt('--templates', '10000'));
const DURATION = opt('--duration', '5s') ?? '5s';
const JSON_OUT = opt('--json');
const h2 = hasH2load();
const TOOL = opt('--tool', h2 ? 'h2load' : 'ghz');
if (TOOL === 'h2load' && !h2) throw new Error('h2load is not installed: apt-get install nghttp2-client (or pass --tool ghz)');
if (TOOL !== 'h2load' && TOOL !== 'ghz') throw new Error(`--tool must be h2load or ghz, not ${TOOL}`);
const chosen = new Set((opt('--parts', DEFAULT_PARTS) ?? '').split(','));
const unknown = [...chosen].filter((name) => !ALL_PARTS.some((p) => p.name === name));
if (unknown.length > 0) throw new Error(`unknown --parts ${unknown.join(',')} (known: ${ALL_PARTS.map((p) => p.name).join(',')})`);
const parts = ALL_PARTS.filter((p) => chosen.has(p.name));
if (chosen.has('http') && !h2) throw new Error('the http part needs h2load (--h1): apt-get install nghttp2-client, or leave http out of --parts');

const work = join(benchCacheDir(), 'run');
/** @type {import('./parts/context.mjs').Options} */
const opts = {
  templates: TEMPLATES,
  runs: Number(opt('--runs', '3')),
  duration: DURATION,
  seconds: Number(/^(\d+(?:\.\d+)?)s?$/.exec(DURATION)?.[1] ?? 5),
  tool: TOOL,
  concurrency: 10,
  /**
   * Where the synth outputs go: tmpfs (/dev/shm) when there is one, else the cache dir.
   * On the small VMs this runs on, the system time of writing 21,000 small files to the
   * disk varies tenfold between identical runs (0.9 s to 9 s for the floor), which
   * swamps what is being compared; --out-base DIR measures on a disk anyway.
   */
  outBaseDir: opt('--out-base', existsSync('/dev/shm') ? join('/dev/shm', `mcpo-bench-${process.pid}`) : work) ?? work,
  opt,
};

const started = performance.now();
const machine = {
  nproc: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  mem_gib: round(totalmem() / 2 ** 30, 1),
  node: process.version,
  loadavg_start: loadavg().map((l) => round(l, 2)),
  /** @type {number[] | undefined} */
  loadavg_end: undefined,
};
log(`machine: ${machine.nproc} cores (${machine.cpu}), ${machine.mem_gib} GiB, node ${machine.node}, load average ${machine.loadavg_start.join(' ')}`);

if (!h2 && TOOL === 'ghz' && chosen.has('grpc'))
  log('h2load not found (apt-get install nghttp2-client): using ghz, whose client CPU competes with the server on a small machine');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

/** @type {Record<string, any>} */
const results = {};
/** @type {import('./parts/context.mjs').Row[]} */
const rows = [];
/** @type {import('./parts/context.mjs').Context['row']} */
const row = (name, samples, extra = {}) => {
  rows.push({ name, median: median(samples), min: Math.min(...samples), max: Math.max(...samples), n: samples.length, ...extra });
};

try {
  // ---- the repository ----
  /** @type {import('./parts/context.mjs').Repo | undefined} */
  let repo;
  if (parts.some((p) => p.needsRepo)) {
    const dir = join(work, 'repo');
    const gen = await generateRepo(dir, { templates: TEMPLATES });
    log(
      `generated ${dir}: ${gen.templates.length} templates (${gen.selected} selected), ${gen.presets.length} presets, ${gen.namespaces.length} namespaces, ${gen.secrets.length} secrets, ${gen.options.commits} commits, HEAD ${gen.head.slice(0, 12)} in ${round(gen.ms / 1000, 1)} s`,
    );
    results.generate_s = round(gen.ms / 1000);
    results.head = gen.head;
    // The template the incremental and reload steps change, and the Get benchmark asks for.
    const changed = gen.templates[Math.floor(gen.templates.length / 2)];
    if (!changed) throw new Error('the generated repository has no templates');
    const changedFile = join(dir, declarationPath(changed));
    repo = { dir, head: gen.head, templates: gen.templates, selected: gen.selected, changed, changedFile, original: readFileSync(changedFile, 'utf8') };
  }
  for (const part of parts) await part.run({ opts, work, repo, results, rows, row, log });
} finally {
  // Servers are stopped by their part; the generated repo stays in the cache for inspection.
  if (opts.outBaseDir !== work) rmSync(opts.outBaseDir, { recursive: true, force: true });
}

// ---- report ----
machine.loadavg_end = loadavg().map((l) => round(l, 2));
results.total_s = round((performance.now() - started) / 1000, 1);
process.stdout.write(
  `\nmcp-orchestrator benchmarks: ${parts.some((p) => p.needsRepo) ? `${TEMPLATES} templates, ` : ''}${machine.nproc} cores, node ${machine.node}, load average ${machine.loadavg_start.join(' ')} → ${machine.loadavg_end.join(' ')}, ${results.total_s} s\n\n${formatTable(rows, results).join('\n')}\n\n`,
);
const line = summaryLine(results, machine);
writeFileSync(join(benchCacheDir(), 'last-results.json'), `${line}\n`);
if (JSON_OUT) writeFileSync(JSON_OUT, `${line}\n`);
process.stdout.write(`${line}\n`);

// @ts-check
/**
 * gRPC against the empty-handler floor (bench/empty-server.mjs): h2load or ghz, 10 concurrent
 * streams on one connection, same duration, interleaved: GetMcpTemplate and ListMcpTemplates
 * (page_size 50, label selector ~10%) → get_ratio, list_ratio, list_p99_ms; serve_rss_mb; then
 * reload_s: a commit to the followed repo, timed until x-mcpo-commit names it; then both servers
 * once more, started with --trace-gc, for the scavenges of one Get run (bench/gc-trace.mjs).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordGc } from '../gc-trace.mjs';
import { SELECT_LABEL } from '../generate.mjs';
import {
  cpuSecondsOf,
  ensureGhz,
  ghz,
  grpcFrame,
  h2load,
  MCPO,
  median,
  ROOT,
  round,
  rssMb,
  serviceClient,
  startProcess,
  stopProcess,
  writeJson,
} from '../lib.mjs';
import { requireRepo } from './context.mjs';

/** @typedef {import('../lib.mjs').LoadResult} LoadResult */

/** Whether h2load is installed (the default load generator when it is). */
export function hasH2load() {
  try {
    execFileSync('h2load', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * `mcpo serve` of dir on free loopback ports (gRPC, and HTTP with `--http-port 0` in extraArgs),
 * resolved once it logs `listening`, with the value of that line's `key` (the gRPC port by default).
 * Stop it with stopProcess(child): its own pid, not a name.
 * @param {string} dir
 * @param {string[]} [extraArgs]
 * @param {'port' | 'httpPort'} [key]
 * @param {Record<string, string>} [env] on top of this process's (default: the image's, SERVE_ENV)
 * @param {string[]} [nodeArgs] for node itself, before the script (`--trace-gc` is refused in NODE_OPTIONS)
 */
export function startServe(dir, extraArgs = [], key = 'port', env = SERVE_ENV, nodeArgs = []) {
  const args = [...nodeArgs, MCPO, 'serve', '--repo', dir, '--port', '0', '--log-level', 'info', ...extraArgs];
  const ready = (/** @type {string} */ line) => {
    try {
      const o = JSON.parse(line);
      return o.msg === 'listening' ? /** @type {number} */ (o[key]) : undefined;
    } catch {
      return undefined;
    }
  };
  return startProcess(process.execPath, args, ready, { env: { ...process.env, ...env } });
}

/** The environment the image (Dockerfile ENV) runs `mcpo serve` with, where it bears on what is measured. */
export const SERVE_ENV = { MALLOC_ARENA_MAX: '1' };

/** @type {import('./context.mjs').Part} */
export const grpcPart = {
  name: 'grpc',
  needsRepo: true,
  async run({ opts, work, repo: maybeRepo, results, rows, row, log }) {
    const repo = requireRepo(maybeRepo);
    const { runs, tool, concurrency, seconds: SECONDS } = opts;
    const node = process.execPath;
    const git = (/** @type {string[]} */ ...args) => execFileSync('git', ['-C', repo.dir, ...args], { encoding: 'utf8' }).trim();
    const { changed } = repo;
    const ghzPath = tool === 'ghz' ? ensureGhz() : '';

    const getData = join(work, 'get.json');
    const listData = join(work, 'list.json');
    const step = Math.max(1, Math.floor(repo.templates.length / 2000));
    writeJson(
      getData,
      repo.templates.filter((_, i) => i % step === 0).map((t) => ({ name: t.name, namespace: t.namespace })),
    );
    const listRequest = { page_size: 50, label_selector: { [SELECT_LABEL.key]: SELECT_LABEL.value } };
    writeJson(listData, listRequest);
    const getFrame = join(work, 'get.bin');
    const listFrame = join(work, 'list.bin');
    writeFileSync(getFrame, await grpcFrame('GetMcpTemplateRequest', { name: changed.name, namespace: changed.namespace }));
    writeFileSync(listFrame, await grpcFrame('ListMcpTemplatesRequest', listRequest));
    const h2log = join(work, 'h2load.log');
    /**
     * One timed load run with the chosen tool: Get cycles over ~2,000 templates with ghz, asks for one with h2load.
     * @param {'serve' | 'empty'} target
     * @param {string} method
     * @returns {Promise<LoadResult & { cpu_us_per_call: number }>}
     */
    const loadRun = async (target, method, seconds = SECONDS) => {
      const server = target === 'serve' ? serve : empty;
      const before = cpuSecondsOf(server.child.pid);
      const r = await loadRunTool(server.value, method, seconds);
      // Server CPU per answered call, in µs (includes the 1 s warm-up of h2load, so divided by all its calls).
      const cpu_us_per_call = ((cpuSecondsOf(server.child.pid) - before) * 1e6) / Math.max(1, r.count + (tool === 'h2load' ? r.rps : 0));
      return Object.assign(r, { cpu_us_per_call });
    };
    /** @param {number} portNumber @param {string} method */
    const loadRunTool = (portNumber, method, seconds = SECONDS) =>
      tool === 'ghz'
        ? ghz(ghzPath, {
            port: portNumber,
            method,
            dataFile: method === 'GetMcpTemplate' ? getData : listData,
            concurrency,
            duration: `${seconds}s`,
          })
        : h2load({
            port: portNumber,
            method,
            frameFile: method === 'GetMcpTemplate' ? getFrame : listFrame,
            concurrency,
            seconds,
            logFile: h2log,
          });

    const empty = await startProcess(node, [join(ROOT, 'bench', 'empty-server.mjs')], (line) =>
      line.startsWith('{"port"') ? /** @type {number} */ (JSON.parse(line).port) : undefined,
    );
    const serve = await startServe(repo.dir);
    try {
      results.serve_start_s = round(serve.seconds);
      const loaded = serve.log
        .map((l) => {
          try {
            return JSON.parse(l);
          } catch {
            return {};
          }
        })
        .find((o) => o.msg === 'loaded commit');
      results.snapshot_load_ms = loaded?.ms;
      // Let the first snapshot's garbage settle before reading the idle RSS.
      await new Promise((r) => setTimeout(r, 2000));
      results.serve_rss_idle_mb = round(rssMb(serve.child.pid).rss, 0);
      log(
        `serve: listening on ${serve.value} after ${round(serve.seconds)} s (snapshot ${loaded?.ms} ms), RSS ${results.serve_rss_idle_mb} MiB; empty server on ${empty.value}`,
      );

      // Correctness of what is being measured, once, with an independent grpc-js client.
      const client = await serviceClient(serve.value);
      const got = await client.call('GetMcpTemplate', { name: changed.name, namespace: changed.namespace });
      if (got.response.template?.name !== changed.name || got.commit !== repo.head)
        throw new Error(`GetMcpTemplate answered ${JSON.stringify(got).slice(0, 300)}`);
      const listed = await client.call('ListMcpTemplates', JSON.parse(readFileSync(listData, 'utf8')));
      if (listed.response.templates.length !== Math.min(50, repo.selected) || listed.response.total_count !== repo.selected) {
        throw new Error(
          `ListMcpTemplates answered ${listed.response.templates.length} templates, total ${listed.response.total_count} (expected 50 of ${repo.selected})`,
        );
      }
      results.list_total_count = listed.response.total_count;

      // Warm-up (JIT, connections), not counted.
      for (const [target, method] of /** @type {const} */ ([
        ['empty', 'GetMcpTemplate'],
        ['serve', 'GetMcpTemplate'],
        ['empty', 'ListMcpTemplates'],
        ['serve', 'ListMcpTemplates'],
      ])) {
        await loadRun(target, method, 1);
      }
      /** @type {Record<'get' | 'getFloor' | 'list' | 'listFloor', Array<LoadResult & { cpu_us_per_call: number }>>} */
      const load = { get: [], getFloor: [], list: [], listFloor: [] };
      /** @param {LoadResult[]} samples */
      const last = (samples) => /** @type {LoadResult} */ (samples.at(-1));
      for (let i = 0; i < runs; i++) {
        load.getFloor.push(await loadRun('empty', 'GetMcpTemplate'));
        load.get.push(await loadRun('serve', 'GetMcpTemplate'));
        load.listFloor.push(await loadRun('empty', 'ListMcpTemplates'));
        load.list.push(await loadRun('serve', 'ListMcpTemplates'));
        log(
          `gRPC round ${i + 1} (${tool}): Get ${round(last(load.get).rps, 0)} rps (floor ${round(last(load.getFloor).rps, 0)}), List ${round(last(load.list).rps, 0)} rps p99 ${round(last(load.list).p99_ms)} ms (floor ${round(last(load.listFloor).rps, 0)})`,
        );
      }
      if (tool === 'h2load') {
        // An error answer has no message: a Get answer is a few hundred bytes, a List page of 50 several KiB.
        const getBytes = median(load.get.map((r) => r.bytesPerResponse ?? 0));
        const listBytes = median(load.list.map((r) => r.bytesPerResponse ?? 0));
        results.get_response_bytes = round(getBytes, 0);
        results.list_response_bytes = round(listBytes, 0);
        if (getBytes < 100 || listBytes < 1000)
          throw new Error(`load answers look like errors: ${round(getBytes, 0)} bytes per Get, ${round(listBytes, 0)} per List`);
      }
      const errors = Object.values(load)
        .flat()
        .reduce((a, r) => a + r.errors, 0);
      if (errors > 0)
        log(
          `warning: ${errors} non-OK responses during the load runs: ${JSON.stringify(
            Object.values(load)
              .flat()
              .map((r) => r.errorDistribution)
              .filter(Boolean),
          )}`,
        );
      results.load_errors = errors;
      results.load_tool = tool;
      results.load = `${tool}, 1 connection, ${concurrency} concurrent streams, ${SECONDS} s per run, ${runs} runs each, interleaved`;
      const rps = (/** @type {LoadResult[]} */ samples) => median(samples.map((r) => r.rps));
      results.get_rps = round(rps(load.get), 0);
      results.get_floor_rps = round(rps(load.getFloor), 0);
      results.get_ratio = round(rps(load.get) / rps(load.getFloor));
      results.list_rps = round(rps(load.list), 0);
      results.list_floor_rps = round(rps(load.listFloor), 0);
      results.list_ratio = round(rps(load.list) / rps(load.listFloor));
      results.get_p99_ms = round(median(load.get.map((r) => r.p99_ms)));
      results.list_p50_ms = round(median(load.list.map((r) => r.p50_ms)));
      results.list_p99_ms = round(median(load.list.map((r) => r.p99_ms)));
      const mem = rssMb(serve.child.pid);
      results.empty_server_rss_mb = round(rssMb(empty.child.pid).rss, 0);
      results.serve_rss_mb = round(mem.rss, 0);
      results.serve_rss_peak_mb = round(mem.peak, 0);
      const cpuPerCall = (/** @type {Array<{ cpu_us_per_call: number }>} */ samples) => median(samples.map((r) => r.cpu_us_per_call));
      results.get_cpu_us = round(cpuPerCall(load.get), 0);
      results.get_floor_cpu_us = round(cpuPerCall(load.getFloor), 0);
      results.list_cpu_us = round(cpuPerCall(load.list), 0);
      results.list_floor_cpu_us = round(cpuPerCall(load.listFloor), 0);
      // Floor CPU per call ÷ ours: comparable with the throughput ratios (1 = as cheap as the empty handler), less sensitive to other load.
      results.get_cpu_ratio = round(cpuPerCall(load.getFloor) / cpuPerCall(load.get));
      results.list_cpu_ratio = round(cpuPerCall(load.listFloor) / cpuPerCall(load.list));
      row(
        'GetMcpTemplate (rps)',
        load.get.map((r) => r.rps),
        {
          floor: rps(load.getFloor),
          ratio: results.get_ratio,
          target: 'get_ratio',
          cpuRatio: results.get_cpu_ratio,
          note: `${results.get_cpu_us} µs CPU/call (floor ${results.get_floor_cpu_us})`,
        },
      );
      row(
        'ListMcpTemplates (rps)',
        load.list.map((r) => r.rps),
        {
          floor: rps(load.listFloor),
          ratio: results.list_ratio,
          target: 'list_ratio',
          cpuRatio: results.list_cpu_ratio,
          note: `${results.list_cpu_us} µs CPU/call (floor ${results.list_floor_cpu_us})`,
        },
      );
      row(
        'ListMcpTemplates p99 (ms)',
        load.list.map((r) => r.p99_ms),
        { target: 'list_p99_ms' },
      );
      row(
        'empty server, Get (rps)',
        load.getFloor.map((r) => r.rps),
      );
      row(
        'empty server, List (rps)',
        load.listFloor.map((r) => r.rps),
      );
      rows.push({
        name: 'serve RSS after load (MiB)',
        median: mem.rss,
        n: 1,
        target: 'serve_rss_mb',
        note: `idle ${results.serve_rss_idle_mb}, peak ${results.serve_rss_peak_mb}; empty server ${results.empty_server_rss_mb}; env of the image: ${Object.entries(
          SERVE_ENV,
        )
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
      });

      // ---- reload: commit a change, time until the server answers from it ----
      /** @type {number[]} */
      const reload = [];
      for (let i = 0; i < runs; i++) {
        writeFileSync(repo.changedFile, repo.original.replace(/^image: (.*)$/m, `image: $1-reload${i}`));
        git('commit', '-q', '-a', '-m', `bench: reload ${i}`);
        const sha = git('rev-parse', 'HEAD');
        const t0 = performance.now();
        for (;;) {
          const { commit } = await client.call('GetMcpTemplate', { name: changed.name, namespace: changed.namespace });
          if (commit === sha) break;
          if (performance.now() - t0 > 60_000) throw new Error(`commit ${sha} not served within 60 s`);
          await new Promise((r) => setTimeout(r, 20));
        }
        reload.push((performance.now() - t0) / 1000);
        log(`reload ${i + 1}: ${round(reload.at(-1))} s`);
      }
      results.reload_s = round(median(reload));
      // Now 1 + runs snapshots are retained (page tokens may continue on older commits).
      await new Promise((r) => setTimeout(r, 1000));
      results.serve_rss_after_reloads_mb = round(rssMb(serve.child.pid).rss, 0);
      row('reload: commit → served (s)', reload, { target: 'reload_s', note: `RSS after the reloads ${results.serve_rss_after_reloads_mb} MiB` });
      client.close();
    } finally {
      await Promise.all([stopProcess(serve.child), stopProcess(empty.child)]);
    }

    // ---- GC under Get load, in processes of their own so that the trace touches no figure above ----
    const tracedEmpty = await startProcess(node, ['--trace-gc', join(ROOT, 'bench', 'empty-server.mjs')], (line) =>
      line.startsWith('{"port"') ? /** @type {number} */ (JSON.parse(line).port) : undefined,
    );
    /** @type {Awaited<ReturnType<typeof startServe>> | undefined} */
    let tracedServe;
    try {
      tracedServe = await startServe(repo.dir, [], 'port', SERVE_ENV, ['--trace-gc']);
      /** @param {{ value: number, child: import('node:child_process').ChildProcess }} server */
      const traced = async (server) => {
        await loadRunTool(server.value, 'GetMcpTemplate', 1);
        const gc = recordGc(server.child);
        const r = await loadRunTool(server.value, 'GetMcpTemplate');
        return { ...gc.stop(), calls: r.count };
      };
      const servedGc = await traced(tracedServe);
      const floorGc = await traced(tracedEmpty);
      const perCallUs = (/** @type {{ scavengeMs: number, calls: number }} */ g) => (g.scavengeMs * 1000) / Math.max(1, g.calls);
      results.get_scavenge_us_per_call = round(perCallUs(servedGc));
      results.get_floor_scavenge_us_per_call = round(perCallUs(floorGc));
      results.get_promoted_mb_per_scavenge = round(servedGc.promotedMbPerScavenge);
      results.get_floor_promoted_mb_per_scavenge = round(floorGc.promotedMbPerScavenge);
      rows.push({
        name: 'Get: scavenge pause per call (µs)',
        median: perCallUs(servedGc),
        n: 1,
        floor: perCallUs(floorGc),
        note: `${servedGc.scavenges} scavenges promoting ${results.get_promoted_mb_per_scavenge} MB each, ${servedGc.fullGcs} full GCs (floor: ${floorGc.scavenges}, ${results.get_floor_promoted_mb_per_scavenge} MB, ${floorGc.fullGcs}); one ${SECONDS} s run each, --trace-gc`,
      });
    } finally {
      await Promise.all([tracedServe && stopProcess(tracedServe.child), stopProcess(tracedEmpty.child)]);
    }
  },
};

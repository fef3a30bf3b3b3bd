// @ts-check
/**
 * HTTP/JSON (issue 13) against a bare node:http server (bench/http-floor-server.mjs) that
 * answers the same bytes: `mcpo serve --http-port` is started on the generated repository,
 * its answers to a Get (`GET /v1/namespaces/<ns>/templates/<name>`, the template grpc.mjs
 * asks for) and a List (`GET /v1/templates`, page size 50 and grpc.mjs's label selector)
 * are recorded (status, body, and every header but the ones node:http writes itself), and
 * the floor replays them with gateway.ts's server options and keep-alive settings.
 * Then h2load --h1, the same duration as the grpc part, interleaved → http_get_ratio,
 * http_list_ratio (target ≥ 0.7), p99 and server CPU per request.
 *
 * --http-clients N (default: the grpc part's 10 concurrent streams): keep-alive HTTP/1.1
 * connections, one request in flight on each (HTTP/1.1 cannot multiplex, so the grpc part's
 * 10 streams on 1 connection become 10 connections with 1 request each).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { SELECT_LABEL } from '../generate.mjs';
import { cpuSecondsOf, h2load, median, ROOT, round, rssMb, startProcess, stopProcess, writeJson } from '../lib.mjs';
import { requireRepo } from './context.mjs';
import { startServe } from './grpc.mjs';

/** @typedef {import('../lib.mjs').LoadResult & { cpu_us_per_call: number }} Sample */

/** Headers node:http writes on every answer by itself; the floor's own are the same. */
const NODE_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** @type {import('./context.mjs').Part} */
export const httpPart = {
  name: 'http',
  needsRepo: true,
  async run({ opts, work, repo: maybeRepo, results, row, log }) {
    const repo = requireRepo(maybeRepo);
    const { runs, seconds: SECONDS } = opts;
    const clients = Number(opts.opt('--http-clients', String(opts.concurrency)));
    if (!Number.isInteger(clients) || clients < 1) throw new Error(`--http-clients must be a positive integer`);
    // The grpc part's reload step commits to the repository: what is served is its HEAD now.
    const head = execFileSync('git', ['-C', repo.dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const { changed } = repo;
    const paths = {
      get: `/v1/namespaces/${encodeURIComponent(changed.namespace)}/templates/${encodeURIComponent(changed.name)}`,
      list: `/v1/templates?pageSize=50&${encodeURIComponent(`labelSelector[${SELECT_LABEL.key}]`)}=${encodeURIComponent(SELECT_LABEL.value)}`,
    };

    const serve = await startServe(repo.dir, ['--http-port', '0'], 'httpPort');
    /** @type {{ child: import('node:child_process').ChildProcess, value: number } | undefined} */
    let floor;
    try {
      // ---- what mcpo answers, checked, then recorded for the floor ----
      /** @param {number} port @param {string} path */
      const fetchAnswer = async (port, path) => {
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        const body = Buffer.from(await res.arrayBuffer());
        /** @type {Record<string, string>} */
        const headers = {};
        res.headers.forEach((value, name) => {
          if (!NODE_HEADERS.has(name)) headers[name] = value;
        });
        return { status: res.status, headers, body };
      };
      const got = await fetchAnswer(serve.value, paths.get);
      const template = got.status === 200 ? JSON.parse(got.body.toString('utf8')).template : undefined;
      if (template?.name !== changed.name || got.headers['x-mcpo-commit'] !== head || got.headers.etag !== `"${head}"`)
        throw new Error(`GET ${paths.get} answered ${got.status} ${JSON.stringify(got.headers)} ${got.body.toString('utf8').slice(0, 300)}`);
      const listed = await fetchAnswer(serve.value, paths.list);
      const page = listed.status === 200 ? JSON.parse(listed.body.toString('utf8')) : {};
      if (page.templates?.length !== Math.min(50, repo.selected) || page.totalCount !== repo.selected || listed.headers['x-mcpo-commit'] !== head)
        throw new Error(
          `GET ${paths.list} answered ${listed.status}, ${page.templates?.length} templates, total ${page.totalCount} (expected 50 of ${repo.selected})`,
        );
      const answersFile = join(work, 'http-answers.json');
      writeJson(
        answersFile,
        Object.fromEntries(
          /** @type {const} */ ([
            [paths.get, got],
            [paths.list, listed],
          ]).map(([path, a]) => [path, { status: a.status, headers: a.headers, body: a.body.toString('base64') }]),
        ),
      );
      results.http_get_response_bytes = got.body.length;
      results.http_list_response_bytes = listed.body.length;

      floor = await startProcess(process.execPath, [join(ROOT, 'bench', 'http-floor-server.mjs'), '--answers', answersFile], (line) =>
        line.startsWith('{"port"') ? /** @type {number} */ (JSON.parse(line).port) : undefined,
      );
      // The floor must answer byte for byte what mcpo answers (the headers node:http adds aside).
      for (const [path, a] of /** @type {const} */ ([
        [paths.get, got],
        [paths.list, listed],
      ])) {
        const b = await fetchAnswer(floor.value, path);
        if (b.status !== a.status || !b.body.equals(a.body) || JSON.stringify(b.headers) !== JSON.stringify(a.headers))
          throw new Error(`the floor's answer to ${path} differs from mcpo's: ${JSON.stringify(b.headers)} against ${JSON.stringify(a.headers)}`);
      }
      // Let the first snapshot's garbage settle, as the grpc part does.
      await new Promise((r) => setTimeout(r, 2000));
      log(
        `http: mcpo serve HTTP on ${serve.value} (gRPC port free too), floor on ${floor.value}; ${got.body.length} B per Get, ${listed.body.length} B per List page`,
      );

      const h2log = join(work, 'h2load-h1.log');
      const servers = { serve, floor };
      /**
       * One timed h2load --h1 run; server CPU per answered request in µs (the 1 s warm-up's
       * requests are counted as rps of them, as the grpc part does).
       * @param {'serve' | 'floor'} target
       * @param {'get' | 'list'} what
       * @returns {Promise<Sample>}
       */
      const loadRun = async (target, what, seconds = SECONDS) => {
        const server = servers[target];
        const before = cpuSecondsOf(server.child.pid);
        const r = await h2load({ port: server.value, seconds, logFile: h2log, http1: { path: paths[what], clients } });
        const cpu_us_per_call = ((cpuSecondsOf(server.child.pid) - before) * 1e6) / Math.max(1, r.count + r.rps);
        return Object.assign(r, { cpu_us_per_call });
      };
      for (const [target, what] of /** @type {const} */ ([
        ['floor', 'get'],
        ['serve', 'get'],
        ['floor', 'list'],
        ['serve', 'list'],
      ]))
        await loadRun(target, what, 1);

      /** @type {Record<'get' | 'getFloor' | 'list' | 'listFloor', Sample[]>} */
      const load = { get: [], getFloor: [], list: [], listFloor: [] };
      const last = (/** @type {Sample[]} */ s) => /** @type {Sample} */ (s.at(-1));
      for (let i = 0; i < runs; i++) {
        load.getFloor.push(await loadRun('floor', 'get'));
        load.get.push(await loadRun('serve', 'get'));
        load.listFloor.push(await loadRun('floor', 'list'));
        load.list.push(await loadRun('serve', 'list'));
        log(
          `HTTP round ${i + 1}: Get ${round(last(load.get).rps, 0)} rps (floor ${round(last(load.getFloor).rps, 0)}), List ${round(last(load.list).rps, 0)} rps p99 ${round(last(load.list).p99_ms)} ms (floor ${round(last(load.listFloor).rps, 0)})`,
        );
      }
      const all = Object.values(load).flat();
      results.http_load_errors = all.reduce((a, r) => a + r.errors, 0);
      if (results.http_load_errors > 0) log(`warning: ${results.http_load_errors} answers other than 2xx during the HTTP load runs`);
      results.http_load = `h2load --h1, ${clients} keep-alive connections, 1 request in flight each, ${SECONDS} s per run, ${runs} runs each, interleaved`;

      const rps = (/** @type {Sample[]} */ s) => median(s.map((r) => r.rps));
      const p99 = (/** @type {Sample[]} */ s) => median(s.map((r) => r.p99_ms));
      const cpu = (/** @type {Sample[]} */ s) => median(s.map((r) => r.cpu_us_per_call));
      for (const what of /** @type {const} */ (['get', 'list'])) {
        const ours = load[what];
        const bare = load[what === 'get' ? 'getFloor' : 'listFloor'];
        const k = `http_${what}`;
        results[`${k}_rps`] = round(rps(ours), 0);
        results[`${k}_floor_rps`] = round(rps(bare), 0);
        results[`${k}_ratio`] = round(rps(ours) / rps(bare));
        results[`${k}_p99_ms`] = round(p99(ours));
        results[`${k}_floor_p99_ms`] = round(p99(bare));
        results[`${k}_cpu_us`] = round(cpu(ours), 0);
        results[`${k}_floor_cpu_us`] = round(cpu(bare), 0);
        // Floor CPU per request ÷ ours (1 = as cheap as replaying the bytes).
        results[`${k}_cpu_ratio`] = round(cpu(bare) / cpu(ours));
        const label = what === 'get' ? 'HTTP Get' : 'HTTP List';
        row(
          `${label} (rps)`,
          ours.map((r) => r.rps),
          {
            floor: rps(bare),
            ratio: results[`${k}_ratio`],
            target: `${k}_ratio`,
            cpuRatio: results[`${k}_cpu_ratio`],
            note: `${results[`${k}_cpu_us`]} µs CPU/request (floor ${results[`${k}_floor_cpu_us`]})`,
          },
        );
        row(
          `${label} p99 (ms)`,
          ours.map((r) => r.p99_ms),
          { floor: p99(bare), note: `floor p99 ${results[`${k}_floor_p99_ms`]} ms` },
        );
      }
      row(
        'bare node:http, Get (rps)',
        load.getFloor.map((r) => r.rps),
      );
      row(
        'bare node:http, List (rps)',
        load.listFloor.map((r) => r.rps),
      );
      results.http_serve_rss_mb = round(rssMb(serve.child.pid).rss, 0);
      results.http_floor_rss_mb = round(rssMb(floor.child.pid).rss, 0);
    } finally {
      await Promise.all([stopProcess(serve.child), floor ? stopProcess(floor.child) : Promise.resolve()]);
    }
  },
};

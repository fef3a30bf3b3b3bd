// @ts-check
/** Helpers shared by bench/run.mjs, its parts (bench/parts/) and bench/profile.mjs: processes, timing, ghz, a gRPC client. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MCPO = join(ROOT, 'bin', 'mcpo.js');

/**
 * A module of the compiled src/ (build/, made by `npm run build`). Callers type the result
 * from its source with a JSDoc type tag of `typeof import('../src/<path>.js')`, so that
 * bench/tsconfig.json checks the calls against src/ without reading build/.
 * @param {string} relative path under build/, e.g. 'source/history.js'
 * @returns {Promise<any>}
 */
export function importBuild(relative) {
  return import(pathToFileURL(join(ROOT, 'build', relative)).href);
}

/** @param {readonly number[]} values */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * @overload
 * @param {number} x
 * @param {number} [digits]
 * @returns {number}
 */
/**
 * @overload
 * @param {number | undefined} x
 * @param {number} [digits]
 * @returns {number | undefined}
 */
/**
 * x rounded to `digits` decimals; undefined and NaN unchanged.
 * @param {number | undefined} x
 * @param {number} [digits]
 */
export function round(x, digits = 2) {
  return x === undefined || Number.isNaN(x) ? x : Math.round(x * 10 ** digits) / 10 ** digits;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const TIME_MARK = 'MCPO_BENCH_TIME';

/**
 * @typedef {object} Timed
 * @property {number} seconds wall time
 * @property {number | undefined} cpuSeconds user + system (undefined without GNU time)
 * @property {number | undefined} userSeconds
 * @property {number | undefined} sysSeconds
 * @property {number | null} code
 * @property {string} stdout
 * @property {string} stderr
 * @property {boolean} timedOut killed at timeoutMs
 */

/**
 * Runs a command to completion; resolves with wall seconds, CPU seconds
 * (user + system of the process and its children, through /usr/bin/time when
 * it is installed; undefined otherwise), exit code and output. Rejects on a
 * non-zero exit unless allowed. With timeoutMs the process is killed (SIGKILL) when it runs
 * longer, and the result says timedOut (a rejection unless allowFail); not with cpu, where the
 * kill would reach GNU time and leave its child running.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, allowFail?: boolean, cpu?: boolean, timeoutMs?: number }} [options]
 * @returns {Promise<Timed>}
 */
export function timed(cmd, args, { cwd = ROOT, env = process.env, allowFail = false, cpu = false, timeoutMs } = {}) {
  if (cpu && timeoutMs !== undefined) throw new Error('timed: timeoutMs cannot be combined with cpu');
  const [file, argv] = cpu && TIME ? [TIME, ['-f', `${TIME_MARK} %e %U %S`, cmd, ...args]] : [cmd, args];
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      let cpuSeconds;
      let userSeconds;
      let sysSeconds;
      const mark = stderr.lastIndexOf(TIME_MARK);
      if (file === TIME && mark >= 0) {
        const [, , user, system] = stderr.slice(mark).trim().split(/\s+/).map(Number);
        cpuSeconds = user + system;
        userSeconds = user;
        sysSeconds = system;
        stderr = stderr.slice(0, mark);
      }
      if ((code !== 0 || timedOut) && !allowFail)
        reject(new Error(`${cmd} ${args.join(' ')} ${timedOut ? `stopped after ${timeoutMs} ms` : `exited ${code}`}\n${stderr.slice(-2000)}`));
      else resolveRun({ seconds, cpuSeconds, userSeconds, sysSeconds, code, stdout, stderr, timedOut });
    });
  });
}

/**
 * CPU seconds (user + system) a live process has used so far (Linux /proc; clock ticks of 1/100 s).
 * @param {number | undefined} pid
 */
export function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Starts a long-running process and resolves once `ready(line)` returns a
 * value for a line of its stdout or stderr.
 * @template T
 * @param {string} cmd
 * @param {string[]} args
 * @param {(line: string) => T | undefined} ready
 * @param {{ cwd?: string, timeoutMs?: number, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, value: T, seconds: number, log: string[] }>}
 */
export function startProcess(cmd, args, ready, { cwd = ROOT, timeoutMs = 120_000, env = process.env } = {}) {
  return new Promise((resolveStart, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {string[]} */
    const log = [];
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} not ready within ${timeoutMs} ms:\n${log.slice(-20).join('\n')}`));
    }, timeoutMs);
    /** @param {string} line */
    const onLine = (line) => {
      log.push(line);
      if (log.length > 500) log.shift();
      if (done) return;
      const value = ready(line);
      if (value !== undefined) {
        done = true;
        clearTimeout(timer);
        resolveStart({ child, value, seconds: (performance.now() - started) / 1000, log });
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream.on('data', (c) => {
        buf += c;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
    }
    child.on('exit', (code) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        reject(new Error(`${cmd} exited ${code} before it was ready:\n${log.slice(-20).join('\n')}`));
      }
    });
  });
}

/**
 * SIGTERM, then SIGKILL after graceMs; resolves when the process has exited.
 * @param {import('node:child_process').ChildProcess} child
 * @returns {Promise<void>}
 */
export function stopProcess(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Resident set size and its peak of a live process, in MiB (Linux /proc).
 * @param {number | undefined} pid
 */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  /** @param {string} key */
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** The pinned ghz, installed by test/tools/install.sh (go install) on first use. */
export function ensureGhz() {
  if (process.env.GHZ) return process.env.GHZ;
  const out = execFileSync('bash', [join(ROOT, 'test', 'tools', 'install.sh'), 'ghz'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = out.trim().split('\n').pop();
  if (!path || !existsSync(path)) throw new Error('ghz was not installed');
  return path;
}

export const SERVICE = 'mcp.orchestrator.v1.McpOrchestratorService';

/**
 * One load run's figures, from ghz or h2load.
 * @typedef {object} LoadResult
 * @property {number} rps
 * @property {number} count
 * @property {number} ok
 * @property {number} errors
 * @property {unknown} [errorDistribution]
 * @property {number} p50_ms
 * @property {number} p99_ms
 * @property {number} avg_ms
 * @property {number} [bytesPerResponse] h2load only
 * @property {number} [cpu_us_per_call] server CPU per call, set by the grpc part
 */

/**
 * One ghz run against 127.0.0.1:port: `concurrency` workers on one
 * connection (that many concurrent HTTP/2 streams) for `duration`. Requests
 * still in flight when the duration ends are not counted (--duration-stop ignore).
 * @param {string} ghzPath
 * @param {{ port: number, method: string, dataFile: string, concurrency?: number, duration?: string }} run
 * @returns {Promise<LoadResult>}
 */
export async function ghz(ghzPath, { port, method, dataFile, concurrency = 10, duration = '5s' }) {
  const args = [
    '--insecure',
    '--proto',
    join(ROOT, 'spec', 'service.proto'),
    '--import-paths',
    join(ROOT, 'spec'),
    '--call',
    `${SERVICE}.${method}`,
    '--data-file',
    dataFile,
    '--concurrency',
    String(concurrency),
    '--connections',
    '1',
    '--duration',
    duration,
    '--duration-stop',
    'ignore',
    '--disable-template-functions',
    '--format',
    'json',
    `127.0.0.1:${port}`,
  ];
  const { stdout } = await timed(ghzPath, args);
  const r = JSON.parse(stdout);
  /** @param {number} pct */
  const p = (pct) => (r.latencyDistribution ?? []).find((d) => d.percentage === pct)?.latency / 1e6;
  const ok = r.statusCodeDistribution?.OK ?? 0;
  const errors = Object.entries(r.statusCodeDistribution ?? {})
    .filter(([k]) => k !== 'OK')
    .reduce((a, [, v]) => a + v, 0);
  return { rps: r.rps, count: r.count, ok, errors, errorDistribution: r.errorDistribution, p50_ms: p(50), p99_ms: p(99), avg_ms: r.average / 1e6 };
}

/**
 * A gRPC request frame (1-byte flag, 4-byte length, message), encoded with
 * protobufjs from spec/ and decoded back to prove it is the message meant.
 * @param {string} type
 * @param {Record<string, unknown>} message
 */
export async function grpcFrame(type, message) {
  /** @type {typeof import('../src/spec/proto.js')} */
  const { loadSpec, PROTO_PACKAGE } = await importBuild('spec/proto.js');
  const T = loadSpec().lookupType(`${PROTO_PACKAGE}.${type}`);
  const bytes = Buffer.from(T.encode(T.fromObject(message)).finish());
  const back = T.toObject(T.decode(bytes), { defaults: false });
  if (JSON.stringify(back) !== JSON.stringify(T.toObject(T.fromObject(message), { defaults: false }))) throw new Error(`${type} does not round-trip`);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

/**
 * One h2load run against 127.0.0.1:port: one connection with `concurrency`
 * concurrent streams for `seconds` (after 1 s of warm-up), every request the
 * same pre-encoded gRPC frame. h2load only sees HTTP/2: gRPC errors arrive as
 * HTTP 200 with a grpc-status trailer, so run.mjs checks the answers with a real
 * client first, and bytesPerResponse shows that the answers were not errors.
 * With `http1`, plain HTTP/1.1 GETs of `http1.path` instead (h2load --h1): `http1.clients`
 * keep-alive connections with one request in flight each (no pipelining), and answers other
 * than 2xx count as errors.
 * @param {{ port: number, method?: string, frameFile?: string, concurrency?: number, seconds?: number, logFile: string, http1?: { path: string, clients: number } }} run
 * @returns {Promise<LoadResult>}
 */
export async function h2load({ port, method, frameFile, concurrency = 10, seconds = 5, logFile, http1 }) {
  const timing = ['--threads', '1', '--duration', String(seconds), '--warm-up-time', '1', '--log-file', logFile];
  const args = http1
    ? ['--h1', '--clients', String(http1.clients), '--max-concurrent-streams', '1', ...timing, `http://127.0.0.1:${port}${http1.path}`]
    : [
        '--clients',
        '1',
        '--max-concurrent-streams',
        String(concurrency),
        ...timing,
        '--data',
        String(frameFile),
        '--header',
        'content-type: application/grpc',
        '--header',
        'te: trailers',
        `http://127.0.0.1:${port}/${SERVICE}/${method}`,
      ];
  rmSync(logFile, { force: true }); // h2load appends
  const { stdout } = await timed('h2load', args);
  const rps = Number(/finished in [\d.]+s, ([\d.]+) req\/s/.exec(stdout)?.[1]);
  const m = /requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(stdout);
  const data = Number(/traffic: .*?, [^,]+ headers .*?, [^(]+\((\d+)\) data/.exec(stdout)?.[1]);
  if (!m || Number.isNaN(rps)) throw new Error(`cannot read h2load output:\n${stdout}`);
  const latencies = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(l.split('\t')[2]) / 1000)
    .sort((a, b) => a - b);
  /** @param {number} p */
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
  const count = Number(m[1]);
  // gRPC errors are HTTP 200 (see above); for HTTP/1.1, only 2xx answers are what was asked for.
  const ok = http1 ? Number(/status codes: (\d+) 2xx/.exec(stdout)?.[1] ?? 0) : Number(m[3]);
  return {
    rps,
    count,
    ok,
    errors: count - ok,
    p50_ms: pct(50),
    p99_ms: pct(99),
    avg_ms: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    bytesPerResponse: data / Math.max(1, ok),
  };
}

/**
 * A grpc-js client of the service (messages with the proto field names), from the compiled src/.
 * @param {number} port
 */
export async function serviceClient(port) {
  /** @type {typeof import('../src/spec/proto.js')} */
  const { loadSpec, SERVICE_NAME } = await importBuild('spec/proto.js');
  /** @type {typeof import('../src/serve/service.js')} */
  const { protoServiceDefinition } = await importBuild('serve/service.js');
  const definition = protoServiceDefinition(loadSpec().lookupService(SERVICE_NAME));
  const Client = grpc.makeGenericClientConstructor(definition, SERVICE_NAME);
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  /**
   * Unary call → { response, commit } (commit from the x-mcpo-commit initial metadata).
   * @param {string} method
   * @param {unknown} request
   * @returns {Promise<{ response: any, commit: string | undefined }>}
   */
  const call = (method, request) =>
    new Promise((resolveCall, reject) => {
      /** @type {string | undefined} */
      let commit;
      /** @type {Record<string, Function>} */
      const methods = /** @type {any} */ (client);
      const c = methods[method]?.(request, (/** @type {Error | null} */ err, /** @type {unknown} */ response) =>
        err ? reject(err) : resolveCall({ response, commit }),
      );
      c.on('metadata', (/** @type {grpc.Metadata} */ md) => {
        const value = md.get('x-mcpo-commit')[0];
        commit = value === undefined ? undefined : String(value);
      });
    });
  return { call, close: () => client.close() };
}

/**
 * Files under dir, relative paths, sorted.
 * @param {string} dir
 */
export function listFiles(dir) {
  /** @type {string[]} */
  const out = [];
  /** @param {string} abs @param {string} rel */
  const walk = (abs, rel) => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(abs, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** @param {string} path @param {unknown} value */
export function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value)}\n`);
}

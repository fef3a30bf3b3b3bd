/**
 * Fuzz-style test of hostile declarations through `mcpo validate` and
 * `mcpo serve`: a seeded generator (test/fuzz/generate.ts) writes a few
 * hundred hostile YAML files of the four kinds; every value under a Secret's
 * `sealed` is a unique sentinel. The test proves, for every file:
 *
 * - no sentinel (source text or any normalised form) in anything validate
 *   prints (in-process through buildModel for every file; the real CLI, text
 *   and --format json, on repos made of batches), nor in anything serve
 *   emits for commits holding them (log lines, response metadata such as
 *   x-mcpo-reload-error, status details, responses to an authenticated client);
 * - no crash (validate exits 0 or 1, never a stack trace or an internal
 *   error) and no hang (bounded time per file and per run; health answers
 *   within a bound after each commit);
 * - no raw control character (ESC, CR, NUL, bidi overrides, ...) in a
 *   message: outside text shown in one must be escaped.
 *
 * A failure lists each class of failure found with a replayable example:
 * MCPO_FUZZ_SEED=N replays a seed, MCPO_FUZZ_COUNT=N changes how many files,
 * MCPO_FUZZ_DUMP=DIR writes every generated file.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Diagnostic, formatDiagnostic, isError } from '../../src/core/diagnostic.js';
import { buildModel } from '../../src/model/build.js';
import type { InputFile } from '../../src/source/files.js';
import { createLogger } from '../../src/serve/log.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { REPO_ROOT } from '../support/build.js';
import { TestRepo } from '../support/git-repo.js';
import { type CallResult, clientPython, PyClient, SETUP_TIMEOUT_MS } from '../serve/_support.js';
import { generateFile, type HostileFile, looseSentinel, type Sentinel, SentinelRegistry, validSecret } from './generate.js';
import { excerptAround, Findings, findSentinels, shapeOfMessage, shapeOfPath, unsafeChars } from './oracle.js';
import { fuzzSeed, Rng } from './prng.js';

const SEED = fuzzSeed();
const COUNT = Number(process.env.MCPO_FUZZ_COUNT ?? 320);
/** One file validated in-process (with the baseline) must not take longer (2 shared cores: generous). */
const SLOW_FILE_MS = 3000;
const CLI_TIMEOUT_MS = 30_000;
const COMMIT_TIMEOUT_MS = 30_000;
const HEALTH_MS = 5000;
const TOKEN = 'fuzz-token-0123456789abcdef';

const registry = new SentinelRegistry();
const root = new Rng(SEED);
const files: HostileFile[] = Array.from({ length: COUNT }, (_, i) => generateFile(root, i, registry));

const PRESET = 'kind: ResourceLimit\nname: n1-standard-nano\nlimits: {cpu: 100m, memory: 256Mi, cpu_limit: 200m, memory_limit: 512Mi}\n';
const TEMPLATE = `kind: McpTemplate
name: fuzz-baseline
namespace: default
image: node:24-alpine3.21
command: [npx]
args: ["-y", "@modelcontextprotocol/server-memory"]
resource_limit_name: n1-standard-nano
env_vars: [{name: DB_PASSWORD, secret_key_ref: {name: db, key: password}}]
`;
const baselineSecret = validSecret(registry, 'db');
/** A valid repository the hostile files are added to, so references resolve and every rule runs. */
const BASELINE: InputFile[] = [
  { path: 'resources/base/namespace.yaml', content: Buffer.from('kind: Namespace\nname: default\n') },
  { path: 'resources/base/preset.yaml', content: Buffer.from(PRESET) },
  { path: 'resources/base/template.yaml', content: Buffer.from(TEMPLATE) },
  { path: 'resources/base/secret.yaml', content: Buffer.from(baselineSecret.text) },
];

if (process.env.MCPO_FUZZ_DUMP) {
  const dir = process.env.MCPO_FUZZ_DUMP;
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, `${String(f.index).padStart(4, '0')}.yaml`), f.content);
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify(
      files.map((f) => ({ index: f.index, path: f.path, sentinels: f.sentinels })),
      null,
      2,
    ),
  );
}

/** Generous bounds for one test under the full suite's load; alone the whole file takes about 30 s of test time. */
const TEST_TIMEOUT_MS = 180_000;

const cleanups: (() => void | Promise<void>)[] = [];
// The independent client's venv (first run on a machine: pip install).
beforeAll(() => void clientPython(), SETUP_TIMEOUT_MS);
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** What one problem a diagnostic reveals about the validator, beyond leaks and control characters. */
function checkDiagnostic(findings: Findings, output: string, d: Diagnostic, file: HostileFile | undefined): void {
  if (/Maximum call stack|RangeError|TypeError|ReferenceError|Cannot read prop|is not a function|\bundefined\b|\[object /.test(shapeOfMessage(d.message)))
    findings.add(`CRASH shown as a diagnostic in ${output}: ${d.code}: ${shapeOfMessage(d.message)}`, {
      file,
      excerpt: JSON.stringify(d.message.slice(0, 200)),
      line: d.line,
    });
  for (const field of ['message', 'hint'] as const) {
    const text = d[field] ?? '';
    if (text.length > 1000)
      findings.add(`UNCUT LONG TEXT in ${output}: ${d.code} at ${shapeOfPath(d.path)}, in the ${field}: ${shapeOfMessage(text).slice(0, 60)}`, {
        file,
        excerpt: `${text.length} characters: ${JSON.stringify(`${text.slice(0, 200)}…`)}`,
        line: d.line,
      });
  }
}

function fileOf(d: Diagnostic, candidates: readonly HostileFile[]): HostileFile | undefined {
  return candidates.find((f) => f.path === d.file);
}

describe(`hostile declarations (seed ${SEED}, ${COUNT} files)`, () => {
  const baselineSentinels = baselineSecret.sentinels;

  it.runIf(COUNT >= 200)('generates sentinels of every kind under sealed', () => {
    const types = new Set(files.flatMap((f) => f.sentinels.map((s) => s.type.replace(/ \(%YAML 1.1\)$/, ''))));
    // The generator is the test's reach: if it stops producing these, the test proves less.
    for (const t of ['int', 'int-hex', 'int-huge', 'float-exponent', 'binary', 'block-literal', 'double-quoted-escapes', 'plain', 'custom-tag', 'timestamp'])
      expect(types).toContain(t);
    expect(files.flatMap((f) => f.sentinels).length).toBeGreaterThan(COUNT / 2);
  });

  it(
    'validate (in-process, every file with a valid baseline): no secret value, no raw control character, no crash, no hang',
    () => {
      const findings = new Findings(SEED);
      for (const file of files) {
        const sentinels = [...file.sentinels, ...baselineSentinels];
        const started = performance.now();
        let diagnostics: readonly Diagnostic[];
        try {
          diagnostics = buildModel({ files: [...BASELINE, { path: file.path, content: file.content }] }).diagnostics;
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          findings.add(`CRASH: buildModel threw ${e.name}: ${shapeOfMessage(e.message)}`, {
            file,
            excerpt: JSON.stringify((e.stack ?? e.message).split('\n').slice(0, 4).join(' | ')),
          });
          continue;
        }
        const ms = performance.now() - started;
        if (ms > SLOW_FILE_MS) findings.add(`HANG/SLOW: one file took over ${SLOW_FILE_MS} ms to validate`, { file, excerpt: `${Math.round(ms)} ms` });
        const own = diagnostics.filter((d) => d.file === file.path);
        if (own.length > 200)
          findings.add(`FLOOD: one file gave over 200 diagnostics (${[...new Set(own.map((d) => shapeOfMessage(d.message)))].slice(0, 3).join(' / ')})`, {
            file,
            excerpt: `${own.length} diagnostics`,
          });
        for (const d of diagnostics) {
          findings.leakInDiagnostic('validate', d, file, sentinels);
          // --format json carries these fields as they are; the text output prints them all.
          findings.controlInDiagnostic('validate (text and --format json)', d, file, ['message', 'hint', 'name', 'path']);
          findings.controlInDiagnostic('validate text output', d, file, ['file']);
          checkDiagnostic(findings, 'validate', d, file);
        }
      }
      expect(findings.size, findings.report('validate in-process')).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'mcpo validate (the real CLI, text and --format json, on repos of batches): exit 0/1, no stack trace, no secret value, no raw control character',
    async () => {
      const findings = new Findings(SEED);
      const REPOS = 4;
      const perRepo = Math.min(40, Math.floor(COUNT / REPOS / 2));
      const runs: Promise<void>[] = [];
      const queue: (() => Promise<void>)[] = [];
      for (let r = 0; r < REPOS; r++) {
        const batch = files.filter((f) => f.index % REPOS === r).slice(0, perRepo);
        const dir = mkdtempSync(join(tmpdir(), 'mcpo-fuzz-cli-'));
        cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
        for (const f of [...BASELINE, ...batch]) {
          mkdirSync(dirname(join(dir, f.path)), { recursive: true });
          writeFileSync(join(dir, f.path), f.content);
        }
        const sentinels = [...batch.flatMap((f) => f.sentinels), ...baselineSentinels];
        queue.push(async () => {
          const [text, json] = await Promise.all([runCli(['validate', '--repo', dir]), runCli(['validate', '--repo', dir, '--format', 'json'])]);
          checkCliRun(findings, text, json, batch, sentinels);
        });
      }
      // Two at a time (four processes): the machine has two cores.
      for (let i = 0; i < queue.length; i += 2) {
        runs.length = 0;
        for (const job of queue.slice(i, i + 2)) runs.push(job());
        await Promise.all(runs);
      }
      expect(findings.size, findings.report('mcpo validate CLI')).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'mcpo serve (real server, git commits of batches, authenticated client): no secret value in logs, metadata, details or responses; health answers; no raw control character',
    async () => {
      const findings = new Findings(SEED);
      const repo = await TestRepo.create({ prefix: 'mcpo-fuzz-serve-' });
      cleanups.push(() => repo.dispose());
      for (const f of BASELINE) repo.write(f.path, f.content);
      const baseSha = await repo.commit('baseline');

      const logs: string[] = [];
      const server: RunningServer = await startServer({
        repo: repo.dir,
        port: 0,
        pollIntervalMs: 100,
        authTokens: [TOKEN],
        logger: createLogger('debug', (line) => logs.push(line)),
        shutdownGraceMs: 1000,
      });
      cleanups.push(() => server.stop(1000));
      const client = new PyClient(`127.0.0.1:${server.port}`, { token: TOKEN });
      cleanups.push(() => client.close());

      const requestSentinels: Sentinel[] = [];
      const calls = (): [string, Record<string, unknown>][] => {
        const value = looseSentinel(registry, 'CreateSecret/UpdateSecret request data');
        requestSentinels.push(value);
        return [
          ['ListSecrets', {}],
          ['GetSecret', { name: 'db', namespace: 'default' }],
          ['ListMcpTemplates', { page_size: 500 }],
          ['ListNamespaces', {}],
          ['ListResourceLimits', {}],
          ['GetSecret', { name: 'evil\x1b[31m\r', namespace: 'default' }],
          ['GetMcpTemplate', { name: 'a\u202eb', namespace: 'default\x1b]0;x\x07' }],
          ['GetNamespace', { name: '\x1b[2J\x1b[Hns' }],
          ['GetResourceLimit', { name: 'p\r\nforged log line' }],
          ['CreateSecret', { name: 'new\x1b[31m', namespace: 'default', data: { password: value.id } }],
          ['UpdateSecret', { name: 'db', namespace: 'default', data: { password: value.id }, strategy: 'SECRET_UPDATE_STRATEGY_PATCH' }],
        ];
      };

      // The baseline is served, its values never shown.
      const first = await client.call('GetSecret', { name: 'db', namespace: 'default' });
      expect(first.code, JSON.stringify(first)).toBe('OK');
      expect(first.response.secret.keys).toEqual(['password', 'username']);

      const serveFiles = files.slice(Math.floor(COUNT / 2));
      const COMMITS = 6;
      const firstErrorLeaks = (f: HostileFile): boolean => {
        const firstError = buildModel({ files: [...BASELINE, { path: 'resources/a-first/x.yaml', content: f.content }] }).diagnostics.find(isError);
        return firstError !== undefined && findSentinels(formatDiagnostic(firstError), f.sentinels).length > 0;
      };
      const leadPool = files.filter((f) => f.path.startsWith('resources/secrets/') && f.sentinels.length > 0 && firstErrorLeaks(f)).slice(0, COMMITS);
      const perCommit = Math.ceil(serveFiles.length / COMMITS);
      let written: string[] = [];
      let checked = 0;
      for (let c = 0; c < COMMITS; c++) {
        let batch = serveFiles.slice(c * perCommit, (c + 1) * perCommit);
        if (batch.length === 0) break;
        // The header shows the first diagnostic only: put a Secret with sentinels first in the sort order.
        // Prefer a Secret whose first diagnostic shows a sentinel on today's code (from any batch), so the header is really tried.
        const lead =
          leadPool[c] ??
          batch.filter((f) => f.path.startsWith('resources/secrets/') && f.sentinels.length > 0).sort((a, b) => b.sentinels.length - a.sentinels.length)[0];
        if (lead) batch = [{ ...lead, path: `resources/a-first/${lead.path.split('/').pop()}` }, ...batch.filter((f) => f.index !== lead.index)];
        const logStart = logs.length;
        for (const p of written) repo.remove(p);
        for (const f of batch) repo.write(f.path, f.content);
        written = batch.map((f) => f.path);
        const sha = await repo.commit(`hostile batch ${c}`);
        const sentinels = [...batch.flatMap((f) => f.sentinels), ...baselineSentinels, ...requestSentinels];
        const expected = buildModel({ files: [...BASELINE, ...batch.map((f) => ({ path: f.path, content: f.content }))] }).diagnostics;
        const byText = new Map(expected.map((d) => [formatDiagnostic(d), d] as const));

        try {
          await server.waitForCommit(sha, COMMIT_TIMEOUT_MS);
        } catch (err) {
          findings.add(`HANG: serve did not finish loading a commit within ${COMMIT_TIMEOUT_MS} ms`, { excerpt: String(err) });
          continue;
        }
        const started = performance.now();
        const health = await client.call('grpc.health.v1.Health/Check', { service: '' });
        const reloadHealth = await client.call('grpc.health.v1.Health/Check', { service: 'mcpo.reload' });
        const healthMs = performance.now() - started;
        if (healthMs > HEALTH_MS || health.response?.status !== 'SERVING')
          findings.add(`HANG: health did not answer SERVING within ${HEALTH_MS} ms after a hostile commit`, { excerpt: JSON.stringify({ healthMs, health }) });
        const fails = expected.some(isError);
        if (reloadHealth.response?.status !== (fails ? 'NOT_SERVING' : 'SERVING'))
          findings.add('SERVE: mcpo.reload health does not say whether the newest commit loaded', { excerpt: JSON.stringify({ fails, reloadHealth }) });

        const results: [string, CallResult][] = [];
        for (const [method, request] of calls()) results.push([method, await client.call(method, request)]);
        for (const [method, r] of results) {
          if (fails && r.metadata['x-mcpo-commit'] !== baseSha)
            findings.add(`SERVE: ${method} after a failing commit is not answered from the last good commit`, { excerpt: JSON.stringify(r.metadata) });
          checkServeResult(findings, method, r, sentinels, expected, batch);
        }
        checkServeLogs(findings, logs.slice(logStart), sentinels, byText, batch);
        checked = logs.length;
      }
      // What was logged after the last commit's calls, and on stop.
      await server.stop(1000);
      checkServeLogs(findings, logs.slice(checked), [...files.flatMap((f) => f.sentinels), ...baselineSentinels, ...requestSentinels], new Map(), []);
      expect(findings.size, findings.report('mcpo serve')).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------- CLI runs

interface CliRun {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/mcpo.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, CLI_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ args, code, signal, stdout, stderr, ms: performance.now() - started, timedOut });
    });
  });
}

function checkCliRun(findings: Findings, text: CliRun, json: CliRun, batch: readonly HostileFile[], sentinels: readonly Sentinel[]): void {
  for (const run of [text, json]) {
    const what = `mcpo ${run.args.filter((a) => !a.startsWith('/')).join(' ')}`;
    if (run.timedOut) findings.add(`HANG: ${what} did not finish within ${CLI_TIMEOUT_MS} ms`, { excerpt: run.stderr.slice(-300) });
    else if (run.code !== 0 && run.code !== 1)
      findings.add(`CRASH: ${what} exited with ${run.code ?? run.signal} (only 0 or 1 expected)`, { excerpt: JSON.stringify(run.stderr.slice(-500)) });
    const both = `${run.stdout}\n${run.stderr}`;
    const trace = /^\s+at .+:\d+:\d+\)?$/m.exec(both);
    if (trace) findings.add(`CRASH: ${what} printed a stack trace`, { excerpt: excerptAround(both, trace.index, 300) });
    const internal = /^mcpo: .*$/m.exec(run.stderr);
    if (internal)
      findings.add(`CRASH: ${what} stopped on an internal error: ${shapeOfMessage(internal[0])}`, { excerpt: JSON.stringify(internal[0].slice(0, 300)) });
  }

  let diagnostics: Diagnostic[] = [];
  try {
    diagnostics = (JSON.parse(json.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
  } catch {
    findings.add('BROKEN OUTPUT: mcpo validate --format json did not print one JSON document', { excerpt: JSON.stringify(json.stdout.slice(0, 300)) });
  }
  for (const d of diagnostics) {
    const file = fileOf(d, batch);
    findings.leakInDiagnostic('mcpo validate --format json', d, file, sentinels);
    findings.controlInDiagnostic('mcpo validate --format json', d, file, ['message', 'hint', 'name', 'path']);
    checkDiagnostic(findings, 'mcpo validate', d, file);
  }
  for (const hit of findSentinels(json.stderr, sentinels))
    findings.add('SECRET LEAK in mcpo validate --format json stderr', { sentinel: hit.sentinel, excerpt: excerptAround(json.stderr, hit.at) });

  // Text: the same diagnostics, one formatted line each, then a summary line, on stderr.
  const expectedText = diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join('');
  if (!text.stderr.startsWith(expectedText))
    findings.add('BROKEN OUTPUT: mcpo validate text output is not the --format json diagnostics, one formatted line each', {
      excerpt: JSON.stringify(text.stderr.slice(0, 300)),
    });
  const lines = text.stderr.replace(/\n$/, '').split('\n');
  if (lines.length !== diagnostics.length + 1)
    findings.add('RAW LINE BREAK in mcpo validate (text): more lines than diagnostics (a message, name, path or file name carries a raw line break)', {
      excerpt: `${lines.length} lines for ${diagnostics.length} diagnostics; first odd line: ${JSON.stringify(lines.find((l) => !/^resources\/|^<repo>|^\d+ errors?$/.test(l))?.slice(0, 200) ?? '')}`,
    });
  for (const d of diagnostics) {
    const line = formatDiagnostic(d);
    const file = fileOf(d, batch);
    if (findSentinels(line, sentinels).length > 0) findings.leakInDiagnostic('mcpo validate (text)', d, file, sentinels);
    if (unsafeChars(line).length > 0) findings.controlInDiagnostic('mcpo validate (text)', d, file, ['file', 'name', 'path', 'message', 'hint']);
  }
  const summary = text.stderr.slice(expectedText.length);
  for (const hit of findSentinels(summary, sentinels))
    findings.add('SECRET LEAK in mcpo validate (text) summary', { sentinel: hit.sentinel, excerpt: excerptAround(summary, hit.at) });
  for (const hit of findSentinels(text.stdout, sentinels))
    findings.add('SECRET LEAK in mcpo validate (text) stdout', { sentinel: hit.sentinel, excerpt: excerptAround(text.stdout, hit.at) });
}

// ---------------------------------------------------------------- serve

function checkServeResult(
  findings: Findings,
  method: string,
  r: CallResult,
  sentinels: readonly Sentinel[],
  expected: readonly Diagnostic[],
  batch: readonly HostileFile[],
): void {
  const firstError = expected.find(isError);
  const parts: [string, string][] = [
    ['status details', r.details ?? ''],
    ['response', JSON.stringify(r.response ?? null)],
    ...Object.entries(r.metadata ?? {}).map(([k, v]) => [`metadata ${k}`, String(v)] as [string, string]),
    ...Object.entries(r.trailers ?? {}).map(([k, v]) => [`trailer ${k}`, String(v)] as [string, string]),
  ];
  for (const [part, text] of parts) {
    for (const hit of findSentinels(text, sentinels)) {
      const header =
        part === 'metadata x-mcpo-reload-error' && firstError
          ? ` (its first diagnostic: ${firstError.code} at ${shapeOfPath(firstError.path)}: ${shapeOfMessage(firstError.message)})`
          : '';
      // Metadata is the same on every call: one class per header, not per method.
      const where = part.startsWith('metadata') || part.startsWith('trailer') ? part : `${part} of ${method}`;
      findings.add(`SECRET LEAK in mcpo serve ${where}${header}`, {
        file: firstError && fileOf(firstError, batch),
        sentinel: hit.sentinel,
        excerpt: `${method}: ${excerptAround(text, hit.at)}`,
      });
    }
    if (part === 'response') continue;
    const chars = unsafeChars(text);
    if (chars.length)
      findings.add(
        `RAW CONTROL CHARACTER in mcpo serve ${part} of ${method} (${r.code}): ${shapeOfMessage(text)}`,
        { excerpt: JSON.stringify(text.slice(0, 200)) },
        { chars },
      );
  }
}

function checkServeLogs(
  findings: Findings,
  lines: readonly string[],
  sentinels: readonly Sentinel[],
  byText: ReadonlyMap<string, Diagnostic>,
  batch: readonly HostileFile[],
): void {
  for (const line of lines) {
    const hits = findSentinels(line, sentinels);
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      findings.add('BROKEN LOG: a serve log line is not one JSON object', { excerpt: JSON.stringify(line.slice(0, 300)) });
      continue;
    }
    const msg = String(entry.msg);
    const diagnostics = Array.isArray(entry.diagnostics) ? (entry.diagnostics as string[]) : [];
    for (const hit of hits) {
      const formatted = diagnostics.find((t) => findSentinels(t, [hit.sentinel]).length > 0);
      const d = formatted === undefined ? undefined : byText.get(formatted);
      if (d) findings.leakInDiagnostic(`mcpo serve log ("${msg}")`, d, fileOf(d, batch), [hit.sentinel]);
      else
        findings.add(
          `SECRET LEAK in mcpo serve log line "${msg}"${formatted ? ` (a diagnostic: ${shapeOfMessage(formatted.replace(/^[^:]*:\d+:\d+: /, ''))})` : ''}`,
          { sentinel: hit.sentinel, excerpt: excerptAround(line, hit.at) },
        );
    }
    // JSON escapes control characters in the line itself; what a log viewer shows is the decoded strings.
    for (const text of diagnostics) {
      if (unsafeChars(text).length === 0) continue;
      const d = byText.get(text);
      if (d) findings.controlInDiagnostic(`mcpo serve log ("${msg}")`, d, fileOf(d, batch), ['file', 'name', 'path', 'message', 'hint']);
      else
        findings.add(
          `RAW CONTROL CHARACTER in mcpo serve log "${msg}" diagnostics`,
          { excerpt: JSON.stringify(text.slice(0, 200)) },
          { chars: unsafeChars(text) },
        );
    }
    for (const [field, value] of Object.entries(entry)) {
      if (field === 'diagnostics' || typeof value !== 'string') continue;
      const chars = unsafeChars(value);
      if (chars.length)
        findings.add(
          `RAW CONTROL CHARACTER in mcpo serve log "${msg}" field ${field}: ${shapeOfMessage(value)}`,
          { excerpt: JSON.stringify(value.slice(0, 200)) },
          { chars },
        );
    }
  }
}

/** Runs the real CLI (bin/mcpo.js, compiled by the build globalSetup) as a user would. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './build.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function mcpo(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/mcpo.js'), ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...process.env, ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface AsyncRunOptions {
  env?: NodeJS.ProcessEnv;
  /** A file (or device) opened as the child's stdin. */
  stdinFrom?: string;
  timeoutMs?: number;
  /**
   * Caps the child's address space (bash `ulimit -v`, in KiB), so that a
   * command reading without bound crashes instead of taking the machine's
   * memory; mcpo itself runs in well under 1 GiB.
   */
  addressSpaceKb?: number;
}

/** The real CLI as a child process, without blocking the test (so several run at once). */
export function mcpoAsync(args: string[], opts: AsyncRunOptions = {}): Promise<CliResult & { ms: number }> {
  const started = Date.now();
  const stdinFd = opts.stdinFrom ? openSync(opts.stdinFrom, 'r') : undefined;
  const command = [process.execPath, join(REPO_ROOT, 'bin/mcpo.js'), ...args];
  const [file, ...argv] = opts.addressSpaceKb ? ['bash', '-c', `ulimit -v ${opts.addressSpaceKb} && exec "$@"`, 'bash', ...command] : command;
  const child = spawn(file!, argv, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: [stdinFd ?? 'ignore', 'pipe', 'pipe'],
  });
  if (stdinFd !== undefined) closeSync(stdinFd);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? -1 : -2), stdout, stderr, ms: Date.now() - started });
    });
  });
}

export interface Served {
  child: ChildProcess;
  port: number;
  /** The JSON log lines so far. */
  logs: () => Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<number | null>;
  /** SIGKILL, if still running. */
  kill: () => Promise<void>;
  /**
   * SIGTERM, if still running, and SIGKILL after 10 s: serve stops its fetches
   * and their helpers (own process groups) first, which a SIGKILL would leave
   * running, still writing into the clone cache that a test removes next.
   */
  stop: () => Promise<void>;
}

/** Starts the real `mcpo serve ... --port 0` and waits for its "listening" log line. */
export async function startMcpoServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/mcpo.js'), 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  };
  const logs = (): Record<string, unknown>[] =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill();
      reject(new Error(`mcpo serve did not start:\n${stderr}`));
    }, 30_000);
    const check = () => {
      const listening = logs().find((l) => l.msg === 'listening');
      if (listening) {
        clearTimeout(timer);
        resolve(listening.port as number);
      }
    };
    child.stderr!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mcpo serve exited with ${code}:\n${stderr}`));
    });
  });
  return { child, port, logs, stderr: () => stderr, exited, kill, stop };
}

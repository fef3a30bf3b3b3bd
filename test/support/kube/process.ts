/**
 * Processes: starting and stopping the control plane's binaries with their output in log files,
 * killing them if the test process dies, free loopback ports, and HTTP probes of what they serve.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';

// Every child is killed when this process exits.

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) {
        try {
          c.kill('SIGKILL');
        } catch {
          /* already gone */
        }
      }
    });
  }
}

/**
 * A detached shell that outlives a test process killed by a signal (where no 'exit' hook
 * runs): once the parent is gone it SIGKILLs the pids listed in pidFile and removes the dir.
 */
export function startWatchdog(pidFile: string, dirToRemove: string | undefined): ChildProcess {
  const script = [
    'parent=$1; pidfile=$2; dir=$3',
    'while kill -0 "$parent" 2>/dev/null; do sleep 1; done',
    '[ -f "$pidfile" ] && kill -9 $(cat "$pidfile") 2>/dev/null',
    'sleep 1',
    '[ -n "$dir" ] && rm -rf "$dir"',
    'exit 0',
  ].join('\n');
  const child = spawn('sh', ['-c', script, 'mcpo-kube-watchdog', String(process.pid), pidFile, dirToRemove ?? ''], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child;
}

export interface Proc {
  child: ChildProcess;
  exited: Promise<number | null>;
  exitCode: () => number | null | undefined;
}

export function startProcess(bin: string, args: string[], logFile: string): Proc {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  track(child);
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (c, signal) => {
      code = c ?? (signal ? -1 : null);
      resolve(code);
    });
    child.once('error', () => {
      code = -1;
      resolve(-1);
    });
  });
  return { child, exited, exitCode: () => code };
}

export async function stopProcess(proc: Proc | undefined, graceMs = 15_000): Promise<void> {
  if (!proc || proc.exitCode() !== undefined) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

export function tail(file: string, lines = 40): string {
  try {
    const all = readFileSync(file, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

export interface HttpResult {
  status: number;
  body: string;
}

export function httpGet(url: string, opts: { ca?: string; token?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      u,
      {
        method: 'GET',
        ca: opts.ca,
        headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
        timeout: opts.timeoutMs ?? 5_000,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout GET ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

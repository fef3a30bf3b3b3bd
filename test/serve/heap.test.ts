/**
 * `mcpo serve` bounds the garbage its old generation gathers by a budget in
 * MiB (server.ts OLD_GENERATION_BUDGET_MIB) by itself, as `node bin/mcpo.js
 * serve` (no node flags from the operator), and an operator's own
 * --heap-growing-percent wins.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { heapGrowingPercent, OLD_GENERATION_BUDGET_MIB } from '../../src/serve/server.js';
import { REPO_ROOT } from '../support/build.js';
import { cleanupsAfterEach, SETUP_TIMEOUT_MS, seededRepo } from './_support.js';

const cleanups = cleanupsAfterEach();

/** The JSON log lines of `node [nodeFlags] bin/mcpo.js serve` until it listens; then SIGTERM and its exit code. */
async function serveLogs(nodeFlags: string[]): Promise<{ logs: Record<string, unknown>[]; code: number | null }> {
  const { repo } = await seededRepo();
  cleanups.push(() => repo.dispose());
  const child = spawn(process.execPath, [...nodeFlags, join(REPO_ROOT, 'bin/mcpo.js'), 'serve', '--repo', repo.dir, '--port', '0', '--log-level', 'debug'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  cleanups.push(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  const logs = (): Record<string, unknown>[] =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mcpo serve did not start:\n${stderr}`)), 30_000);
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (logs().some((l) => l.msg === 'listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.kill('SIGTERM');
  return { logs: logs(), code: await exited };
}

describe('old-generation growth', () => {
  it('is set by the server itself from its live heap, within 100–300 %', { timeout: SETUP_TIMEOUT_MS }, async () => {
    const { logs, code } = await serveLogs([]);
    expect(code).toBe(0);
    const set = logs.filter((l) => l.msg === 'old-generation growth set');
    expect(set.length).toBeGreaterThan(0);
    for (const l of set) {
      expect(l.heapGrowingPercent).toBeGreaterThanOrEqual(100);
      expect(l.heapGrowingPercent).toBeLessThanOrEqual(300);
    }
  });

  it('leaves an operator’s own --heap-growing-percent alone', { timeout: SETUP_TIMEOUT_MS }, async () => {
    const { logs, code } = await serveLogs(['--heap-growing-percent=50']);
    expect(code).toBe(0);
    expect(logs.some((l) => l.msg === 'listening')).toBe(true);
    expect(logs.filter((l) => l.msg === 'old-generation growth set')).toEqual([]);
  });

  it('grows a large live heap by the budget, not a multiple of it', () => {
    const mib = 1024 * 1024;
    // 25 MiB live (10,000 templates): 64 MiB more; 128 MiB live: the floor of 100 %; a tiny heap: the ceiling.
    expect(heapGrowingPercent(25 * mib)).toBe(Math.round((OLD_GENERATION_BUDGET_MIB / 25) * 100));
    expect(heapGrowingPercent(128 * mib)).toBe(100);
    expect(heapGrowingPercent(4 * mib)).toBe(300);
  });
});

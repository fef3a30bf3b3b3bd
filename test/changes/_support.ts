/** Shared by the change-command tests: a real git repo seeded with this repository's resources, and CLI runs in parallel. */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, cpSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { REPO_ROOT } from '../support/build.js';
import { reposPerTest, TestRepo } from '../support/git-repo.js';
import type { CliResult } from '../support/mcpo.js';

let certDir: string | undefined;

/** A throwaway sealing certificate (its private key is not needed by these tests). */
export function testCertificate(): string {
  if (!certDir) {
    const dir = (certDir = mkdtempSync(join(tmpdir(), 'mcpo-cert-')));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', '/CN=sealed-secret', '-keyout', 'key.pem', '-out', 'cert.pem'],
      { cwd: certDir, stdio: 'ignore' },
    );
  }
  return join(certDir, 'cert.pem');
}

/** A git repo with this repository's resources/ and a certificate to seal with, committed. */
export async function seededRepo(): Promise<TestRepo> {
  const repo = await TestRepo.create({ prefix: 'mcpo-change-' });
  cpSync(join(REPO_ROOT, 'resources'), join(repo.dir, 'resources'), { recursive: true });
  cpSync(testCertificate(), join(repo.dir, 'cert.pem'));
  repo.write('mcpo.yaml', 'sealing:\n  certificate: cert.pem\n');
  await repo.commit('seed');
  return repo;
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

/**
 * Seeded repositories and scratch folders (for inputs outside a repository)
 * for the tests of one file, all removed after each test.
 */
export function workspacePerTest(): { repo: () => Promise<TestRepo>; scratch: () => string } {
  const scratchDirs: string[] = [];
  afterEach(() => {
    for (const d of scratchDirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    repo: reposPerTest(seededRepo),
    scratch() {
      const d = mkdtempSync(join(tmpdir(), 'mcpo-input-'));
      scratchDirs.push(d);
      return d;
    },
  };
}

/** Shared by the change-command tests: a real git repo seeded with this repository's resources, and scratch folders. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { REPO_ROOT } from '../support/build.js';
import { reposPerTest, TestRepo } from '../support/git-repo.js';

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

/**
 * The image's entrypoint, run as the Deployment of deploy/ runs it (see
 * _container.ts: same argv, env and mounted files; read-only root, uid
 * 65532), following real git servers on loopback: over HTTP with a token from
 * the mcpo-git Secret, and over SSH with a key and known_hosts from it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRepo } from '../support/git-repo.js';
import { cleanupsAfterEach, NAMESPACE_DEFAULT, PRESET_NANO, template, until } from '../serve/_support.js';
import { INSTALL_TIMEOUT_MS } from '../tools/tools.js';
import { type ContainerRoot, containerRoot, type Running, runContainer } from './_container.js';
import { httpGitServer, sshGitServer } from './_git-servers.js';

const cleanups = cleanupsAfterEach();
let image: ContainerRoot;

beforeAll(() => {
  image = containerRoot();
}, INSTALL_TIMEOUT_MS);
afterAll(() => image?.dispose());

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10 }));
  return dir;
}

async function origin(root: string): Promise<{ work: TestRepo; bare: string; push: () => void }> {
  const bare = join(root, 'config.git');
  const work = await TestRepo.create();
  cleanups.push(() => work.dispose());
  work.git('init', '--quiet', '--bare', bare);
  work.git('remote', 'add', 'origin', bare);
  work.writeAll({
    'resources/namespaces/default.yaml': NAMESPACE_DEFAULT,
    'resources/resource-limits/n1-standard-nano.yaml': PRESET_NANO,
    'resources/templates/default/a.yaml': template('a'),
  });
  await work.commit('first');
  const push = (): void => void work.git('push', '--quiet', '--force', 'origin', 'HEAD:refs/heads/main');
  push();
  return { work, bare, push };
}

async function container(configMap: Record<string, string>, secret?: Record<string, string>): Promise<Running & { base: string }> {
  const running = await runContainer(image, { MCPO_POLL_INTERVAL: '200ms', ...configMap }, secret);
  cleanups.push(() => running.stop());
  return { ...running, base: `http://127.0.0.1:${running.httpPort}` };
}

const servedCommit = async (base: string): Promise<string | null> => (await fetch(`${base}/v1/templates`)).headers.get('x-mcpo-commit');

describe('the container', () => {
  it('is what the Deployment runs: the image entrypoint with the Deployment args, the ConfigMap and the Secret directory', () => {
    expect(image.stage.entrypoint).toEqual(['/usr/bin/tini', '--', 'node', '/app/bin/mcpo.js', 'serve']);
    expect(image.stage.user).toEqual({ uid: 65532, gid: 65532 });
    expect(image.spec.args).toEqual(['--host', '0.0.0.0', '--port', '50051', '--http-port', '8080']);
    expect(image.spec.env).toMatchObject({ MCPO_REPO: expect.any(String), MCPO_BRANCH: 'main', MCPO_GIT_CREDENTIALS_DIR: '/etc/mcpo/git' });
    expect(image.spec.mounts.map((m) => m.mountPath).sort()).toEqual(['/etc/mcpo/git', '/tmp', image.stage.env.MCPO_CACHE_DIR].sort());
  });

  it('follows a repository over HTTP with the token of the Secret, on a read-only root as uid 65532, serving each new commit', async () => {
    const root = tempDir('mcpo-http-root-');
    const { work, push } = await origin(root);
    const token = `tok-${randomBytes(12).toString('hex')}`;
    const http = await httpGitServer(root, { username: 'x-access-token', password: token });
    cleanups.push(() => http.close());

    const c = await container({ MCPO_REPO: http.url('config.git') }, { token: `${token}\n` });
    expect(await servedCommit(c.base)).toBe(work.head());
    work.write('resources/templates/default/b.yaml', template('b'));
    const second = await work.commit('second');
    push();
    await until(async () => (await servedCommit(c.base)) === second, 10_000, 'the second commit served');
    expect((await fetch(`${c.base}/readyz`)).status).toBe(200);
    expect(c.stderr()).not.toContain(token);
    if (process.getuid?.() === 0) {
      // It really ran as the image's user, on a read-only root.
      const pid = c.child.pid!;
      expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^Uid:\s+65532\s/m);
      const rootMount = readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
        .split('\n')
        .find((l) => l.split(' ')[4] === '/');
      expect(rootMount?.split(' ')[5]).toMatch(/^ro\b/);
    }
    // The clone went to the cache emptyDir (the only writable place besides /tmp).
    expect(readdirSync(join(c.volume('/var/cache/mcpo'), 'repos')).some((d) => d.endsWith('.git'))).toBe(true);
    expect(c.logs().find((l) => l.msg === 'following repository')).toMatchObject({ gitCredentialsDir: c.volume('/etc/mcpo/git') });
  });

  it('with a wrong token in the Secret serves nothing and says why, without the token', async () => {
    const root = tempDir('mcpo-http-root-');
    await origin(root);
    const http = await httpGitServer(root, { username: 'x-access-token', password: 'the-right-one' });
    cleanups.push(() => http.close());
    const wrong = `wrong-${randomBytes(12).toString('hex')}`;

    const c = await container({ MCPO_REPO: http.url('config.git') }, { token: wrong });
    expect((await fetch(`${c.base}/readyz`)).status).toBe(503);
    const res = await fetch(`${c.base}/v1/templates`);
    expect(res.status).toBe(503);
    expect(res.headers.get('x-mcpo-source-error')).toMatch(/Authentication failed/);
    const warning = c.logs().find((l) => String(l.msg).startsWith('cannot read the followed branch'));
    expect(String(warning?.error)).toMatch(/Authentication failed/);
    expect(c.stderr()).not.toContain(wrong);
  });

  it('follows a repository over SSH with the key and known_hosts of the Secret', async () => {
    const sshd = await sshGitServer();
    cleanups.push(() => sshd.close());
    const root = tempDir('mcpo-ssh-root-');
    const { work, bare, push } = await origin(root);

    const c = await container(
      { MCPO_REPO: sshd.url(bare) },
      { 'ssh-privatekey': readFileSync(sshd.clientKeyFile, 'utf8'), known_hosts: readFileSync(sshd.knownHostsFile, 'utf8') },
    );
    expect(await servedCommit(c.base)).toBe(work.head());
    work.write('resources/templates/default/b.yaml', template('b'));
    const second = await work.commit('second');
    push();
    await until(async () => (await servedCommit(c.base)) === second, 15_000, 'the second commit served over ssh');
    expect(existsSync(join(c.volume('/var/cache/mcpo'), 'repos'))).toBe(true);
  });
});

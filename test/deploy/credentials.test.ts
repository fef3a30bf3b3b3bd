/**
 * Credentials for a remote repository, against real git servers on loopback:
 * an HTTPS-style token (HTTP Basic, checked by the server in front of git
 * http-backend) handed to git by the credential helper from a mounted file,
 * and an SSH key with known_hosts against a real sshd. Each new commit is
 * served; a wrong credential serves nothing and says why; the token is in no
 * log line, no answer, and no process's arguments or environment.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Served, startMcpoServe } from '../support/mcpo.js';
import { cleanupsAfterEach, clientPython, PyClient, SETUP_TIMEOUT_MS, template, until } from '../serve/_support.js';
import { origin, tempDir } from './_origin.js';
import { httpGitServer, sshGitServer } from './_git-servers.js';

const cleanups = cleanupsAfterEach();

beforeAll(() => {
  clientPython();
}, SETUP_TIMEOUT_MS);

/** Watches every process's arguments and environment for `secret` until stopped; resolves with what it saw. */
function watchProcesses(secret: string): { stop: () => string[]; scans: () => number } {
  const seen = new Set<string>();
  let scans = 0;
  const timer = setInterval(() => {
    scans++;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      for (const part of ['cmdline', 'environ']) {
        try {
          if (readFileSync(`/proc/${pid}/${part}`).includes(secret))
            seen.add(`${pid} ${part}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
        } catch {
          // Gone meanwhile.
        }
      }
    }
  }, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return [...seen];
    },
    scans: () => scans,
  };
}

async function serve(url: string, env: Record<string, string>): Promise<Served & { base: string; client: PyClient }> {
  const served = await startMcpoServe(
    [
      '--repo',
      url,
      '--branch',
      'main',
      '--http-port',
      '0',
      '--poll-interval',
      '200ms',
      '--fetch-timeout',
      '10s',
      '--cache-dir',
      tempDir(cleanups, 'mcpo-cache-'),
    ],
    env,
  );
  // Not a SIGKILL: a fetch under way would go on writing into the cache folder removed next.
  cleanups.push(() => served.stop());
  const client = new PyClient(`127.0.0.1:${served.port}`);
  cleanups.push(() => client.close());
  return { ...served, client, base: `http://127.0.0.1:${served.logs().find((l) => l.msg === 'listening')!.httpPort as number}` };
}

const health = async (client: PyClient, service: string): Promise<string> => (await client.call('grpc.health.v1.Health/Check', { service })).response?.status;
const servedCommit = async (base: string): Promise<string | null> => (await fetch(`${base}/v1/templates`)).headers.get('x-mcpo-commit');

describe('an HTTPS token from a mounted file', () => {
  it('serves each new commit, picks up a rotated token, and the token is in no argument, environment, log or answer', async () => {
    const root = tempDir(cleanups, 'mcpo-http-root-');
    const { work, push } = await origin(cleanups, root);
    let token = `tok-${randomBytes(12).toString('hex')}`;
    const firstToken = token;
    const credentials = { username: 'x-access-token', password: token };
    const http = await httpGitServer(root, credentials);
    cleanups.push(() => http.close());
    const secrets = tempDir(cleanups, 'mcpo-secret-');
    const tokenFile = join(secrets, 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const watch = watchProcesses(token);

    const s = await serve(http.url('config.git'), { MCPO_GIT_TOKEN_FILE: tokenFile });
    // Loopback over plain http is this test's git server, not the network: no warning.
    expect(s.logs().filter((l) => String(l.msg).startsWith('the repository URL is http://'))).toEqual([]);
    expect(await servedCommit(s.base)).toBe(work.head());
    work.write('resources/templates/default/b.yaml', template('b'));
    const second = await work.commit('second');
    push();
    await until(async () => (await servedCommit(s.base)) === second, 10_000, 'the second commit served');
    expect(http.authorizations).toContain(`Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`);

    // The Secret is rotated: the server's token and the file change together.
    token = `tok-${randomBytes(12).toString('hex')}`;
    credentials.password = token;
    writeFileSync(tokenFile, token);
    work.write('resources/templates/default/c.yaml', template('c'));
    const third = await work.commit('third');
    push();
    await until(async () => (await servedCommit(s.base)) === third, 10_000, 'the third commit served with the rotated token');
    expect(await health(s.client, 'mcpo.reload')).toBe('SERVING');

    const leaked = watch.stop();
    expect(watch.scans()).toBeGreaterThan(10);
    expect(leaked).toEqual([]);
    for (const t of [firstToken, token]) expect(s.stderr()).not.toContain(t);
    expect(s.logs().find((l) => l.msg === 'following repository')).toMatchObject({ gitTokenFile: tokenFile, gitUsername: 'x-access-token' });
  });

  it('with a wrong token serves nothing, says why in health, the answer and the log, and never shows the token', async () => {
    const root = tempDir(cleanups, 'mcpo-http-root-');
    await origin(cleanups, root);
    const http = await httpGitServer(root, { username: 'x-access-token', password: 'the-right-one' });
    cleanups.push(() => http.close());
    const wrong = `wrong-${randomBytes(12).toString('hex')}`;
    const tokenFile = join(tempDir(cleanups, 'mcpo-secret-'), 'token');
    writeFileSync(tokenFile, wrong);

    const s = await serve(http.url('config.git'), { MCPO_GIT_TOKEN_FILE: tokenFile });
    // The helper was asked and its answer refused.
    expect(http.authorizations).toContain(`Basic ${Buffer.from(`x-access-token:${wrong}`).toString('base64')}`);
    expect(await health(s.client, '')).toBe('NOT_SERVING');
    expect(await health(s.client, 'mcpo.reload')).toBe('NOT_SERVING');
    expect((await fetch(`${s.base}/readyz`)).status).toBe(503);
    const res = await fetch(`${s.base}/v1/templates`);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(JSON.parse(text).message).toMatch(
      /^the repository cannot be read, so nothing is served yet: cannot clone http:\/\/127\.0\.0\.1:\d+\/config\.git: .*Authentication failed/,
    );
    expect(res.headers.get('x-mcpo-source-error')).toMatch(/Authentication failed/);
    const grpc = await s.client.call('ListMcpTemplates', {});
    expect(grpc.code).toBe('UNAVAILABLE');
    expect(grpc.details).toMatch(/Authentication failed/);

    await new Promise((r) => setTimeout(r, 1000)); // several polls
    const warnings = s.logs().filter((l) => String(l.msg).startsWith('cannot read the followed branch'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 'warn',
      msg: 'cannot read the followed branch; nothing to serve until it can be read, health NOT_SERVING',
      serving: null,
    });
    expect(String(warnings[0]!.error)).toMatch(/Authentication failed/);
    for (const where of [s.stderr(), text, JSON.stringify(Object.fromEntries(res.headers)), grpc.details]) expect(where).not.toContain(wrong);

    // The Secret is fixed: the next poll clones and serves.
    writeFileSync(tokenFile, 'the-right-one\n');
    await until(async () => (await health(s.client, '')) === 'SERVING', 10_000, 'serving once the token is right');
    expect(s.logs().filter((l) => l.msg === 'the followed branch can be read again')).toHaveLength(1);
  });
});

describe('an SSH key with known_hosts', () => {
  it('follows a repository over a real sshd, and refuses a server whose host key is not the known one', async () => {
    const sshd = await sshGitServer();
    cleanups.push(() => sshd.close());
    const root = tempDir(cleanups, 'mcpo-ssh-root-');
    const { work, bare, push } = await origin(cleanups, root);

    const s = await serve(sshd.url(bare), { MCPO_GIT_SSH_KEY_FILE: sshd.clientKeyFile, MCPO_GIT_KNOWN_HOSTS_FILE: sshd.knownHostsFile });
    expect(await servedCommit(s.base)).toBe(work.head());
    work.write('resources/templates/default/b.yaml', template('b'));
    const second = await work.commit('second');
    push();
    await until(async () => (await servedCommit(s.base)) === second, 15_000, 'the second commit served over ssh');
    expect(await health(s.client, 'mcpo.reload')).toBe('SERVING');
    expect(s.stderr()).not.toContain('PRIVATE KEY');

    const wrong = await serve(sshd.url(bare), { MCPO_GIT_SSH_KEY_FILE: sshd.clientKeyFile, MCPO_GIT_KNOWN_HOSTS_FILE: sshd.wrongKnownHostsFile });
    expect(await health(wrong.client, '')).toBe('NOT_SERVING');
    const res = await fetch(`${wrong.base}/v1/templates`);
    expect(res.status).toBe(503);
    expect(res.headers.get('x-mcpo-source-error')).toMatch(/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/);
  });
});

describe('a token over plain http', () => {
  it('warns when it would go to a non-loopback host', async () => {
    const tokenFile = join(tempDir(cleanups, 'mcpo-secret-'), 'token');
    writeFileSync(tokenFile, 'x');
    const s = await serve('http://mcpo.invalid/config.git', { MCPO_GIT_TOKEN_FILE: tokenFile });
    expect(s.logs().find((l) => l.level === 'warn' && String(l.msg).startsWith('the repository URL is http://'))).toMatchObject({
      repo: 'http://mcpo.invalid/config.git',
    });
  });
});

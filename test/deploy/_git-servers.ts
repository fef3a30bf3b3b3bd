/**
 * Real git servers on loopback for the deploy tests:
 *
 * - HTTP: git's own `git http-backend` (CGI) behind a small node:http server
 *   that checks HTTP Basic credentials (what a git host asks of a token) and
 *   can be switched to hang (accept, never answer) or to refuse connections;
 * - SSH: a real OpenSSH sshd on a free port with its own host key and
 *   authorized_keys in a temp dir (runs `git-upload-pack` for the client).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export interface HttpGitServer {
  /** `http://127.0.0.1:PORT/<name>` of a repository under the root. */
  url(name: string): string;
  /** ok: serve; hang: accept and never answer; down: refuse connections. */
  mode: 'ok' | 'hang' | 'down';
  /** The Authorization header of each request, in order. */
  readonly authorizations: (string | undefined)[];
  /** `METHOD path?query` of each request answered, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves the bare repositories under `root`; with `credentials`, only to `Basic user:password`. */
export async function httpGitServer(root: string, credentials?: { username: string; password: string }): Promise<HttpGitServer> {
  const authorizations: (string | undefined)[] = [];
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  // Read per request: a test rotates the password.
  const expected = (): string | undefined =>
    credentials ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : undefined;
  const server: Server = createServer((req, res) => handle(req, res));
  const state: HttpGitServer = {
    mode: 'ok',
    authorizations,
    requests,
    url: (name) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/${name}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (state.mode === 'hang') return; // the socket stays open, nothing is ever sent
    authorizations.push(req.headers.authorization);
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    if (credentials && req.headers.authorization !== expected()) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const cgi = spawn(HTTP_BACKEND, [], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
        REMOTE_ADDR: '127.0.0.1',
        REMOTE_USER: credentials?.username ?? '',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => res.end());
  };
  server.on('connection', (s: Socket) => {
    if (state.mode === 'down') return void s.destroy();
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return state;
}

/** A TCP port that accepts connections and never says a word (an SSH server that hangs). */
export async function silentPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export const SSHD = '/usr/sbin/sshd';

export interface SshGitServer {
  port: number;
  /** Private key the server accepts (the client's), and a known_hosts line for the server. */
  clientKeyFile: string;
  knownHostsFile: string;
  /** A known_hosts file naming another host key (a server that is not the one expected). */
  wrongKnownHostsFile: string;
  url(repoPath: string): string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A real sshd on loopback accepting one client key, as the current user. */
export async function sshGitServer(): Promise<SshGitServer> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: test/setup.sh installs openssh-server (apt-get, as root)`);
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-sshd-'));
  chmodSync(dir, 0o700);
  const keygen = (file: string): void => void execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  keygen(join(dir, 'other_host_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o600);
  const port = await freePort();
  const hostLine = (pub: string): string => `[127.0.0.1]:${port} ${readFileSync(pub, 'utf8').trim().split(' ').slice(0, 2).join(' ')}\n`;
  writeFileSync(join(dir, 'known_hosts'), hostLine(join(dir, 'host_key.pub')));
  writeFileSync(join(dir, 'wrong_known_hosts'), hostLine(join(dir, 'other_host_key.pub')));
  const user = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `AllowUsers ${user}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  // sshd as root wants its privilege separation directory.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // Never outlives the test process, even when a cleanup before close() threw.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${log}`)), 10_000);
    const check = (): void => {
      if (/Server listening/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited (${code}):\n${log}`));
    });
  });
  return {
    port,
    clientKeyFile: join(dir, 'client_key'),
    knownHostsFile: join(dir, 'known_hosts'),
    wrongKnownHostsFile: join(dir, 'wrong_known_hosts'),
    url: (repoPath) => `ssh://${user}@127.0.0.1:${port}${repoPath}`,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

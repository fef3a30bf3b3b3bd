/**
 * A real Kubernetes API server (kube-apiserver + etcd, built from Go modules by
 * test/kube/build.sh) for integration tests, plus helpers to apply manifests to it.
 *
 *   const kube = await startKubeApiServer();
 *   const kc = kube.kubeConfig();
 *   await installSealedSecretCrd(kc);
 *   await serverSideApply(kc, manifests, 'mcpo-test');
 *   await kube.stop();
 *
 * Everything listens on 127.0.0.1 on free ports. Certificates, keys, the token file, the
 * kubeconfig, logs and etcd's data live in one temp dir (`dataDir`), removed by stop().
 * Nothing reconciles (no controller-manager, scheduler or kubelet): Deployments make no
 * ReplicaSets, Pods stay Pending, namespace deletion never finishes.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';

const execFileAsync = promisify(execFile);

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD_SCRIPT = path.join(REPO_ROOT, 'test', 'kube', 'build.sh');

/** The Bitnami Sealed Secrets release whose CRD the tests install (from the Go module cache). */
export const SEALED_SECRETS_VERSION = process.env.MCPO_SEALED_SECRETS_VERSION ?? 'v0.40.0';

// ---------------------------------------------------------------------------------------------
// Binaries

let binariesPromise: Promise<string> | undefined;

function hasBinaries(dir: string): boolean {
  return existsSync(path.join(dir, 'kube-apiserver')) && existsSync(path.join(dir, 'etcd'));
}

/**
 * Returns the directory holding `kube-apiserver` and `etcd`, building them with
 * test/kube/build.sh when they are not cached yet (a cold build takes many minutes; a cached
 * one returns at once). `MCPO_KUBE_BIN_DIR` (set by test/support/global-setup.ts) short-cuts
 * the script. Build progress goes to this process's stderr.
 */
export function ensureKubeBinaries(): Promise<string> {
  const fromEnv = process.env.MCPO_KUBE_BIN_DIR;
  if (fromEnv && hasBinaries(fromEnv)) return Promise.resolve(fromEnv);
  binariesPromise ??= new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk).slice(-8000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const dir = stdout.trim().split('\n').pop()?.trim() ?? '';
      if (code === 0 && dir && hasBinaries(dir)) resolve(dir);
      else reject(new Error(`test/kube/build.sh failed (exit ${code}):\n${stderrTail}`));
    });
  });
  binariesPromise.catch(() => (binariesPromise = undefined));
  return binariesPromise;
}

// ---------------------------------------------------------------------------------------------
// Process bookkeeping: every child is killed when this process exits.

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
function startWatchdog(pidFile: string, dirToRemove: string | undefined): ChildProcess {
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

interface Proc {
  child: ChildProcess;
  exited: Promise<number | null>;
  exitCode: () => number | null | undefined;
}

function startProcess(bin: string, args: string[], logFile: string): Proc {
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

async function stopProcess(proc: Proc | undefined, graceMs = 15_000): Promise<void> {
  if (!proc || proc.exitCode() !== undefined) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

function tail(file: string, lines = 40): string {
  try {
    const all = readFileSync(file, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------
// Networking helpers

function freePort(): Promise<number> {
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

async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

interface HttpResult {
  status: number;
  body: string;
}

function httpGet(url: string, opts: { ca?: string; token?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Certificates and keys

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await execFileAsync('openssl', args, { cwd });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`openssl ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
  }
}

interface Pki {
  caCert: string;
  caCertPath: string;
  servingCertPath: string;
  servingKeyPath: string;
  saPublicKeyPath: string;
  saPrivateKeyPath: string;
}

async function makePki(dir: string): Promise<Pki> {
  await mkdir(dir, { recursive: true });
  await openssl(
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=mcpo-test-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    ],
    dir,
  );
  await writeFile(
    path.join(dir, 'serving.ext'),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,' +
        'DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local',
      '',
    ].join('\n'),
  );
  await openssl(
    [
      'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', 'apiserver.key', '-out', 'apiserver.csr', '-subj', '/CN=kube-apiserver',
    ],
    dir,
  );
  await openssl(
    [
      'x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', 'apiserver.crt', '-days', '3650', '-extfile', 'serving.ext',
    ],
    dir,
  );
  const sa = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  await writeFile(path.join(dir, 'sa.pub'), sa.publicKey);
  await writeFile(path.join(dir, 'sa.key'), sa.privateKey, { mode: 0o600 });
  return {
    caCert: await readFile(path.join(dir, 'ca.crt'), 'utf8'),
    caCertPath: path.join(dir, 'ca.crt'),
    servingCertPath: path.join(dir, 'apiserver.crt'),
    servingKeyPath: path.join(dir, 'apiserver.key'),
    saPublicKeyPath: path.join(dir, 'sa.pub'),
    saPrivateKeyPath: path.join(dir, 'sa.key'),
  };
}

// ---------------------------------------------------------------------------------------------
// The server

export interface StartKubeApiServerOptions {
  /** Directory with kube-apiserver and etcd; default: ensureKubeBinaries(). */
  binDir?: string;
  /** Bearer token of the admin user (group system:masters); default: random. */
  token?: string;
  /** How long to wait for etcd and for /readyz; default 90 s. */
  startTimeoutMs?: number;
  /** Extra kube-apiserver flags (`--name=value`), appended after ours. */
  extraApiServerArgs?: string[];
  /** Keep dataDir after stop() (also MCPO_KEEP_KUBE_DIR=1), e.g. to read the logs. */
  keepDataDir?: boolean;
}

export interface KubeApiServer {
  /** https://127.0.0.1:<port> */
  url: string;
  /** Bearer token of a system:masters user. */
  token: string;
  /** A kubeconfig (context "mcpo-test") for KubeConfig.loadFromFile or kubectl. */
  kubeconfigPath: string;
  /** PEM of the CA that signed the serving certificate. */
  caCert: string;
  /** Temp dir with etcd's data (dataDir/etcd), certs (dataDir/pki), logs (dataDir/*.log). */
  dataDir: string;
  /** A fresh KubeConfig loaded from kubeconfigPath. */
  kubeConfig(): KubeConfig;
  /** Stops kube-apiserver and etcd and removes dataDir (unless kept). Idempotent. */
  stop(): Promise<void>;
  /**
   * Stops kube-apiserver and starts it again on the same port against the same etcd data,
   * and waits for /readyz. With { etcd: true } etcd is restarted too (same ports, same data).
   */
  restart(opts?: { etcd?: boolean }): Promise<void>;
}

export async function startKubeApiServer(opts: StartKubeApiServerOptions = {}): Promise<KubeApiServer> {
  const binDir = opts.binDir ?? (await ensureKubeBinaries());
  const etcdBin = path.join(binDir, 'etcd');
  const apiserverBin = path.join(binDir, 'kube-apiserver');
  for (const b of [etcdBin, apiserverBin]) {
    if (!existsSync(b)) throw new Error(`${b} not found; run test/kube/build.sh`);
  }
  const timeoutMs = opts.startTimeoutMs ?? 90_000;
  const keep = opts.keepDataDir ?? process.env.MCPO_KEEP_KUBE_DIR === '1';
  const token = opts.token ?? randomBytes(24).toString('hex');

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mcpo-kube-'));
  const pidFile = path.join(dataDir, 'pids');
  const etcdLog = path.join(dataDir, 'etcd.log');
  const apiserverLog = path.join(dataDir, 'kube-apiserver.log');
  const watchdog = startWatchdog(pidFile, keep ? undefined : dataDir);

  let etcd: Proc | undefined;
  let apiserver: Proc | undefined;
  let stopped = false;

  const writePids = () =>
    writeFile(pidFile, [etcd, apiserver].flatMap((p) => (p?.child.pid ? [String(p.child.pid)] : [])).join(' ') + '\n');

  const cleanup = async () => {
    await stopProcess(apiserver);
    await stopProcess(etcd);
    try {
      if (watchdog.pid) process.kill(watchdog.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    if (!keep) await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const [apiPort, etcdClientPort, etcdPeerPort] = (await freePorts(3)) as [number, number, number];
    const url = `https://127.0.0.1:${apiPort}`;
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const pki = await makePki(path.join(dataDir, 'pki'));
    const tokenFile = path.join(dataDir, 'tokens.csv');
    await writeFile(tokenFile, `${token},admin,admin,system:masters\n`, { mode: 0o600 });

    const etcdArgs = [
      '--name=mcpo-test',
      `--data-dir=${path.join(dataDir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=mcpo-test=http://127.0.0.1:${etcdPeerPort}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ];
    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${path.join(dataDir, 'pki', 'generated')}`,
      `--tls-cert-file=${pki.servingCertPath}`,
      `--tls-private-key-file=${pki.servingKeyPath}`,
      `--client-ca-file=${pki.caCertPath}`,
      `--token-auth-file=${tokenFile}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.0.0.0/24',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.saPublicKeyPath}`,
      `--service-account-signing-key-file=${pki.saPrivateKeyPath}`,
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
      // The "kubernetes" Endpoints may not point at a loopback address: don't try.
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      ...(opts.extraApiServerArgs ?? []),
    ];

    const failure = (what: string, extra = '') =>
      new Error(
        `${what}${extra ? `: ${extra}` : ''}\n--- etcd log (tail) ---\n${tail(etcdLog)}\n` +
          `--- kube-apiserver log (tail) ---\n${tail(apiserverLog)}`,
      );

    const startEtcd = async () => {
      etcd = startProcess(etcdBin, etcdArgs, etcdLog);
      await writePids();
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const code = etcd.exitCode();
        if (code !== undefined) throw failure(`etcd exited with code ${code}`);
        try {
          const r = await httpGet(`${etcdUrl}/health`, { timeoutMs: 2_000 });
          if (r.status === 200 && r.body.includes('"true"')) return;
        } catch {
          /* not listening yet */
        }
        if (Date.now() > deadline) throw failure(`etcd not healthy after ${timeoutMs} ms`);
        await sleep(100);
      }
    };

    const startApiserver = async () => {
      apiserver = startProcess(apiserverBin, apiserverArgs, apiserverLog);
      await writePids();
      const deadline = Date.now() + timeoutMs;
      let last = '';
      // /readyz, then the "default" namespace (made by a post-start controller) so that
      // namespaced requests without a namespace work straight away.
      for (const probe of ['/readyz', '/api/v1/namespaces/default']) {
        for (;;) {
          const code = apiserver.exitCode();
          if (code !== undefined) throw failure(`kube-apiserver exited with code ${code}`);
          try {
            const r = await httpGet(`${url}${probe}`, { ca: pki.caCert, token, timeoutMs: 5_000 });
            if (r.status === 200) break;
            last = `${probe} -> ${r.status} ${r.body.slice(0, 2000)}`;
          } catch (e) {
            last = `${probe} -> ${(e as Error).message}`;
          }
          if (Date.now() > deadline) throw failure(`kube-apiserver not ready after ${timeoutMs} ms`, last);
          await sleep(200);
        }
      }
    };

    await startEtcd();
    await startApiserver();

    const kubeconfigPath = path.join(dataDir, 'kubeconfig');
    await writeFile(
      kubeconfigPath,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'mcpo-test',
            cluster: { server: url, 'certificate-authority-data': Buffer.from(pki.caCert).toString('base64') },
          },
        ],
        users: [{ name: 'admin', user: { token } }],
        contexts: [{ name: 'mcpo-test', context: { cluster: 'mcpo-test', user: 'admin', namespace: 'default' } }],
        'current-context': 'mcpo-test',
      }),
      { mode: 0o600 },
    );

    return {
      url,
      token,
      kubeconfigPath,
      caCert: pki.caCert,
      dataDir,
      kubeConfig() {
        const kc = new KubeConfig();
        kc.loadFromFile(kubeconfigPath);
        return kc;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await cleanup();
      },
      async restart(restartOpts: { etcd?: boolean } = {}) {
        if (stopped) throw new Error('kube-apiserver was stopped');
        await stopProcess(apiserver);
        if (restartOpts.etcd) {
          await stopProcess(etcd);
          await startEtcd();
        }
        await startApiserver();
      },
    };
  } catch (e) {
    stopped = true;
    await cleanup();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Applying manifests

/** KubernetesObjectApi with the discovery lookup (protected upstream) made usable. */
class DiscoveringObjectApi extends KubernetesObjectApi {
  static make(kc: KubeConfig): DiscoveringObjectApi {
    const api = kc.makeApiClient(DiscoveringObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  /** true/false from discovery, undefined while the server does not serve the kind. */
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean | undefined> {
    try {
      return (await this.resource(apiVersion, kind))?.namespaced;
    } catch (e) {
      if (e instanceof ApiException && (e.code === 404 || e.code === 503)) return undefined;
      throw e;
    }
  }
}

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ApplyResult {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** created: did not exist; configured: resourceVersion changed; unchanged: a no-op. */
  action: ApplyAction;
  /** The object as the server returned it after the apply. */
  object: KubernetesObject;
}

export interface ServerSideApplyOptions {
  /** Take ownership of fields other managers own (kubectl --force-conflicts); default true. */
  force?: boolean;
  /** How long to wait for CRDs to be Established and their kinds discoverable; default 60 s. */
  timeoutMs?: number;
}

/** The header (apiVersion, kind, name, namespace) that KubernetesObjectApi.read/delete take. */
export function objectRef(o: KubernetesObject): {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
} {
  if (!o.apiVersion || !o.kind || !o.metadata?.name) throw new Error(`not a Kubernetes object: ${JSON.stringify(o).slice(0, 200)}`);
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) },
  };
}

function describeObject(o: KubernetesObject): string {
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.apiVersion}/${o.kind} ${ns}${o.metadata?.name}`;
}

function isNotFound(e: unknown): boolean {
  return e instanceof ApiException && e.code === 404;
}

function errorText(e: unknown): string {
  if (e instanceof ApiException) {
    const body = e.body as { message?: string } | string | undefined;
    const msg = typeof body === 'string' ? body : (body?.message ?? JSON.stringify(body));
    return `HTTP ${e.code}: ${msg}`;
  }
  return e instanceof Error ? e.message : String(e);
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = errorText(e);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (${lastError})` : ''}`);
    await sleep(200);
  }
}

async function applyOne(
  api: DiscoveringObjectApi,
  manifest: KubernetesObject,
  fieldManager: string,
  force: boolean,
): Promise<ApplyResult> {
  let before: string | undefined;
  try {
    before = (await api.read(objectRef(manifest))).metadata?.resourceVersion;
  } catch (e) {
    if (!isNotFound(e)) throw new Error(`reading ${describeObject(manifest)}: ${errorText(e)}`);
  }
  let applied: KubernetesObject;
  try {
    applied = await api.patch(manifest, undefined, undefined, fieldManager, force, PatchStrategy.ServerSideApply);
  } catch (e) {
    throw new Error(`server-side apply of ${describeObject(manifest)} failed: ${errorText(e)}`);
  }
  const after = applied.metadata?.resourceVersion;
  return {
    apiVersion: manifest.apiVersion!,
    kind: manifest.kind!,
    name: applied.metadata?.name ?? manifest.metadata!.name!,
    ...(applied.metadata?.namespace ? { namespace: applied.metadata.namespace } : {}),
    action: before === undefined ? 'created' : before === after ? 'unchanged' : 'configured',
    object: applied,
  };
}

async function waitForCrd(api: DiscoveringObjectApi, crd: KubernetesObject, timeoutMs: number): Promise<void> {
  const name = crd.metadata!.name!;
  await waitFor(`CRD ${name} to be Established`, timeoutMs, async () => {
    const live = (await api.read({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name },
    })) as KubernetesObject & { status?: { conditions?: { type?: string; status?: string }[] } };
    return live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });
  const spec = (crd as { spec?: { group?: string; names?: { kind?: string }; versions?: { name?: string; served?: boolean }[] } })
    .spec;
  for (const v of spec?.versions ?? []) {
    if (v.served === false || !spec?.group || !v.name || !spec.names?.kind) continue;
    const apiVersion = `${spec.group}/${v.name}`;
    const kind = spec.names.kind;
    await waitFor(`${apiVersion} ${kind} in discovery`, timeoutMs, () => api.isNamespaced(apiVersion, kind));
  }
}

/**
 * Server-side applies manifests (like `kubectl apply --server-side`) with the given field
 * manager: Namespaces and CustomResourceDefinitions first (waiting until each CRD is
 * Established and served), then other cluster-scoped objects, then namespaced ones.
 * Results come back in the order of `manifests`.
 */
export async function serverSideApply(
  kc: KubeConfig,
  manifests: object[],
  fieldManager: string,
  opts: ServerSideApplyOptions = {},
): Promise<ApplyResult[]> {
  const force = opts.force ?? true;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const api = DiscoveringObjectApi.make(kc);
  const objs = manifests.map((m, i) => {
    const o = structuredClone(m) as KubernetesObject;
    if (!o.apiVersion || !o.kind || !o.metadata?.name) {
      throw new Error(`manifest #${i} needs apiVersion, kind and metadata.name: ${JSON.stringify(m).slice(0, 200)}`);
    }
    return o;
  });
  const results: ApplyResult[] = new Array(objs.length);
  const applyIndexes = async (indexes: number[]) => {
    for (const i of indexes) results[i] = await applyOne(api, objs[i]!, fieldManager, force);
  };
  const all = objs.map((_, i) => i);
  const isCrd = (o: KubernetesObject) =>
    o.kind === 'CustomResourceDefinition' && o.apiVersion?.startsWith('apiextensions.k8s.io/');
  const namespaces = all.filter((i) => objs[i]!.kind === 'Namespace' && objs[i]!.apiVersion === 'v1');
  const crds = all.filter((i) => isCrd(objs[i]!));
  await applyIndexes(namespaces);
  await applyIndexes(crds);
  for (const i of crds) await waitForCrd(api, objs[i]!, timeoutMs);

  const rest = all.filter((i) => !namespaces.includes(i) && !crds.includes(i));
  const scope = new Map<number, boolean>();
  for (const i of rest) {
    const o = objs[i]!;
    const namespaced = await waitFor(`${o.apiVersion} ${o.kind} to be served`, crds.length ? timeoutMs : 5_000, () =>
      api.isNamespaced(o.apiVersion!, o.kind!),
    ).catch((e: Error) => {
      throw new Error(`cannot apply ${describeObject(o)}: the server does not serve this kind (${e.message})`);
    });
    scope.set(i, namespaced);
  }
  await applyIndexes(rest.filter((i) => !scope.get(i)));
  await applyIndexes(rest.filter((i) => scope.get(i)));
  return results;
}

// ---------------------------------------------------------------------------------------------
// Manifests on disk

/**
 * Loads every *.yaml / *.yml file under dir (recursively, sorted by path; multi-document;
 * kustomization.yaml skipped; `kind: *List` documents flattened into their items).
 */
export async function readManifestsDir(dir: string): Promise<KubernetesObject[]> {
  const files: string[] = [];
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (/\.ya?ml$/i.test(entry.name) && !/^kustomization\.ya?ml$/i.test(entry.name)) files.push(p);
    }
  };
  await walk(dir);
  files.sort();
  const out: KubernetesObject[] = [];
  for (const file of files) {
    const docs = parseAllDocuments(await readFile(file, 'utf8'));
    for (const doc of docs) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const value = doc.toJSON() as unknown;
      if (value === null || value === undefined) continue;
      if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${file}: a document is not an object`);
      const obj = value as KubernetesObject & { items?: unknown[] };
      if (obj.kind?.endsWith('List') && Array.isArray(obj.items)) out.push(...(obj.items as KubernetesObject[]));
      else out.push(obj);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sealed Secrets CRD, straight from the upstream module (never committed here)

/**
 * Path of the SealedSecret CRD inside the github.com/bitnami-labs/sealed-secrets Go module
 * (downloaded into the Go module cache by `go mod download` if needed).
 */
export async function sealedSecretCrdPath(version = SEALED_SECRETS_VERSION): Promise<string> {
  const mod = `github.com/bitnami-labs/sealed-secrets@${version}`;
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('go', ['mod', 'download', '-json', mod], {
      cwd: os.tmpdir(),
      env: { ...process.env, GOWORK: 'off', GOFLAGS: '-mod=mod' },
      maxBuffer: 1 << 20,
    }));
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`go mod download ${mod} failed: ${err.stdout || err.stderr || err.message}`);
  }
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${mod}: ${info.Error ?? 'no Dir'}`);
  const candidates = [
    path.join(info.Dir, 'helm', 'sealed-secrets', 'crds', 'bitnami.com_sealedsecrets.yaml'),
    path.join(info.Dir, 'schema-v1alpha1.yaml'),
  ];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`no SealedSecret CRD found in ${info.Dir} (looked at ${candidates.join(', ')})`);
}

/** Installs the SealedSecret CRD (bitnami.com/v1alpha1) and waits until it is served. */
export async function installSealedSecretCrd(
  kc: KubeConfig,
  opts: { version?: string; fieldManager?: string } = {},
): Promise<ApplyResult> {
  const file = await sealedSecretCrdPath(opts.version);
  const docs = parseAllDocuments(await readFile(file, 'utf8'))
    .map((d) => d.toJSON() as KubernetesObject | null)
    .filter((d): d is KubernetesObject => d?.kind === 'CustomResourceDefinition');
  if (docs.length !== 1) throw new Error(`${file}: expected one CustomResourceDefinition, found ${docs.length}`);
  const [result] = await serverSideApply(kc, docs, opts.fieldManager ?? 'mcpo-test');
  return result!;
}

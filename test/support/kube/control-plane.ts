/**
 * The control plane: etcd and kube-apiserver started together on free loopback ports, with the
 * certificates, token file, kubeconfig, logs and etcd's data in one temp dir (`dataDir`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { ensureKubeBinaries } from './binaries.js';
import { makePki } from './pki.js';
import { freePorts, httpGet, type Proc, sleep, startProcess, startWatchdog, stopProcess, tail } from './process.js';

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

  const writePids = () => writeFile(pidFile, [etcd, apiserver].flatMap((p) => (p?.child.pid ? [String(p.child.pid)] : [])).join(' ') + '\n');

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
        `${what}${extra ? `: ${extra}` : ''}\n--- etcd log (tail) ---\n${tail(etcdLog)}\n` + `--- kube-apiserver log (tail) ---\n${tail(apiserverLog)}`,
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
      let last: string;
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

/**
 * The container as deploy/ runs it, on this machine without a container
 * engine: the image's final stage is assembled from the Dockerfile's COPY
 * lines into a temp root (node_modules installed as the build stage prunes
 * them: production dependencies only), and the entrypoint runs with the
 * Dockerfile's ENV, the Deployment's args, envFrom ConfigMap and env (from
 * the real `kustomize build deploy/`), the volumes as directories at the
 * mapped paths, the Secret's files as the kubelet writes them (..data
 * symlinks, root:fsGroup 0440) and — as root — in a private mount namespace
 * with the root filesystem read-only, as the Dockerfile's USER with a passwd
 * entry as the image makes it. Only the paths differ (container path P is
 * <root>P) and the ports (0: free ones, since other tests run alongside).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/build.js';
import { goTool } from '../tools/tools.js';

export interface FinalStage {
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  workdir: string;
  user: { uid: number; gid: number };
  copies: { from: string | undefined; sources: string[]; dest: string }[];
}

/** The last stage of a Dockerfile: the instructions the tests rely on (continuation lines joined). */
export function finalStage(dockerfile: string): FinalStage {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const from = lines.map((l, i) => (/^FROM\s/i.test(l) ? i : -1)).filter((i) => i >= 0);
  const stage: FinalStage = { entrypoint: [], cmd: [], env: {}, workdir: '/', user: { uid: 0, gid: 0 }, copies: [] };
  for (const line of lines.slice(from[from.length - 1]! + 1)) {
    const [, op, rest] = /^(\w+)\s+(.*)$/.exec(line)!;
    switch (op!.toUpperCase()) {
      case 'ENV':
        for (const m of rest!.matchAll(/(\w+)=("[^"]*"|\S+)/g)) stage.env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
        break;
      case 'WORKDIR':
        stage.workdir = rest!;
        break;
      case 'USER': {
        const [uid, gid] = rest!.split(':').map(Number);
        stage.user = { uid: uid!, gid: gid ?? uid! };
        break;
      }
      case 'ENTRYPOINT':
        stage.entrypoint = JSON.parse(rest!) as string[];
        break;
      case 'CMD':
        stage.cmd = JSON.parse(rest!) as string[];
        break;
      case 'COPY': {
        const words = rest!.split(/\s+/);
        const fromFlag = words.find((w) => w.startsWith('--from='));
        const paths = words.filter((w) => !w.startsWith('--'));
        stage.copies.push({ from: fromFlag?.slice('--from='.length), sources: paths.slice(0, -1), dest: paths[paths.length - 1]! });
        break;
      }
    }
  }
  return stage;
}

export interface DeploySpec {
  args: string[];
  /** envFrom ConfigMap data, then env (value only). */
  env: Record<string, string>;
  mounts: { name: string; mountPath: string; readOnly: boolean }[];
  volumes: Record<string, { emptyDir?: object; secret?: { secretName: string; defaultMode?: number } }>;
  fsGroup: number | undefined;
  runAsUser: number | undefined;
}

/** The mcpo container of the Deployment `kustomize build deploy/` renders, with its ConfigMap's data. */
export function deploySpec(objects: Record<string, any>[]): DeploySpec {
  const deployment = objects.find((o) => o.kind === 'Deployment')!;
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === from.configMapRef.name)!;
    Object.assign(env, cm.data);
  }
  for (const e of container.env ?? []) env[e.name] = e.value;
  return {
    args: container.args,
    env,
    mounts: container.volumeMounts.map((m: any) => ({ name: m.name, mountPath: m.mountPath, readOnly: Boolean(m.readOnly) })),
    volumes: Object.fromEntries(pod.volumes.map((v: any) => [v.name, v])),
    fsGroup: pod.securityContext?.fsGroup,
    runAsUser: pod.securityContext?.runAsUser,
  };
}

/** `kustomize build deploy/` with the pinned kustomize, parsed. */
export function kustomizeBuild(dir = join(REPO_ROOT, 'deploy')): { text: string; objects: Record<string, any>[] } {
  const text = execFileSync(goTool('kustomize'), ['build', dir], { encoding: 'utf8' });
  return { text, objects: parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>) };
}

/** The image's /app (and the rest of the final stage's COPYs) under `root`. */
export function assembleImage(root: string, stage: FinalStage): void {
  const workdir = join(root, stage.workdir);
  mkdirSync(workdir, { recursive: true });
  for (const copy of stage.copies) {
    const dest = copy.dest.startsWith('/') ? join(root, copy.dest) : join(workdir, copy.dest);
    for (const source of copy.sources) {
      // The build stage's /src is this checkout: its build/ is what `npx tsc` makes there (the globalSetup ran it).
      const rel = copy.from ? source.replace(/^\/src\/?/, '') : source;
      const target = copy.sources.length > 1 || copy.dest.endsWith('/') ? join(dest, rel.split('/').pop()!) : dest;
      if (copy.from && rel === 'node_modules') {
        // `npm prune --omit=dev` of the build stage: production dependencies, installed from the lock file.
        execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: workdir, stdio: 'ignore' });
        continue;
      }
      mkdirSync(join(target, '..'), { recursive: true });
      cpSync(join(REPO_ROOT, rel), target, { recursive: true, filter: (src) => !src.includes(`${join(REPO_ROOT, 'build', 'bridge')}`) });
    }
  }
}

export interface ContainerRoot {
  root: string;
  stage: FinalStage;
  spec: DeploySpec;
  /** Container path → path on this machine. */
  host(path: string): string;
  dispose(): void;
}

/** Builds the image's files once; each launch gets fresh volumes. */
export function containerRoot(): ContainerRoot {
  const root = mkdtempSync(join(tmpdir(), 'mcpo-image-'));
  chmodSync(root, 0o755);
  const stage = finalStage(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
  assembleImage(root, stage);
  const spec = deploySpec(kustomizeBuild().objects);
  return { root, stage, spec, host: (p) => join(root, p), dispose: () => rmSync(root, { recursive: true, force: true, maxRetries: 10 }) };
}

export interface Running {
  child: ChildProcess;
  port: number;
  httpPort: number;
  logs: () => Record<string, unknown>[];
  stderr: () => string;
  /** Container path → path on this machine for this run's volumes. */
  volume: (containerPath: string) => string;
  stop: () => Promise<void>;
}

const isRoot = process.getuid?.() === 0;

/**
 * Runs the container's entrypoint: `configMap` overrides the ConfigMap's data
 * (as an overlay does), `secret` is the content of the mcpo-git Secret
 * (key → file), none: the Secret is absent (optional).
 */
export async function runContainer(image: ContainerRoot, configMap: Record<string, string>, secret?: Record<string, string>): Promise<Running> {
  const { stage, spec } = image;
  const volumes = mkdtempSync(join(image.root, 'volumes-'));
  chmodSync(volumes, 0o755);
  // Container paths of the mounts → directories here (under the image root, so the mapping is one prefix).
  const mountDirs: Record<string, string> = {};
  for (const m of spec.mounts) {
    const dir = join(volumes, m.mountPath);
    mkdirSync(dir, { recursive: true });
    mountDirs[m.mountPath] = dir;
    const volume = spec.volumes[m.name]!;
    if (volume.emptyDir) {
      // An emptyDir: writable by the pod (the kubelet makes it 0777).
      chmodSync(dir, 0o777);
    } else if (volume.secret && secret) {
      // As the kubelet's atomic writer lays a Secret out: files in a timestamped dir, ..data → it, key → ..data/key.
      const ts = join(dir, '..2026_01_01_00_00_00.000000000');
      mkdirSync(ts);
      for (const [key, value] of Object.entries(secret)) {
        writeFileSync(join(ts, key), value);
        chmodSync(join(ts, key), volume.secret.defaultMode ?? 0o644);
        if (isRoot && spec.fsGroup !== undefined) chownSync(join(ts, key), 0, spec.fsGroup);
        symlinkSync(join('..data', key), join(dir, key));
      }
      symlinkSync('..2026_01_01_00_00_00.000000000', join(dir, '..data'));
    }
  }
  const mapPath = (value: string): string => {
    for (const p of [...Object.keys(mountDirs), stage.workdir].sort((a, b) => b.length - a.length)) {
      if (value === p || value.startsWith(`${p}/`)) return (mountDirs[p] ?? image.host(p)) + value.slice(p.length);
    }
    return value;
  };
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const [k, v] of Object.entries({ ...stage.env, ...spec.env, ...configMap })) env[k] = mapPath(v);
  // The entrypoint: tini (PID 1 in the container, only forwards signals and reaps) is left out here.
  let argv = [...stage.entrypoint, ...(spec.args ?? stage.cmd)];
  if (argv[0]?.endsWith('/tini')) argv = argv.slice(argv.indexOf('--') + 1);
  argv = argv.map(mapPath);
  if (argv[0] === 'node') argv[0] = process.execPath;
  argv.push('--port', '0', '--http-port', '0');

  let command: string;
  let args: string[];
  if (isRoot) {
    const uid = spec.runAsUser ?? stage.user.uid;
    const gid = stage.user.gid;
    const passwd = join(volumes, 'passwd');
    const group = join(volumes, 'group');
    // The image's passwd and group entries (Dockerfile: useradd mcpo).
    writeFileSync(passwd, `${readFileSync('/etc/passwd', 'utf8')}mcpo:x:${uid}:${gid}::${stage.env.HOME ?? '/'}:/usr/sbin/nologin\n`);
    writeFileSync(group, `${readFileSync('/etc/group', 'utf8')}mcpo:x:${gid}:\n`);
    const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const writable = Object.entries(mountDirs)
      .filter(([p]) => spec.volumes[spec.mounts.find((m) => m.mountPath === p)!.name]!.emptyDir)
      .map(([, d]) => d);
    const script = [
      `mount --bind ${q(passwd)} /etc/passwd`,
      `mount --bind ${q(group)} /etc/group`,
      ...writable.map((d) => `mount --bind ${q(d)} ${q(d)}`),
      // The root filesystem read-only; the emptyDirs above stay writable.
      'mount -o remount,bind,ro /',
      `cd ${q(image.host(stage.workdir))}`,
      `exec setpriv --reuid=${uid} --regid=${gid} --groups=${spec.fsGroup ?? gid} -- ${argv.map(q).join(' ')}`,
    ].join(' && ');
    command = 'unshare';
    args = ['--mount', '--propagation', 'private', 'sh', '-c', script];
  } else {
    [command, ...args] = argv as [string, ...string[]];
  }
  const child = spawn(command, args, { env, cwd: image.host(stage.workdir), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const logs = (): Record<string, unknown>[] =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the container did not start:\n${stderr}`)), 30_000);
    child.stderr!.on('data', () => {
      const l = logs().find((x) => x.msg === 'listening');
      if (l) {
        clearTimeout(timer);
        resolve(l);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the container exited (${code}):\n${stderr}`));
    });
  });
  return {
    child,
    port: listening.port as number,
    httpPort: listening.httpPort as number,
    logs,
    stderr: () => stderr,
    volume: mapPath,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

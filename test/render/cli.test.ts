import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/build.js';
import { TestRepo } from '../support/git-repo.js';
import { mcpo } from '../support/mcpo.js';

/** The file under resources/ that declares the seed template (wherever the repository keeps it). */
function findDeclaration(root: string, name: string): string {
  const walk = (rel: string): string[] =>
    readdirSync(join(root, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${rel}/${e.name}`) : [`${rel}/${e.name}`]));
  const found = walk('resources').filter(
    (p) => /^kind: McpTemplate$/m.test(readFileSync(join(root, p), 'utf8')) && readFileSync(join(root, p), 'utf8').includes(`name: ${name}\n`),
  );
  if (found.length !== 1) throw new Error(`expected one declaration of ${name}, found ${found.join(', ')}`);
  return found[0]!;
}
const TEMPLATE_FILE = findDeclaration(REPO_ROOT, 'my-memory-server');
const DEPLOYMENT = 'namespaces/default/deployment-my-memory-server.yaml';

const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanup.splice(0)) c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-synth-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of this repository's resources/ (the seed declarations) in a temp folder. */
function copyOfResources(): string {
  const dir = tempDir();
  cpSync(join(REPO_ROOT, 'resources'), join(dir, 'resources'), { recursive: true });
  return dir;
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(dir, prefix ? `${prefix}/${e.name}` : e.name) : [prefix ? `${prefix}/${e.name}` : e.name]))
    .sort();
}

describe('mcpo synth', () => {
  it('finds the committed dist/ of this repository up to date', () => {
    const { code, stdout, stderr } = mcpo(['synth', '--check']);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^dist is up to date \(\d+ files\)\n$/);
    expect(code).toBe(0);
  });

  it('writes dist/, and --check tells (exit 1) when a declaration changed since', () => {
    const dir = copyOfResources();
    const first = mcpo(['synth', '--repo', dir]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(listFiles(join(dir, 'dist'))).toEqual(listFiles(join(REPO_ROOT, 'dist')));
    for (const f of listFiles(join(dir, 'dist'))) expect(readFileSync(join(dir, 'dist', f), 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'dist', f), 'utf8'));

    const file = join(dir, TEMPLATE_FILE);
    writeFileSync(file, `${readFileSync(file, 'utf8')}replicas: 2\n`);
    const stale = mcpo(['synth', '--repo', dir, '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`  changed: ${DEPLOYMENT}\n`);

    expect(mcpo(['synth', '--repo', dir]).code).toBe(0);
    expect(parse(readFileSync(join(dir, 'dist', DEPLOYMENT), 'utf8')).spec.replicas).toBe(2);
    expect(mcpo(['synth', '--repo', dir, '--check']).code).toBe(0);
  });

  it('renders nothing and exits 1 when a declaration is invalid', () => {
    const dir = copyOfResources();
    const file = join(dir, TEMPLATE_FILE);
    writeFileSync(file, readFileSync(file, 'utf8').replace('resource_limit_name: n1-standard-nano', 'resource_limit_name: nope'));
    const { code, stderr } = mcpo(['synth', '--repo', dir]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${TEMPLATE_FILE}:`);
    expect(stderr).toContain('nothing rendered');
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('renders the init container from bridge.image in mcpo.yaml; a bad one is refused naming the field, nothing rendered', () => {
    const dir = copyOfResources();
    const mirror = 'registry.example.com/mirror/mcpo-bridge:0.1.0';
    writeFileSync(join(dir, 'mcpo.yaml'), `bridge:\n  image: ${mirror}\n`);
    expect(mcpo(['synth', '--repo', dir]).code).toBe(0);
    const pod = parse(readFileSync(join(dir, 'dist', DEPLOYMENT), 'utf8')).spec.template.spec;
    expect(pod.initContainers.map((c: { image: string }) => c.image)).toEqual([mirror]);
    expect(pod.containers[0].image).toBe('node:24-alpine3.21');

    rmSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'mcpo.yaml'), 'bridge:\n  image: Registry.example.com/Mirror/mcpo-bridge\n');
    const bad = mcpo(['synth', '--repo', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('mcpo.yaml: bridge.image: "Registry.example.com/Mirror/mcpo-bridge" is not an image reference: the path component "Mirror"');
    expect(existsSync(join(dir, 'dist'))).toBe(false);

    writeFileSync(join(dir, 'mcpo.yaml'), 'brigde:\n  image: x\n');
    const typo = mcpo(['synth', '--repo', dir]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('mcpo.yaml: "brigde": unknown section (known: sealing, bridge, gitops) (did you mean "bridge"?)');
  });

  it('refuses an output folder that holds the repository (exit 2)', () => {
    const dir = copyOfResources();
    const { code, stderr } = mcpo(['synth', '--repo', dir, '--out', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain('contains the repository');
  });

  it('is what `cdk8s synth` runs: the app of cdk8s.yaml writes the same files into $CDK8S_OUTDIR', () => {
    const config = parse(readFileSync(join(REPO_ROOT, 'cdk8s.yaml'), 'utf8')) as { language: string; app: string; output: string; validations?: unknown };
    expect(config.language).toBe('typescript');
    expect(config.output).toBe('dist');
    expect(config.validations).toBeUndefined();
    // The app compiles src/ first, then runs mcpo synth. The compile step already ran (globalSetup);
    // running tsc again here would rewrite build/ under the feet of tests running in parallel.
    const [compile, run] = config.app.split(' && ');
    expect(compile).toBe('node node_modules/typescript/bin/tsc -p tsconfig.json');
    const out = join(tempDir(), 'out');
    execFileSync('/bin/sh', ['-c', run!], { cwd: REPO_ROOT, env: { ...process.env, CDK8S_OUTDIR: out }, stdio: 'pipe' });
    expect(listFiles(out)).toEqual(listFiles(join(REPO_ROOT, 'dist')));
    for (const f of listFiles(out)) expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'dist', f), 'utf8'));
  });
});

describe('mcpo diff (in a real git repository)', () => {
  let repo: TestRepo;
  let base: string;
  let head: string;
  let template: string;
  beforeAll(async () => {
    repo = await TestRepo.create();
    cleanup.push(() => repo.dispose());
    cpSync(join(REPO_ROOT, 'resources'), join(repo.dir, 'resources'), { recursive: true });
    base = await repo.commit('seed declarations');
    template = readFileSync(join(repo.dir, TEMPLATE_FILE), 'utf8');
    repo.write(TEMPLATE_FILE, template.replace('node:24-alpine3.21', 'node:24-alpine3.22'));
    head = await repo.commit('newer base image');
  });

  it('prints the changed field as a unified diff of the object and exits 1', () => {
    const { code, stdout, stderr } = mcpo(['diff', base, head, '--repo', repo.dir]);
    expect(code).toBe(1);
    expect(stdout).toContain(`--- a/${DEPLOYMENT}\t${base} (${base.slice(0, 12)})\n+++ b/${DEPLOYMENT}\t${head} (${head.slice(0, 12)})\n`);
    expect(stdout).toContain('\n-          image: node:24-alpine3.21\n+          image: node:24-alpine3.22\n');
    expect(stdout.match(/^--- /gm)).toHaveLength(1);
    expect(stderr).toContain('1 file differs');
  });

  it('exits 0 with no output for equal revisions', () => {
    const same = mcpo(['diff', head, 'HEAD', '--repo', repo.dir]);
    expect(same.code).toBe(0);
    expect(same.stdout).toBe('');
    expect(mcpo(['diff', 'HEAD', '--repo', repo.dir]).code).toBe(0);
  });

  it('compares with the working tree when HEAD is omitted, without a checkout', () => {
    repo.write(TEMPLATE_FILE, `${template}replicas: 3\n`);
    const { code, stdout } = mcpo(['diff', base, '--repo', repo.dir]);
    repo.git('checkout', '--', TEMPLATE_FILE);
    expect(code).toBe(1);
    expect(stdout).toContain('working tree');
    expect(stdout).toContain('\n-  replicas: 1\n+  replicas: 3\n');
    expect(stdout).not.toContain('alpine3.22');
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
  });

  it('shows a removed object against /dev/null', () => {
    const secretFile =
      'resources/' +
      repo
        .git('ls-files', 'resources')
        .split('\n')
        .find((p) => p.includes('db-credentials'))!
        .slice('resources/'.length);
    repo.remove(secretFile);
    const { code, stdout } = mcpo(['diff', head, '--repo', repo.dir]);
    repo.git('checkout', '--', secretFile);
    expect(code).toBe(1);
    expect(stdout).toContain('--- a/namespaces/default/sealedsecret-db-credentials.yaml');
    expect(stdout).toContain('+++ /dev/null');
    expect(stdout).toContain('-  - sealedsecret-db-credentials.yaml\n');
  });

  it('says clearly when a revision is not a commit (exit 2)', () => {
    const { code, stdout, stderr } = mcpo(['diff', 'no-such-branch', '--repo', repo.dir]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('no-such-branch');
  });

  it('says clearly when the declarations at a revision are invalid (exit 2)', async () => {
    repo.write(TEMPLATE_FILE, template.replace('image:', 'imagee:'));
    const broken = await repo.commit('typo');
    const { code, stderr } = mcpo(['diff', head, broken, '--repo', repo.dir]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${TEMPLATE_FILE}:${template.split('\n').findIndex((l) => l.startsWith('image:')) + 1}:1`);
    expect(stderr).toContain(`the declarations at ${broken} (${broken.slice(0, 12)}) are invalid`);
  });

  it('is a usage error without BASE (exit 2)', () => {
    expect(mcpo(['diff', '--repo', repo.dir]).code).toBe(2);
  });

  it("renders each side with its own commit's mcpo.yaml: a new bridge.image shows in the Deployment", async () => {
    repo.write(TEMPLATE_FILE, template.replace('node:24-alpine3.21', 'node:24-alpine3.22'));
    repo.write('mcpo.yaml', 'bridge:\n  image: registry.example.com/mirror/mcpo-bridge:0.1.0\n');
    const mirrored = await repo.commit('mirror the bridge image');
    const { code, stdout } = mcpo(['diff', head, mirrored, '--repo', repo.dir]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      '\n-          image: ghcr.io/mcp-orchestrator/mcpo-bridge:0.1.0\n+          image: registry.example.com/mirror/mcpo-bridge:0.1.0\n',
    );
    expect(stdout.match(/^--- /gm)).toHaveLength(1);
    // The working tree's mcpo.yaml does not leak into the side read from a commit.
    repo.write('mcpo.yaml', 'bridge:\n  image: elsewhere.example.com/mcpo-bridge:9\n');
    const again = mcpo(['diff', head, mirrored, '--repo', repo.dir]);
    expect(again.stdout).toBe(stdout);
    repo.write('mcpo.yaml', 'bridge: [\n');
    const broken = mcpo(['diff', mirrored, '--repo', repo.dir]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('mcpo.yaml: not valid YAML');
  });
});

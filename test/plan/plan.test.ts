/**
 * mcpo plan in real git repositories (base and head commits), through the
 * CLI process a pull-request check runs.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/build.js';
import { TestRepo } from '../support/git-repo.js';
import { mcpo } from '../support/mcpo.js';

const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanup.splice(0)) c();
});

async function newRepo(): Promise<TestRepo> {
  const repo = await TestRepo.create({ prefix: 'mcpo-plan-' });
  cleanup.push(() => repo.dispose());
  return repo;
}

/** Sealed-shape values nothing can decrypt (bench/fixtures: sealed with a key whose private half was deleted). */
const SEALED: string[] = JSON.parse(readFileSync(join(REPO_ROOT, 'bench/fixtures/sealed-values.json'), 'utf8')).values;

const namespace = (name: string) => `kind: Namespace\nname: ${name}\n`;
const preset = (name: string, cpu: string, memory = '256Mi') =>
  `kind: ResourceLimit\nname: ${name}\nlimits:\n  cpu: ${cpu}\n  memory: ${memory}\n  cpu_limit: 1\n  memory_limit: 1Gi\n`;
function template(name: string, o: { ns?: string; preset?: string; image?: string; replicas?: number; secret?: [string, string] } = {}): string {
  return [
    'kind: McpTemplate',
    `name: ${name}`,
    `namespace: ${o.ns ?? 'team-a'}`,
    `image: ${o.image ?? 'node:24-alpine3.21'}`,
    'command: [npx]',
    'args: ["-y", "@modelcontextprotocol/server-memory"]',
    `resource_limit_name: ${o.preset ?? 'small'}`,
    ...(o.replicas === undefined ? [] : [`replicas: ${o.replicas}`]),
    ...(o.secret ? ['env_vars:', '  - name: TOKEN', '    secret_key_ref:', `      name: ${o.secret[0]}`, `      key: ${o.secret[1]}`] : []),
    '',
  ].join('\n');
}
const secret = (name: string, data: Record<string, string>, ns = 'team-a') =>
  [`kind: Secret`, `name: ${name}`, `namespace: ${ns}`, 'sealed:', '  encrypted_data:', ...Object.entries(data).map(([k, v]) => `    ${k}: ${v}`), ''].join(
    '\n',
  );

interface Json {
  base: { ref: string; sha: string };
  head: { ref: string | null; sha: string | null };
  declarations: Record<'added' | 'changed' | 'removed', { kind: string; namespace?: string; name: string; file: string }[]>;
  objects: Record<'created' | 'updated' | 'deleted', { kind: string; namespace?: string; name: string; path: string }[]>;
  rollouts: { namespace: string; name: string; causes: { kind: string; name?: string }[] }[];
  totals: {
    namespace: string;
    before: { pods: number; requests: Record<string, { total: string }> };
    after: { pods: number; requests: Record<string, { total: string }> };
  }[];
  secrets: { namespace: string; name: string; added: string[]; removed: string[]; changed: string[] }[];
  warnings: { code: string; message: string }[];
}

function planJson(args: string[]): Json {
  const r = mcpo(['plan', ...args, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Json;
}

describe('mcpo plan: a preset change used by 3 templates', () => {
  let repo: TestRepo;
  let base: string;
  let head: string;
  beforeAll(async () => {
    repo = await newRepo();
    repo.writeAll({
      'resources/namespaces/team-a.yaml': namespace('team-a'),
      'resources/namespaces/team-b.yaml': namespace('team-b'),
      'resources/presets/small.yaml': preset('small', '100m'),
      'resources/presets/large.yaml': preset('large', '500m'),
      'resources/templates/a1.yaml': template('a1'),
      'resources/templates/a2.yaml': template('a2', { replicas: 2 }),
      'resources/templates/b1.yaml': template('b1', { ns: 'team-b' }),
      'resources/templates/b2.yaml': template('b2', { ns: 'team-b', preset: 'large' }),
    });
    base = await repo.commit('base');
    repo.write('resources/presets/small.yaml', preset('small', '250m', '512Mi'));
    head = await repo.commit('a bigger small preset');
  });

  it('plans the 3 templates using it as rolling, names the cause, and gives the new totals per namespace', () => {
    const plan = planJson([base, head, '--repo', repo.dir]);
    expect(plan.base).toEqual({ ref: base, sha: base });
    expect(plan.head).toEqual({ ref: head, sha: head });
    expect(plan.declarations.changed).toEqual([{ kind: 'ResourceLimit', name: 'small', file: 'resources/presets/small.yaml' }]);
    expect(plan.rollouts.map((r) => `${r.namespace}/${r.name}`)).toEqual(['team-a/a1', 'team-a/a2', 'team-b/b1']);
    for (const r of plan.rollouts) expect(r.causes).toEqual([{ kind: 'preset', name: 'small' }]);
    expect(plan.objects.updated.map((o) => o.path)).toEqual([
      'namespaces/team-a/deployment-a1.yaml',
      'namespaces/team-a/deployment-a2.yaml',
      'namespaces/team-b/deployment-b1.yaml',
    ]);
    expect(plan.objects.created).toEqual([]);
    expect(plan.objects.deleted).toEqual([]);
    const totals = Object.fromEntries(plan.totals.map((t) => [t.namespace, [t.before.requests, t.after.requests]]));
    // team-a: a1 + 2 × a2; team-b: b1 on small + b2 on large (unchanged).
    expect(totals['team-a']![0]!.cpu!.total).toBe('300m');
    expect(totals['team-a']![1]!.cpu!.total).toBe('750m');
    expect(totals['team-a']![0]!.memory!.total).toBe('768Mi');
    expect(totals['team-a']![1]!.memory!.total).toBe('1536Mi');
    expect(totals['team-b']![0]!.cpu!.total).toBe('600m');
    expect(totals['team-b']![1]!.cpu!.total).toBe('750m');
    expect(plan.warnings).toEqual([{ code: 'preset-wide', message: 'ResourceLimit small changes 3 templates that use it' }]);
  });

  it('says the same in text and markdown', () => {
    const text = mcpo(['plan', base, head, '--repo', repo.dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Rollouts: 3 templates whose pods roll');
    expect(text.stdout).toContain('team-a/a2: ResourceLimit small changed');
    expect(text.stdout).toMatch(/requests\.cpu +300m → 750m/);
    const md = mcpo(['plan', base, head, '--repo', repo.dir, '--format', 'markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout.split('\n')[0]).toBe('<!-- mcpo-plan -->');
    expect(md.stdout).toContain('| Pods that roll | 3 templates |');
    expect(md.stdout).toContain('| team\\-a | requests.cpu | 300m | 750m |');
    expect(md.stdout).toContain('```diff\n');
  });

  it('exits 0 with an empty plan when nothing changes', () => {
    const r = mcpo(['plan', head, head, '--repo', repo.dir, '--format', 'json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as Json;
    expect(plan.objects).toEqual({ created: [], updated: [], deleted: [] });
    expect(mcpo(['plan', head, '--repo', repo.dir]).stdout).toContain('no change');
  });

  it('writes the plan to --output atomically, nothing on stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-plan-out-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'plan.md');
    const r = mcpo(['plan', base, head, '--repo', repo.dir, '--format', 'markdown', '--output', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(mcpo(['plan', base, head, '--repo', repo.dir, '--format', 'markdown']).stdout);
    expect(readdirSync(dir)).toEqual(['plan.md']);
  });
});

describe('mcpo plan: a removed template', () => {
  it('plans the deletion of its Deployment and Service, with a warning', async () => {
    const repo = await newRepo();
    repo.writeAll({
      'resources/namespaces/team-a.yaml': namespace('team-a'),
      'resources/presets/small.yaml': preset('small', '100m'),
      'resources/templates/keep.yaml': template('keep'),
      'resources/templates/gone.yaml': template('gone'),
    });
    const base = await repo.commit('base');
    repo.remove('resources/templates/gone.yaml');
    const head = await repo.commit('remove gone');
    const plan = planJson([base, head, '--repo', repo.dir]);
    expect(plan.declarations.removed).toEqual([{ kind: 'McpTemplate', namespace: 'team-a', name: 'gone', file: 'resources/templates/gone.yaml' }]);
    expect(plan.objects.deleted).toEqual([
      { kind: 'Deployment', namespace: 'team-a', name: 'gone', path: 'namespaces/team-a/deployment-gone.yaml', change: 'removed' },
      { kind: 'Service', namespace: 'team-a', name: 'gone', path: 'namespaces/team-a/service-gone.yaml', change: 'removed' },
    ]);
    expect(plan.rollouts).toEqual([]);
    expect(plan.warnings.map((w) => w.code)).toEqual(['template-removed']);
    expect(plan.warnings[0]!.message).toContain('team-a/gone');
    expect(plan.warnings[0]!.message).toContain('Deployment and Service are deleted');
    const md = mcpo(['plan', base, head, '--repo', repo.dir, '--format', 'markdown']).stdout;
    expect(md).toContain(':warning: McpTemplate team\\-a/gone is removed');
    expect(md).toContain('deleted Deployment team\\-a/gone');
    expect(md).toContain('deleted Service team\\-a/gone');
  });
});

describe('mcpo plan: a secret patch', () => {
  it('names the keys that change and prints no value or ciphertext, in every format', async () => {
    const repo = await newRepo();
    const [oldPassword, newPassword, token] = [SEALED[0]!, SEALED[1]!, SEALED[2]!];
    repo.writeAll({
      'resources/namespaces/team-a.yaml': namespace('team-a'),
      'resources/presets/small.yaml': preset('small', '100m'),
      'resources/templates/reader.yaml': template('reader', { secret: ['db', 'password'] }),
      'resources/templates/other.yaml': template('other'),
      'resources/secrets/db.yaml': secret('db', { password: oldPassword, user: SEALED[3]! }),
    });
    const base = await repo.commit('base');
    repo.write('resources/secrets/db.yaml', secret('db', { password: newPassword, token }));
    const head = await repo.commit('reseal the password, add a token, drop the user');
    const plan = planJson([base, head, '--repo', repo.dir]);
    expect(plan.secrets).toEqual([
      { namespace: 'team-a', name: 'db', file: 'resources/secrets/db.yaml', change: 'changed', added: ['token'], removed: ['user'], changed: ['password'] },
    ]);
    expect(plan.rollouts).toEqual([
      { namespace: 'team-a', name: 'reader', file: 'resources/templates/reader.yaml', causes: [{ kind: 'secret', namespace: 'team-a', name: 'db' }] },
    ]);
    for (const format of ['text', 'json', 'markdown']) {
      const r = mcpo(['plan', base, head, '--repo', repo.dir, '--format', format]);
      expect(r.code, format).toBe(0);
      expect(r.stdout, format).toMatch(/password/);
      for (const value of [oldPassword, newPassword, token, SEALED[3]!]) {
        // Any long piece of a ciphertext, not only the whole of it.
        for (const piece of [value, value.slice(0, 40), value.slice(100, 140), value.slice(-40)]) {
          expect(r.stdout.includes(piece), `${format} stdout`).toBe(false);
          expect(r.stderr.includes(piece), `${format} stderr`).toBe(false);
        }
      }
    }
  });
});

describe('mcpo plan: 500 templates changed', () => {
  it('stays one comment under 65,536 bytes and says how much of the diff it left out', async () => {
    const repo = await newRepo();
    const files: Record<string, string> = { 'resources/namespaces/team-a.yaml': namespace('team-a'), 'resources/presets/small.yaml': preset('small', '100m') };
    for (let i = 0; i < 500; i++) files[`resources/templates/t-${i}.yaml`] = template(`server-${String(i).padStart(3, '0')}`);
    repo.writeAll(files);
    const base = await repo.commit('500 templates');
    for (let i = 0; i < 500; i++)
      files[`resources/templates/t-${i}.yaml`] = template(`server-${String(i).padStart(3, '0')}`, { image: 'node:latest', replicas: i % 100 === 0 ? 0 : 1 });
    repo.writeAll(files);
    const head = await repo.commit('every server on node:latest');
    const r = mcpo(['plan', base, head, '--repo', repo.dir, '--format', 'markdown']);
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(65_536);
    expect(Buffer.byteLength(r.stdout)).toBeGreaterThan(50_000);
    expect(r.stdout.startsWith('<!-- mcpo-plan -->\n')).toBe(true);
    expect(r.stdout).toContain('| Objects in dist/ | 0 created, 500 updated, 0 deleted');
    expect(r.stdout).toMatch(
      /The diff is cut to fit one comment: \d+ of 500 files shown, \d+ bytes left out\. See all of it with `mcpo diff [0-9a-f]{40} [0-9a-f]{40}`/,
    );
    expect(r.stdout).toContain(`mcpo diff ${base} ${head}`);
    // Code fences are balanced: the cut never leaves a block open.
    expect((r.stdout.match(/^```/gm) ?? []).length % 2).toBe(0);
    const json = planJson([base, head, '--repo', repo.dir]);
    expect(json.warnings.filter((w) => w.code === 'image-unpinned')).toHaveLength(500);
    expect(json.warnings.filter((w) => w.code === 'replicas-zero')).toHaveLength(5);
  });
});

describe('mcpo plan: exit codes', () => {
  let repo: TestRepo;
  let base: string;
  let broken: string;
  beforeAll(async () => {
    repo = await newRepo();
    repo.writeAll({
      'resources/namespaces/team-a.yaml': namespace('team-a'),
      'resources/presets/small.yaml': preset('small', '100m'),
      'resources/templates/a.yaml': template('a'),
    });
    base = await repo.commit('base');
    repo.write('resources/templates/a.yaml', template('a').replace('image:', 'imagee:'));
    broken = await repo.commit('typo');
  });

  it('1 when the head is invalid: diagnostics on stderr, and the markdown comment lists them', () => {
    const text = mcpo(['plan', base, broken, '--repo', repo.dir]);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    expect(text.stderr).toContain('resources/templates/a.yaml:');
    expect(text.stderr).toContain(`the declarations at ${broken} (${broken.slice(0, 12)}) are invalid`);
    const md = mcpo(['plan', base, broken, '--repo', repo.dir, '--format', 'markdown']);
    expect(md.code).toBe(1);
    expect(md.stdout.startsWith('<!-- mcpo-plan -->\n')).toBe(true);
    expect(md.stdout).toContain('invalid');
    expect(md.stdout).toContain('resources/templates/a\\.yaml');
    const json = mcpo(['plan', base, broken, '--repo', repo.dir, '--format', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).valid).toBe(false);
  });

  it('2 for a revision that is not a commit, a missing BASE or an unknown format', () => {
    const missing = mcpo(['plan', 'no-such-branch', '--repo', repo.dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no-such-branch');
    expect(mcpo(['plan', '--repo', repo.dir]).code).toBe(2);
    expect(mcpo(['plan', base, '--repo', repo.dir, '--format', 'yaml']).code).toBe(2);
    expect(mcpo(['plan', base, '--repo', join(repo.dir, 'nowhere')]).code).toBe(2);
  });

  it('0 against the working tree', () => {
    const r = mcpo(['plan', base, '--repo', repo.dir, '--format', 'json']);
    // The working tree holds the broken commit's files: invalid, 1.
    expect(r.code).toBe(1);
    repo.write('resources/templates/a.yaml', template('a', { replicas: 3 }));
    const ok = mcpo(['plan', base, '--repo', repo.dir, '--format', 'json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).head).toEqual({ ref: null, sha: null });
  });
});

/**
 * The check cache (src/model/check-cache.ts): a model built with checks read
 * from the cache is the model built without it, with the same diagnostics at
 * the same file:line:col, over random change sets that make files valid,
 * invalid, reported by rules, non-plain YAML, moved and removed; a damaged or
 * foreign cache counts as empty; a file with anything to report is never
 * kept (so a plaintext value pasted into a Secret never reaches the cache);
 * and the CLI keeps it in $MCPO_CACHE_DIR, private, unless --no-cache (and
 * synth its input-hash memo beside it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/core/diagnostic.js';
import { BuildCache, buildModel } from '../../src/model/build.js';
import { CheckCache, MAX_CACHED_REPOS, checkerKey, repoCheckCache } from '../../src/model/check-cache.js';
import { readCommitFiles } from '../../src/source/commit.js';
import type { InputFile } from '../../src/source/files.js';
import { NAMESPACE, PRESET, TEMPLATE, sealedSecretYaml, tempRepo } from '../declarations/fixtures.js';
import { gitOnPath, reposPerTest } from '../support/git-repo.js';
import { prng, type Rng } from '../support/random.js';
import { tempFolders } from '../support/temp.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MCPO = join(ROOT, 'bin', 'mcpo.js');

const temp = tempFolders('mcpo-check-cache-');
const tempDir = temp.make;
const newRepo = reposPerTest();

/** Everything a user sees of a build: each diagnostic as printed and in full, and the model. */
function observed(files: readonly InputFile[], cache?: BuildCache) {
  const { model, diagnostics } = buildModel({ files }, cache);
  const maps = (_: string, v: unknown) => (v instanceof Map ? [...v] : v);
  return { lines: diagnostics.map(formatDiagnostic), diagnostics: JSON.stringify(diagnostics), model: JSON.stringify(model, maps) };
}

const template = (name: string, r: Rng, extra = '') =>
  TEMPLATE.replace('name: my-memory-server', `name: ${name}`).replace(
    'node:24-alpine3.21',
    r.pick(['node:24-alpine3.21', 'python:3.13-slim', 'ghcr.io/acme/x:1.0']),
  ) + extra;

/** One change to the repository, of the kinds that decide whether a file's check may be kept. */
function change(r: Rng, files: Map<string, string>, i: number): void {
  const templates = [...files.keys()].filter((p) => p.startsWith('resources/templates/'));
  const some = templates.length > 0 ? r.pick(templates) : undefined;
  switch (r.int(12)) {
    case 0: // a new valid template
      files.set(`resources/templates/t${i}.yaml`, template(`t${i}`, r));
      break;
    case 1: // a valid edit
      if (some) files.set(some, files.get(some)!.replace(/^image: .*$/m, `image: node:${r.int(30)}-alpine`));
      break;
    case 2: // a shape error (unknown field), somewhere in the file
      if (some) files.set(some, `${files.get(some)!}replicaz: 2\n`);
      break;
    case 3: // a rule error in this file (a preset that is not declared)
      if (some) files.set(some, files.get(some)!.replace(/^resource_limit_name: .*$/m, `resource_limit_name: missing-${r.int(3)}`));
      break;
    case 4: // the preset itself breaks or comes back: every template reports, in files whose checks were kept
      // or its cpu limit drops below a kept template's request (case 10)
      files.set(
        'resources/preset.yaml',
        r.pick([PRESET.replace('name: n1-standard-nano', 'name: n1-other'), PRESET.replace('cpu_limit: 200m', 'cpu_limit: 120m'), PRESET]),
      );
      break;
    case 5: // a duplicate of another template's name (a rule reporting in two files)
      if (some) files.set(`resources/templates/dup${i}.yaml`, files.get(some)!);
      break;
    case 6: // YAML outside the plain subset (anchors, flow, a block scalar): read exactly, valid
      if (some)
        files.set(
          some,
          files
            .get(some)!
            .replace(/^labels:\n {2}app: mcp-server/m, 'labels:\n  app: &a mcp-server\n  copy: *a')
            .replace(/^env_vars:/m, 'description: |\n  two\n  lines\nenv_vars:'),
        );
      break;
    case 7: // moved: the same bytes at another path
      if (some) {
        const text = files.get(some)!;
        files.delete(some);
        files.set(some.replace('.yaml', `-m${i}.yaml`), text);
      }
      break;
    case 8: // removed
      if (some) files.delete(some);
      break;
    case 9: // a template reads a secret's key, which may not be declared (a rule reporting in the template's kept file)
      if (some)
        files.set(
          some,
          files
            .get(some)!
            .replace(
              /^env_vars:\n( {2}- name: TOKEN\n.*\n.*\n.*\n)?/m,
              `env_vars:\n  - name: TOKEN\n    secret_key_ref:\n      name: s${r.int(6)}\n      key: ${r.pick(['token', 'other'])}\n`,
            ),
        );
      break;
    case 10: // a request against the preset's limit (200m): within it or over it
      if (some) files.set(some, `${files.get(some)!.replace(/^resources:\n.*\n/m, '')}resources:\n  cpu: ${r.pick(['50m', '150m', '300m'])}\n`);
      break;
    default: {
      // A Secret, sealed or with a pasted plaintext value (named after its file, so templates can read it: case 9)
      const k = r.int(4);
      files.set(
        `resources/secrets/s${k}.yaml`,
        r.chance(0.5) ? sealedSecretYaml(`s${k}`, 'token', i) : sealedSecretYaml(`s${k}`, 'token').replace(/token: .*/, 'token: hunter2-plaintext'),
      );
    }
  }
}

const inputs = (files: Map<string, string>): InputFile[] => [...files].map(([path, text]) => ({ path, content: Buffer.from(text) }));

describe('the check cache', () => {
  it('gives the same model and diagnostics as no cache, over random change sets', () => {
    const path = join(tempDir(), 'checks.cache');
    const r = prng(20261202);
    const files = new Map<string, string>([
      ['resources/namespace.yaml', NAMESPACE],
      ['resources/preset.yaml', PRESET],
      ...Array.from({ length: 8 }, (_, i) => [`resources/templates/t${i}.yaml`, template(`t${i}`, r)] as [string, string]),
    ]);
    let reused = 0;
    let reported = 0;
    for (let step = 0; step < 120; step++) {
      for (let n = 1 + r.int(3); n > 0; n--) change(r, files, step * 10 + n);
      const stored = CheckCache.open(path);
      reused += inputs(files).filter((f) => stored.lookup(f.path, CheckCache.digest(f.content))).length;
      const cached = observed(inputs(files), new BuildCache(stored));
      stored.save();
      expect(cached, `step ${step}`).toEqual(observed(inputs(files)));
      if (cached.lines.length > 0) reported++;
    }
    // Not vacuous: most checks came from the cache, and many steps had something to report.
    expect(reused).toBeGreaterThan(500);
    expect(reported).toBeGreaterThan(20);
  });

  // Each rule that reads other declarations, reporting in a file whose check was kept (its own rules are then skipped: rules.ts).
  it.each([
    ['its namespace is removed', (f: Map<string, string>) => f.delete('resources/namespace.yaml')],
    ['its preset is renamed', (f: Map<string, string>) => f.set('resources/preset.yaml', PRESET.replace('name: n1-standard-nano', 'name: n1-other'))],
    [
      "its preset's cpu limit drops below its request",
      (f: Map<string, string>) => f.set('resources/preset.yaml', PRESET.replace('cpu_limit: 200m', 'cpu_limit: 120m')),
    ],
    ['the secret it reads is removed', (f: Map<string, string>) => f.delete('resources/secret.yaml')],
    ['the key it reads is removed', (f: Map<string, string>) => f.set('resources/secret.yaml', sealedSecretYaml('db', 'other'))],
    ['a second template takes its name', (f: Map<string, string>) => f.set('resources/a-copy.yaml', f.get('resources/template.yaml')!)],
  ])('reports in a kept template when %s, as without the cache', (_, change) => {
    const path = join(tempDir(), 'checks.cache');
    const reads = TEMPLATE.replace(/^env_vars:\n/m, 'env_vars:\n  - name: TOKEN\n    secret_key_ref:\n      name: db\n      key: token\n');
    const files = new Map([
      ['resources/namespace.yaml', NAMESPACE],
      ['resources/preset.yaml', PRESET],
      ['resources/secret.yaml', sealedSecretYaml('db', 'token')],
      ['resources/template.yaml', `${reads}resources:\n  cpu: 150m\n`],
    ]);
    const first = CheckCache.open(path);
    expect(observed(inputs(files), new BuildCache(first)).lines).toEqual([]);
    first.save();
    change(files);
    const stored = CheckCache.open(path);
    expect(stored.lookup('resources/template.yaml', CheckCache.digest(Buffer.from(files.get('resources/template.yaml')!)))).toBeDefined();
    const cached = observed(inputs(files), new BuildCache(stored));
    expect(cached.lines.some((l) => l.startsWith('resources/template.yaml:'))).toBe(true);
    expect(cached).toEqual(observed(inputs(files)));
  });

  it('keeps only files with nothing to report, and never a plaintext value pasted into a Secret', () => {
    const path = join(tempDir(), 'checks.cache');
    const files = new Map([
      ['resources/namespace.yaml', NAMESPACE],
      ['resources/preset.yaml', PRESET],
      ['resources/template.yaml', TEMPLATE],
      ['resources/bad-ref.yaml', TEMPLATE.replace('my-memory-server', 'other').replace('resource_limit_name: n1-standard-nano', 'resource_limit_name: nope')],
      ['resources/secret.yaml', sealedSecretYaml('db', 'password').replace(/password: .*/, 'password: correct-horse-battery-staple')],
      ['resources/shape.yaml', `${NAMESPACE.replace('default', 'other')}colour: blue\n`],
    ]);
    const cache = new BuildCache(CheckCache.open(path));
    const result = observed(inputs(files), cache);
    expect(result.lines.length).toBeGreaterThanOrEqual(3);
    cache.stored!.save();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('correct-horse-battery-staple');
    const again = CheckCache.open(path);
    const kept = inputs(files)
      .filter((f) => again.lookup(f.path, CheckCache.digest(f.content)))
      .map((f) => f.path)
      .sort();
    expect(kept).toEqual(['resources/namespace.yaml', 'resources/preset.yaml', 'resources/template.yaml']);
    // The same bytes under another name, or other bytes under the same name, are not looked up.
    expect(again.lookup('resources/elsewhere.yaml', CheckCache.digest(Buffer.from(TEMPLATE)))).toBeUndefined();
    expect(again.lookup('resources/template.yaml', CheckCache.digest(Buffer.from(`${TEMPLATE}\n`)))).toBeUndefined();
  });

  it('counts a damaged, foreign or truncated cache as empty, and builds the same model', () => {
    const dir = tempDir();
    const path = join(dir, 'checks.cache');
    const files = inputs(
      new Map([
        ['resources/namespace.yaml', NAMESPACE],
        ['resources/preset.yaml', PRESET],
        ['resources/template.yaml', TEMPLATE],
      ]),
    );
    const want = observed(files);
    const fresh = new BuildCache(CheckCache.open(path));
    observed(files, fresh);
    fresh.stored!.save();
    const good = readFileSync(path);
    const r = prng(7);
    const damaged: Buffer[] = [
      Buffer.from('not a cache\n'),
      Buffer.from(good.toString('utf8').replace(checkerKey(), '0'.repeat(32))),
      good.subarray(0, Math.floor(good.length / 2)),
      Buffer.from(good.toString('utf8').replace(/\t\[\[.*$/m, '\t[["McpTemplate","x",{"line":1},"not a value"]]')),
      Buffer.from(good.toString('utf8').replace(/\t\[\[.*$/m, '\t{"kind":1}')),
      Buffer.from(Array.from({ length: 4096 }, () => r.int(256))),
    ];
    for (const bytes of damaged) {
      writeFileSync(path, bytes);
      const cache = new BuildCache(CheckCache.open(path));
      expect(observed(files, cache)).toEqual(want);
      cache.stored!.save();
    }
    // After the last build the cache is whole again and used.
    const healed = CheckCache.open(path);
    expect(files.every((f) => healed.lookup(f.path, CheckCache.digest(f.content)))).toBe(true);
  });

  it('keeps the caches of at most MAX_CACHED_REPOS repositories, the most recently written', () => {
    const cacheDir = tempDir();
    const repos = Array.from({ length: MAX_CACHED_REPOS + 3 }, () => tempRepo({ 'resources/namespace.yaml': NAMESPACE }));
    temp.adopt(...repos);
    let at = Date.now() / 1000 - 10_000;
    for (const repo of repos) {
      const cache = new BuildCache(repoCheckCache(repo, cacheDir));
      buildModel({ files: inputs(new Map([['resources/namespace.yaml', NAMESPACE]])) }, cache);
      cache.stored!.save();
      // Written one after another (mtimes a second apart, whatever the file system's resolution).
      utimesSync(cache.stored!.path, (at += 1), at);
    }
    const left = readdirSync(join(cacheDir, 'checks'));
    expect(left).toHaveLength(MAX_CACHED_REPOS);
    expect(left).not.toContain(repoCheckCache(repos[0]!, cacheDir).path.split('/').at(-1));
    expect(left).toContain(repoCheckCache(repos.at(-1)!, cacheDir).path.split('/').at(-1));
  });
});

describe('a commit read with the check cache (mcpo plan and diff)', () => {
  it('lists the files whose blob it kept unread, reads from git only the others, and reads a listed one when asked', async () => {
    const files = {
      'resources/namespace.yaml': NAMESPACE,
      'resources/preset.yaml': PRESET,
      'resources/templates/a.yaml': TEMPLATE,
      'resources/templates/b.yaml': TEMPLATE.replace('my-memory-server', 'second'),
    };
    const repo = await newRepo();
    repo.writeAll(files);
    await repo.commit('base');
    // Kept from the working tree (as `mcpo validate` keeps them), before b.yaml changes in a commit.
    const path = join(tempDir(), 'checks.cache');
    const first = CheckCache.open(path);
    expect(observed(inputs(new Map(Object.entries(files))), new BuildCache(first)).lines).toEqual([]);
    first.save();
    repo.write('resources/templates/b.yaml', files['resources/templates/b.yaml'].replace('node:24-alpine3.21', 'python:3.13-slim'));
    await repo.commit('b changes');

    // A git first on PATH that logs the blobs `cat-file` is asked for (batched on stdin, or one as its last argument).
    const shim = tempDir();
    const log = join(shim, 'blobs.log');
    const offPath = gitOnPath(
      shim,
      `case " $* " in *" cat-file --batch "*) tee -a '${log}' | "$GIT" "$@"; exit $? ;; *" cat-file blob "*) for last; do :; done; echo "$last" >> '${log}' ;; esac`,
    );
    const asked = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
    const blobOf = (file: string) => repo.git('rev-parse', `HEAD:${file}`);
    try {
      const cache = new BuildCache(CheckCache.open(path));
      const read = await readCommitFiles(repo.dir, 'HEAD', { known: cache.knownBlob });
      expect(read.problems).toEqual([]);
      expect(asked()).toEqual([blobOf('resources/templates/b.yaml')]);
      const byPath = new Map(read.files.map((f) => [f.path, f]));
      expect([...byPath.keys()].filter((p) => byPath.get(p)!.digest !== undefined).sort()).toEqual([
        'resources/namespace.yaml',
        'resources/preset.yaml',
        'resources/templates/a.yaml',
      ]);
      // The model is the one of a read without the cache (which reads the 4 blobs), and building it read no listed file.
      const plain = await readCommitFiles(repo.dir, 'HEAD');
      const afterPlain = asked();
      expect(afterPlain.length).toBe(5);
      expect(observed(read.files, cache)).toEqual(observed(plain.files));
      expect(asked()).toEqual(afterPlain);
      // A listed file's bytes, when asked for, are the commit's, read from git then.
      const a = byPath.get('resources/templates/a.yaml')!;
      expect(a.content.toString()).toBe(TEMPLATE);
      expect(asked()).toEqual([...afterPlain, blobOf('resources/templates/a.yaml')]);
      expect(a.blob).toBe(blobOf('resources/templates/a.yaml'));
    } finally {
      offPath();
    }
  });
});

describe('mcpo validate and synth with the check cache', () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [MCPO, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

  it('keep it private in $MCPO_CACHE_DIR, print the same with and without it, and write none with --no-cache', () => {
    const repo = tempRepo({
      'resources/namespace.yaml': NAMESPACE,
      'resources/preset.yaml': PRESET,
      'resources/templates/a.yaml': TEMPLATE,
      'resources/templates/b.yaml': TEMPLATE.replace('my-memory-server', 'second'),
    });
    temp.adopt(repo);
    const cacheDir = tempDir();
    const env = { MCPO_CACHE_DIR: cacheDir };
    const first = run(['validate', '--repo', repo], env);
    expect(first.status, first.stderr).toBe(0);
    const [file] = readdirSync(join(cacheDir, 'checks'));
    expect(file).toMatch(/\.cache$/);
    expect(statSync(join(cacheDir, 'checks')).mode & 0o777).toBe(0o700);
    expect(statSync(join(cacheDir, 'checks', file!)).mode & 0o777).toBe(0o600);
    expect(run(['validate', '--repo', repo], env).stdout).toBe(first.stdout);

    // A rule now reports in a file whose check was kept: the same file:line:col as a run without the cache.
    writeFileSync(join(repo, 'resources/preset.yaml'), PRESET.replace('n1-standard-nano', 'renamed'));
    const cached = run(['validate', '--repo', repo], env);
    const uncached = run(['validate', '--repo', repo, '--no-cache'], env);
    expect(cached.status).toBe(1);
    expect(cached.stdout + cached.stderr).toBe(uncached.stdout + uncached.stderr);
    expect(cached.stdout + cached.stderr).toContain('resources/templates/a.yaml:7:22: ');

    // plan and diff read both revisions' checks from the cache: the same output as without it.
    const git = (...args: string[]) => spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'base');
    writeFileSync(join(repo, 'resources/preset.yaml'), PRESET);
    writeFileSync(join(repo, 'resources/templates/b.yaml'), TEMPLATE.replace('my-memory-server', 'second').replace('node:24-alpine3.21', 'node:24-alpine3.22'));
    /** `mcpo <command> HEAD` with and without the cache: the same output and exit status (returned with the output). */
    const same = (command: 'plan' | 'diff') => {
      const withCache = run([command, 'HEAD', '--repo', repo], env);
      const without = run([command, 'HEAD', '--repo', repo, '--no-cache'], env);
      expect(withCache.stdout + withCache.stderr).toBe(without.stdout + without.stderr);
      expect(withCache.status).toBe(without.status);
      return withCache;
    };
    // The base is invalid (the preset was renamed): plan exits 1, diff 2.
    expect(same('plan').status).toBe(1);
    expect(same('diff').status).toBe(2);
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'fixed');
    writeFileSync(join(repo, 'resources/templates/a.yaml'), TEMPLATE.replace('node:24-alpine3.21', 'python:3.13-slim'));
    const planned = same('plan');
    expect(planned.status, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('default/my-memory-server');
    const diffed = same('diff');
    expect(diffed.status, diffed.stderr).toBe(1);
    expect(diffed.stdout).toContain('image: python:3.13-slim');

    // synth keeps its input-hash memo beside the checks, as private; --no-cache writes neither.
    const synthed = run(['synth', '--repo', repo, '--out', join(tempDir(), 'dist')], env);
    expect(synthed.status, synthed.stderr).toBe(0);
    const [memo] = readdirSync(join(cacheDir, 'inputs'));
    expect(memo).toBe(file);
    expect(statSync(join(cacheDir, 'inputs')).mode & 0o777).toBe(0o700);
    expect(statSync(join(cacheDir, 'inputs', memo!)).mode & 0o777).toBe(0o600);
    const none = tempDir();
    const synth = run(['synth', '--repo', repo, '--no-cache', '--out', join(tempDir(), 'dist')], { MCPO_CACHE_DIR: none });
    expect(synth.status, synth.stderr).toBe(0);
    expect(existsSync(join(none, 'checks'))).toBe(false);
    expect(existsSync(join(none, 'inputs'))).toBe(false);
  });
});

/**
 * `mcpo synth` from the last clean synth's state (src/render/synth-state.ts),
 * as a user runs it (the real CLI): over random change sets on a generated
 * repository, the output folder, the exit code and everything printed are
 * what the whole build gives (a second output folder synthesized with
 * --no-cache, which neither reads nor writes a state); small edits are made
 * from the state (it is then left as it was), and everything else (files
 * added or removed, a preset's limits, an error) by the whole build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/build.js';
import { mcpoAsync } from '../support/mcpo.js';
import { prng, type Rng } from '../support/random.js';
import { tempFolders } from '../support/temp.js';

const temp = tempFolders('mcpo-synth-state-');
const tempDir = temp.make;

// Asynchronous: a minute of spawnSync in a row would starve vitest's worker RPC ("Timeout calling onTaskUpdate").
const synth = (args: string[], env: Record<string, string>) => mcpoAsync(['synth', ...args], { env });

function files(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(dir, prefix ? `${prefix}/${e.name}` : e.name) : [prefix ? `${prefix}/${e.name}` : e.name]))
    .sort();
}

function tree(dir: string): Record<string, string> {
  return Object.fromEntries(files(dir).map((p) => [p, readFileSync(join(dir, p), 'utf8')]));
}

const under = (repo: string, folder: string) => files(join(repo, 'resources', folder)).map((p) => join(repo, 'resources', folder, p));

/** One change a user (or a hand in dist/) makes; what it is named is printed with a failure. */
function change(r: Rng, repo: string, out: string, step: number): string {
  const templates = under(repo, 'templates');
  const some = r.pick(templates);
  const edit = (file: string, from: RegExp, to: string) => writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
  switch (r.int(11)) {
    case 0:
      edit(some, /^image: (.*)$/m, `image: ghcr.io/acme/mcp-edited:${step}.0.0`);
      return 'a template image';
    case 1:
      edit(some, /^( {2}- name: SETTING_1\n {4}value: ).*$/m, `$1v${step}`);
      return 'a template value';
    case 2:
      edit(some, /^( {6}key: ).*$/m, `$1${r.pick(['token', 'username', 'password', 'api-key', 'no-such-key'])}`);
      return 'the key a template reads (maybe one the secret lacks: an error)';
    case 3: {
      const secret = r.pick(under(repo, 'secrets'));
      const text = readFileSync(secret, 'utf8');
      const values = [...text.matchAll(/^ {4}[\w-]+: (\S+)$/gm)].map((m) => m[1]!);
      // Another sealed value of the same file for its first key: the same keys, other bytes.
      writeFileSync(secret, text.replace(/^( {4}[\w-]+: )\S+$/m, `$1${values.at(-1)}`));
      return 'a sealed value';
    }
    case 4:
      edit(r.pick(under(repo, 'resource-limits')), /^description: .*$/m, `description: edited ${step}`);
      return "a preset's description";
    case 5:
      edit(r.pick(under(repo, 'resource-limits')), /^( {2}cpu_limit: ).*$/m, `$1${r.pick(['2', '3', '4'])}`);
      return "a preset's cpu limit";
    case 6: {
      const copy = some.replace(/\.yaml$/, `-copy${step}.yaml`);
      writeFileSync(copy, readFileSync(some, 'utf8').replace(/^name: (.*)$/m, `name: $1-copy${step}`));
      return 'a template added';
    }
    case 7:
      if (templates.length > 20) unlinkSync(some);
      return 'a template removed';
    case 8: {
      const objects = files(out).filter((p) => !p.endsWith('kustomization.yaml'));
      const object = join(out, r.pick(objects));
      if (r.chance(0.5)) unlinkSync(object);
      else writeFileSync(object, readFileSync(object, 'utf8').replace(/$/, '\n# edited by hand'));
      return 'a file of dist/ edited or removed by hand';
    }
    case 9:
      edit(some, /^image: (.*)$/m, 'image: not a valid image reference');
      return 'an invalid image (an error)';
    default:
      edit(r.pick(under(repo, 'namespaces')), /^display_name: .*$/m, `display_name: Team ${step}`);
      return "a namespace's display name";
  }
}

describe('mcpo synth from the last clean synth', () => {
  it('writes, prints and exits as the whole build does, over random change sets, and is used for small edits', { timeout: 600_000 }, async () => {
    const repo = join(tempDir(), 'repo');
    execFileSync(process.execPath, [join(REPO_ROOT, 'bench/generate.mjs'), '--dir', repo, '--templates', '40', '--commits', '2'], { stdio: 'pipe' });
    const cacheDir = tempDir();
    const env = { MCPO_CACHE_DIR: cacheDir };
    const out = join(tempDir(), 'dist');
    const whole = join(tempDir(), 'dist');
    expect((await synth(['--repo', repo, '--out', out], env)).code).toBe(0);
    const stateDir = join(cacheDir, 'synth');
    const state = () => (existsSync(stateDir) ? readdirSync(stateDir).map((n) => readFileSync(join(stateDir, n), 'utf8')) : []);
    expect(state()).toHaveLength(1);

    const r = prng(20261202);
    let fromState = 0;
    let errors = 0;
    const snapshot = () =>
      new Map(['templates', 'secrets', 'resource-limits', 'namespaces'].flatMap((f) => under(repo, f)).map((file) => [file, readFileSync(file, 'utf8')]));
    let lastGood = snapshot();
    for (let step = 0; step < 36; step++) {
      const what = change(r, repo, out, step);
      const before = state();
      const got = await synth(['--repo', repo, '--out', out], env);
      const want = await synth(['--repo', repo, '--out', whole, '--no-cache'], env);
      const named = `step ${step}: ${what}`;
      expect({ code: got.code, stderr: got.stderr }, named).toEqual({ code: want.code, stderr: want.stderr });
      if (want.code !== 0) {
        errors++;
        // An error leaves the repository as it was before the change, for the next step.
        for (const [file, text] of lastGood) writeFileSync(file, text);
        expect((await synth(['--repo', repo, '--out', out], env)).code, named).toBe(0);
        expect((await synth(['--repo', repo, '--out', whole, '--no-cache'], env)).code, named).toBe(0);
        continue;
      }
      expect(tree(out), named).toEqual(tree(whole));
      if (JSON.stringify(state()) === JSON.stringify(before)) fromState++;
      lastGood = snapshot();
    }
    // Not vacuous: many steps were made from the state, and some were errors reported as the whole build reports them.
    expect(fromState).toBeGreaterThan(8);
    expect(errors).toBeGreaterThan(2);
  });
});

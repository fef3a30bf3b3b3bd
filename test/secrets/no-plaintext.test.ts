/**
 * No plaintext secret value anywhere: sentinel values are sealed with the CLI,
 * then every command runs (validate, synth, diff, create, delete, secret
 * update with each strategy) and `mcpo serve` answers secret calls with debug
 * logs on; the sentinels (and their base64) are then searched for in the
 * repository's files and history, dist/, every stdout/stderr and every gRPC
 * response. The real kubeseal proves the sentinels are really in the sealed
 * data, so the search could find them if they leaked.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadWorkingTree } from '../support/load.js';
import { sealedSecretManifest } from '../../src/render/sealed-secret.js';
import { REPO_ROOT } from '../support/build.js';
import { TestRepo } from '../support/git-repo.js';
import { mcpo, startMcpoServe } from '../support/mcpo.js';
import { clientPython, PyClient, SETUP_TIMEOUT_MS } from '../serve/_support.js';
import { goTool, INSTALL_TIMEOUT_MS } from '../tools/tools.js';

const SENTINELS = [
  'SENTINEL-literal-7f3a9c',
  'SENTINEL-file-b41e07',
  'SENTINEL-patch-5d2c88',
  'SENTINEL-merge-e9a113',
  'SENTINEL-replace-0c6f42',
  'SENTINEL-api-91bb3e',
];
const FORMS = SENTINELS.flatMap((s) => [s, Buffer.from(s).toString('base64'), Buffer.from(s).toString('base64url')]);

let keys: string;
let repo: TestRepo;
const outputs: string[] = [];

function run(args: string[], expectedCode = 0): void {
  const r = mcpo([...args, '--repo', repo.dir]);
  outputs.push(r.stdout + r.stderr);
  if (r.code !== expectedCode) throw new Error(`mcpo ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map((p) => join(dir, String(p)))
    .filter((p) => statSync(p).isFile());
}

function leaks(text: string): string[] {
  return FORMS.filter((f) => text.includes(f));
}

beforeAll(
  async () => {
    clientPython();
    keys = mkdtempSync(join(tmpdir(), 'mcpo-keys-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', '/CN=sealed-secret', '-keyout', 'key.pem', '-out', 'cert.pem'],
      { cwd: keys, stdio: 'ignore' },
    );
    writeFileSync(join(keys, 'value.txt'), SENTINELS[1]!);
    repo = await TestRepo.create();
    cpSync(join(REPO_ROOT, 'resources'), join(repo.dir, 'resources'), { recursive: true });
    cpSync(join(keys, 'cert.pem'), join(repo.dir, 'sealing-cert.pem'));
    repo.write('mcpo.yaml', 'sealing:\n  certificate: sealing-cert.pem\n');
    await repo.commit('seed');
  },
  Math.max(SETUP_TIMEOUT_MS, INSTALL_TIMEOUT_MS),
);

afterAll(() => repo?.dispose());

describe('no plaintext secret value anywhere', () => {
  it('every command, synth, diff and serve, with debug logs', async () => {
    run(['secret', 'create', 'api', '-n', 'default', '--from-literal', `token=${SENTINELS[0]}`, '--from-file', `cert=${join(keys, 'value.txt')}`]);
    run(['secret', 'update', 'api', '-n', 'default', '--strategy', 'patch', '--from-literal', `extra=${SENTINELS[2]}`]);
    run([
      'secret',
      'update',
      'api',
      '-n',
      'default',
      '--strategy',
      'merge',
      '--from-literal',
      `merged=${SENTINELS[3]}`,
      '--from-literal',
      `token=${SENTINELS[3]}`,
    ]);
    run(['secret', 'create', 'gone', '-n', 'default', '--from-literal', `k=${SENTINELS[4]}`]);
    run(['secret', 'update', 'gone', '-n', 'default', '--strategy', 'replace', '--from-literal', `k2=${SENTINELS[4]}`]);
    writeFileSync(
      join(keys, 'template.yaml'),
      'kind: McpTemplate\nname: uses-secret\nnamespace: default\nimage: node:24\ncommand: [npx]\nresource_limit_name: n1-standard-nano\nenv_vars:\n  - name: TOKEN\n    secret_key_ref: {name: api, key: token}\n',
    );
    run(['create', '-f', join(keys, 'template.yaml')]);
    run(['validate']);
    run(['validate', '--format', 'json']);
    await repo.commit('secrets');
    run(['synth']);
    run(['diff', 'HEAD~1', 'HEAD'], 1);
    for (const format of ['text', 'markdown', 'json']) run(['plan', 'HEAD~1', 'HEAD', '--format', format]);
    for (const format of ['github', 'sarif', 'rdjson']) run(['validate', '--format', format]);
    run(['delete', 'secret', 'gone', '-n', 'default', '--dry-run']);
    await repo.commit('dist');

    const served = await startMcpoServe(['--repo', repo.dir, '--log-level', 'debug']);
    const client = new PyClient(`127.0.0.1:${served.port}`);
    try {
      const b64 = Buffer.from(SENTINELS[5]!).toString('base64');
      const calls = [
        ['ListSecrets', {}],
        ['GetSecret', { name: 'api', namespace: 'default' }],
        ['GetSecret', { name: 'gone', namespace: 'default' }],
        ['CreateSecret', { name: 'x', namespace: 'default', data: { k: b64 } }],
        ['UpdateSecret', { name: 'api', namespace: 'default', data: { token: b64 }, strategy: 'SECRET_UPDATE_STRATEGY_PATCH' }],
        ['GetMcpTemplate', { name: 'uses-secret', namespace: 'default' }],
      ] as const;
      for (const [method, request] of calls) outputs.push(JSON.stringify(await client.call(method, request)));
      const get = JSON.parse(outputs[outputs.length - 5]!);
      expect(get.response.secret.keys).toEqual(['cert', 'extra', 'merged', 'token']);
    } finally {
      client.close();
      await served.kill();
    }
    outputs.push(served.stderr());
    expect(served.logs().some((l) => l.level === 'debug')).toBe(true);

    // The sealed data really holds the sentinels: the real controller code opens them.
    const { model } = await loadWorkingTree(repo.dir);
    const unsealed = spawnSync(goTool('kubeseal'), ['--recovery-unseal', '--recovery-private-key', join(keys, 'key.pem'), '-o', 'json'], {
      input: stringify(sealedSecretManifest(model!.secrets.get('default/api')!)),
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: join(keys, 'none') },
    });
    const opened = Object.values((JSON.parse(unsealed.stdout) as { data: Record<string, string> }).data).map((v) => Buffer.from(v, 'base64').toString());
    expect(opened.sort()).toEqual([SENTINELS[1], SENTINELS[2], SENTINELS[3], SENTINELS[0]].sort());

    // And they are nowhere else.
    const history = execFileSync('git', ['-C', repo.dir, 'log', '--all', '-p', '--binary'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const found: string[] = [];
    for (const file of filesUnder(repo.dir).filter((f) => !f.includes(`${join(repo.dir, '.git')}/`)))
      for (const leak of leaks(readFileSync(file, 'latin1'))) found.push(`${file}: ${leak}`);
    for (const leak of leaks(history)) found.push(`git history: ${leak}`);
    outputs.forEach((o, i) => leaks(o).forEach((leak) => found.push(`output #${i}: ${leak}`)));
    expect(found).toEqual([]);
    expect(filesUnder(join(repo.dir, 'dist')).length).toBeGreaterThan(5);
  }, 120_000);
});

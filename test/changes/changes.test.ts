/**
 * The change commands, run as a user runs them (bin/mcpo.js on a real
 * directory), with sealed values checked by the real kubeseal
 * (`--recovery-unseal` with the private key of a key pair made here).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadWorkingTree } from '../support/load.js';
import { sealedSecretManifest } from '../../src/render/sealed-secret.js';
import { REPO_ROOT } from '../support/build.js';
import { mcpo } from '../support/mcpo.js';
import { goTool, INSTALL_TIMEOUT_MS } from '../tools/tools.js';

let keys: string;
let kubeseal: string;

beforeAll(() => {
  keys = mkdtempSync(join(tmpdir(), 'mcpo-keys-'));
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', '/CN=sealed-secret', '-keyout', 'key.pem', '-out', 'cert.pem'],
    { cwd: keys },
  );
  if (r.status !== 0) throw new Error(String(r.stderr));
  kubeseal = goTool('kubeseal');
}, INSTALL_TIMEOUT_MS);

const made: string[] = [];
afterAll(() => {
  for (const d of [keys, ...made]) if (d) rmSync(d, { recursive: true, force: true });
});

function repoCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-change-'));
  made.push(dir);
  cpSync(join(REPO_ROOT, 'resources'), join(dir, 'resources'), { recursive: true });
  // This repo's own secret is sealed for a certificate whose private key is gone: replace it with one we can open.
  cpSync(join(keys, 'cert.pem'), join(dir, 'cert.pem'));
  writeFileSync(join(dir, 'mcpo.yaml'), 'sealing:\n  certificate: cert.pem\n');
  return dir;
}

/** What the cluster's controller would decrypt, through the real kubeseal. */
async function unsealed(dir: string, namespace: string, name: string): Promise<Record<string, string>> {
  const { model, diagnostics } = await loadWorkingTree(dir);
  expect(diagnostics).toEqual([]);
  const secret = model!.secrets.get(`${namespace}/${name}`)!;
  const r = spawnSync(kubeseal, ['--recovery-unseal', '--recovery-private-key', join(keys, 'key.pem'), '-o', 'json'], {
    input: stringify(sealedSecretManifest(secret)),
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: join(keys, 'none') },
  });
  expect(r.stderr).toBe('');
  const data = (JSON.parse(r.stdout) as { data: Record<string, string> }).data;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
}

describe('mcpo secret create / update', () => {
  it('creates a sealed declaration that only the controller can open', async () => {
    const dir = repoCopy();
    const r = mcpo(['secret', 'create', 'api-token', '-n', 'default', '--from-literal', 'token=s3cr3t-token', '--from-literal', 'user=bot', '--repo', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('created Secret "default/api-token" in resources/secrets/default/api-token.yaml: sealed token, user\n');
    const file = readFileSync(join(dir, 'resources/secrets/default/api-token.yaml'), 'utf8');
    expect(file).not.toContain('s3cr3t-token');
    expect(file).toMatch(
      /^kind: Secret\nname: api-token\nnamespace: default\ntype: SECRET_TYPE_OPAQUE\nsealed:\n {2}scope: SEALING_SCOPE_STRICT\n {2}encrypted_data:\n {4}token: \S+\n {4}user: \S+\n$/m,
    );
    expect(await unsealed(dir, 'default', 'api-token')).toEqual({ token: 's3cr3t-token', user: 'bot' });
  });

  it('checks the keys a secret type requires, and writes nothing when they are missing', () => {
    const dir = repoCopy();
    const r = mcpo(['secret', 'create', 'login', '-n', 'default', '--type', 'basic-auth', '--from-literal', 'username=admin', '--repo', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sealed.encrypted_data: a SECRET_TYPE_BASIC_AUTH secret needs the key "password"');
    expect(r.stderr).not.toContain('admin');
    expect(existsSync(join(dir, 'resources/secrets/default/login.yaml'))).toBe(false);
  });

  it('refuses to create a secret twice, and needs a namespace that exists', () => {
    const dir = repoCopy();
    mcpo(['secret', 'create', 'a', '-n', 'default', '--from-literal', 'k=v', '--repo', dir]);
    expect(mcpo(['secret', 'create', 'a', '-n', 'default', '--from-literal', 'k=v', '--repo', dir]).stderr).toContain(
      'Secret "default/a" already exists (use `mcpo secret update`)',
    );
    const r = mcpo(['secret', 'create', 'b', '-n', 'nowhere', '--from-literal', 'k=v', '--repo', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('namespace "nowhere" is not declared');
  });

  it('update strategies, key by key, never decrypting', async () => {
    const dir = repoCopy();
    mcpo(['secret', 'create', 'db', '-n', 'default', '--from-literal', 'username=admin', '--from-literal', 'password=old', '--repo', dir]);
    const file = join(dir, 'resources/secrets/default/db.yaml');
    const sealedUser = () => /username: (\S+)/.exec(readFileSync(file, 'utf8'))![1];
    const before = sealedUser();

    // MERGE: existing keys keep their values (even when given again), new keys are added.
    let r = mcpo([
      'secret',
      'update',
      'db',
      '-n',
      'default',
      '--strategy',
      'merge',
      '--from-literal',
      'password=ignored',
      '--from-literal',
      'api_key=k1',
      '--repo',
      dir,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kept unchanged (merge never overwrites; use --strategy patch): password');
    expect(await unsealed(dir, 'default', 'db')).toEqual({ username: 'admin', password: 'old', api_key: 'k1' });
    expect(sealedUser()).toBe(before);

    // PATCH: the named keys change or appear, removed keys go, the rest is untouched byte for byte.
    r = mcpo(['secret', 'update', 'db', '-n', 'default', '--strategy', 'patch', '--from-literal', 'password=new', '--remove-key', 'api_key', '--repo', dir]);
    expect(r.code).toBe(0);
    expect(await unsealed(dir, 'default', 'db')).toEqual({ username: 'admin', password: 'new' });
    expect(sealedUser()).toBe(before);

    // REPLACE: the given keys become all the data.
    r = mcpo(['secret', 'update', 'db', '-n', 'default', '--strategy', 'replace', '--from-literal', 'token=t', '--repo', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('removed: password, username');
    expect(await unsealed(dir, 'default', 'db')).toEqual({ token: 't' });
  });

  it('update keeps the scope the values were sealed for', async () => {
    const dir = repoCopy();
    mcpo(['secret', 'create', 'shared', '-n', 'default', '--scope', 'namespace-wide', '--from-literal', 'a=1', '--repo', dir]);
    mcpo(['secret', 'update', 'shared', '-n', 'default', '--strategy', 'patch', '--from-literal', 'b=2', '--repo', dir]);
    expect(readFileSync(join(dir, 'resources/secrets/default/shared.yaml'), 'utf8')).toContain('scope: SEALING_SCOPE_NAMESPACE_WIDE');
    expect(await unsealed(dir, 'default', 'shared')).toEqual({ a: '1', b: '2' });
  });

  it('usage errors exit 2', () => {
    const dir = repoCopy();
    expect(mcpo(['secret', 'update', 'db-credentials', '-n', 'default', '--strategy', 'merge', '--remove-key', 'x', '--repo', dir]).code).toBe(2);
    expect(mcpo(['secret', 'create', 'x', '-n', 'default', '--from-literal', 'novalue', '--repo', dir]).code).toBe(2);
    expect(mcpo(['secret', 'create', 'x', '-n', 'default', '--from-literal', 'k=v', '--cert', join(dir, 'missing.pem'), '--repo', dir]).code).toBe(2);
    expect(mcpo(['secret', 'update', 'x', '-n', 'default', '--strategy', 'sideways', '--repo', dir]).code).toBe(2);
  });
});

describe('mcpo create -f / mcpo delete', () => {
  it('create writes each declaration where it belongs after validating the whole repo', () => {
    const dir = repoCopy();
    const input = join(dir, 'new.yaml');
    writeFileSync(
      input,
      'kind: Namespace\nname: team-a\n---\nkind: McpTemplate\nname: fetch\nnamespace: team-a\nimage: python:3.12-slim\ncommand: [uvx]\nargs: [mcp-server-fetch]\nresource_limit_name: n1-standard-nano\n',
    );
    const r = mcpo(['create', '-f', input, '--repo', dir]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'created Namespace "team-a" in resources/namespaces/team-a.yaml\ncreated McpTemplate "team-a/fetch" in resources/templates/team-a/fetch.yaml\n',
    );
    expect(mcpo(['validate', '--repo', dir]).code).toBe(0);
    expect(mcpo(['create', '-f', input, '--repo', dir]).stderr).toContain('new.yaml:1:1: Namespace/team-a: Namespace "team-a" already exists');
  });

  it('create refuses an invalid declaration and writes nothing', () => {
    const dir = repoCopy();
    const input = join(dir, 'bad.yaml');
    writeFileSync(input, 'kind: McpTemplate\nname: x\nnamespace: default\nimage: a\ncommand: [a]\nresource_limit_name: n1-standard-huge\n');
    const r = mcpo(['create', '-f', input, '--repo', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'resources/templates/default/x.yaml:6:22: McpTemplate/default/x: resource_limit_name: resource limit preset "n1-standard-huge" is not declared',
    );
    expect(existsSync(join(dir, 'resources/templates/default/x.yaml'))).toBe(false);
  });

  it('deleting a preset in use is refused with the count; --force deletes it and names what broke', () => {
    const dir = repoCopy();
    let r = mcpo(['delete', 'resourcelimit', 'n1-standard-nano', '--repo', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ResourceLimit "n1-standard-nano" is still in use: 1 templates use it (default/my-memory-server)');
    expect(existsSync(join(dir, 'resources/resource-limits/n1-standard-nano.yaml'))).toBe(true);

    r = mcpo(['delete', 'preset', 'n1-standard-nano', '--force', '--repo', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('forced: 1 templates use it and are now broken: default/my-memory-server');
    expect(existsSync(join(dir, 'resources/resource-limits/n1-standard-nano.yaml'))).toBe(false);
    const v = mcpo(['validate', '--repo', dir]);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('McpTemplate/default/my-memory-server: resource_limit_name: resource limit preset "n1-standard-nano" is not declared');
  });

  it('delete removes one document from a multi-document file and keeps the rest', () => {
    const dir = repoCopy();
    writeFileSync(join(dir, 'resources/namespaces/more.yaml'), '# teams\nkind: Namespace\nname: team-a\n---\nkind: Namespace\nname: team-b # keep me\n');
    const r = mcpo(['delete', 'ns', 'team-a', '--repo', dir]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'resources/namespaces/more.yaml'), 'utf8')).toBe('kind: Namespace\nname: team-b # keep me\n');
    expect(mcpo(['delete', 'template', 'nope', '-n', 'default', '--repo', dir]).stderr).toContain('McpTemplate "default/nope" is not declared');
  });
});

/**
 * Sealing, checked against the real Sealed Secrets code: values sealed by
 * src/secrets/seal.ts and wrapped by sealedSecretManifest() (src/render) are unsealed with
 * `kubeseal --recovery-unseal` (the controller's own unseal path, built from
 * github.com/bitnami-labs/sealed-secrets at the version test/tools/install.sh
 * pins) using the private key of a throwaway key pair made here.
 *
 * If kubeseal cannot be built the kubeseal tests FAIL (they are not skipped).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import type { SealingScope, Secret, SecretType } from '../../src/model/types.js';
import { parseRepoConfig } from '../../src/declarations/repo-config.js';
import { loadSealingCertificate, resolveCertificateSource } from '../../src/secrets/certificate.js';
import { checkSealedValue, parseSealingCertificate, sealData, sealingLabel, sealValue, type SealingKey } from '../../src/secrets/seal.js';
import { REQUIRED_SECRET_KEYS } from '../../src/core/enums.js';
import { McpoError } from '../../src/core/errors.js';
import { CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION, sealedSecretManifest } from '../../src/render/sealed-secret.js';
import { goTool, INSTALL_TIMEOUT_MS } from '../tools/tools.js';

const RSA_BITS = 2048;

let dir: string;
let keyFile: string;
let certPem: string;
let key: SealingKey;

function openssl(args: string[], input?: string): string {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpo-seal-'));
  keyFile = join(dir, 'key.pem');
  // Like the controller: a self-signed certificate for an RSA key.
  openssl([
    'req',
    '-x509',
    '-newkey',
    `rsa:${RSA_BITS}`,
    '-nodes',
    '-sha256',
    '-days',
    '2',
    '-subj',
    '/CN=sealed-secret/O=sealed-secret',
    '-keyout',
    'key.pem',
    '-out',
    'cert.pem',
  ]);
  certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  key = parseSealingCertificate(certPem);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function secretOf(over: Partial<Secret> & { name: string; namespace: string; encrypted_data: Record<string, string> }): Secret {
  return {
    kind: 'Secret',
    type: 'SECRET_TYPE_OPAQUE',
    labels: {},
    scope: 'SEALING_SCOPE_STRICT',
    keys: Object.keys(over.encrypted_data).sort(),
    source: { file: 'resources/secrets/test.yaml', line: 1, column: 1 },
    ...over,
  };
}

/** Values that exercise the byte handling: binary, empty, multi-line, non-ASCII. */
const VALUES: Record<string, Buffer> = {
  'api-token': Buffer.from('tok-7c1e4d2a'),
  binary: Buffer.from([0x00, 0xff, 0x80, 0x7f, 0x0a, 0x00]),
  empty: Buffer.alloc(0),
  'config.json': Buffer.from('{\n  "a": 1,\n  "b": "ünïcödé ✓"\n}\n'),
  large: Buffer.alloc(70_000, 0x61),
};

describe('sealValue: format', () => {
  it('is uint16BE(len) || RSA-OAEP part of the modulus size || AES-GCM ciphertext + 16-byte tag', () => {
    const plaintext = Buffer.from('hello world');
    const out = Buffer.from(sealValue(key, { namespace: 'ns', name: 'n', scope: 'SEALING_SCOPE_STRICT' }, plaintext), 'base64');
    const rsaLen = out.readUInt16BE(0);
    expect(rsaLen).toBe(RSA_BITS / 8);
    expect(out.length).toBe(2 + rsaLen + plaintext.length + 16);
  });

  it('gives a different ciphertext on every call for the same value and target', () => {
    const target = { namespace: 'ns', name: 'n', scope: 'SEALING_SCOPE_STRICT' as const };
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) seen.add(sealValue(key, target, Buffer.from('same value')));
    expect(seen.size).toBe(5);
  });

  it('uses the controller labels: strict ns/name, namespace-wide ns, cluster-wide empty', () => {
    expect(sealingLabel({ namespace: 'team-a', name: 'db', scope: 'SEALING_SCOPE_STRICT' }).toString()).toBe('team-a/db');
    expect(sealingLabel({ namespace: 'team-a', name: 'db', scope: 'SEALING_SCOPE_NAMESPACE_WIDE' }).toString()).toBe('team-a');
    expect(sealingLabel({ namespace: 'team-a', name: 'db', scope: 'SEALING_SCOPE_CLUSTER_WIDE' }).length).toBe(0);
  });

  it('refuses a target that cannot form a label', () => {
    expect(() => sealValue(key, { namespace: '', name: 'x', scope: 'SEALING_SCOPE_STRICT' }, Buffer.from('v'))).toThrow(/needs a namespace/);
    expect(() => sealValue(key, { namespace: 'ns', name: '', scope: 'SEALING_SCOPE_STRICT' }, Buffer.from('v'))).toThrow(/needs a name/);
    expect(() => sealValue(key, { namespace: 'a/b', name: 'c', scope: 'SEALING_SCOPE_STRICT' }, Buffer.from('v'))).toThrow(/must not contain "\/"/);
    // cluster-wide needs neither
    expect(() => sealValue(key, { namespace: '', name: '', scope: 'SEALING_SCOPE_CLUSTER_WIDE' }, Buffer.from('v'))).not.toThrow();
  });

  it('checkSealedValue accepts sealed values and flags base64 plaintext and foreign keys', () => {
    const sealed = sealValue(key, { namespace: 'ns', name: 'n', scope: 'SEALING_SCOPE_STRICT' }, Buffer.from('x'));
    expect(checkSealedValue(sealed, key)).toBeUndefined();
    expect(checkSealedValue(Buffer.from('hunter2-not-sealed').toString('base64'))).toMatch(/not a sealed value/);
    expect(checkSealedValue('not base64 !!')).toMatch(/not standard base64/);
    expect(checkSealedValue('')).toMatch(/empty/);
    const other = { ...key, modulusBits: 4096 };
    expect(checkSealedValue(sealed, other)).toMatch(/2048-bit key/);
  });
});

describe('parseSealingCertificate', () => {
  it('reads the key, its size, validity and the SSH-style fingerprint (same as ssh-keygen)', () => {
    expect(key.modulusBits).toBe(RSA_BITS);
    expect(key.subject).toContain('CN=sealed-secret');
    expect(key.notAfter.getTime()).toBeGreaterThan(Date.now());
    expect(key.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);

    openssl(['x509', '-in', 'cert.pem', '-pubkey', '-noout', '-out', 'pub.pem']);
    const ssh = spawnSync('ssh-keygen', ['-i', '-m', 'PKCS8', '-f', join(dir, 'pub.pem')], { encoding: 'utf8' });
    expect(ssh.status, ssh.stderr).toBe(0);
    writeFileSync(join(dir, 'pub.ssh'), ssh.stdout);
    const fp = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'pub.ssh')], { encoding: 'utf8' });
    expect(fp.status, fp.stderr).toBe(0);
    expect(fp.stdout.split(/\s+/)[1]).toBe(key.fingerprint);
  });

  it('accepts a Buffer and a bundle (uses the first certificate, like kubeseal)', () => {
    const k = parseSealingCertificate(Buffer.from(`${certPem}${certPem}`));
    expect(k.fingerprint).toBe(key.fingerprint);
  });

  it('gives a clear error for garbage, empty input, HTML, keys, a broken block, EC and expired certs', () => {
    const expectError = (input: string | Buffer, re: RegExp, now?: Date) => {
      let err: unknown;
      try {
        parseSealingCertificate(input, { now });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(McpoError);
      expect((err as Error).message).toMatch(re);
    };
    expectError('hello, I am not a certificate', /no PEM "-----BEGIN CERTIFICATE-----" block found/);
    expectError(Buffer.from([0xde, 0xad, 0xbe, 0xef]), /no PEM .* block found/);
    expectError('', /input is empty/);
    expectError('<!DOCTYPE html><html><body>404</body></html>', /HTML page/);
    expectError(readFileSync(keyFile, 'utf8'), /this is a PRIVATE key.*never put a private key in the repository/);
    openssl(['x509', '-in', 'cert.pem', '-pubkey', '-noout', '-out', 'pub-only.pem']);
    expectError(readFileSync(join(dir, 'pub-only.pem'), 'utf8'), /bare public key/);
    const lines = certPem.trim().split('\n');
    const broken = [lines[0], lines[1], lines[2]!.replace(/[A-Za-z]/g, 'A'), lines[lines.length - 1]].join('\n');
    expectError(broken, /could not be parsed as X\.509/);
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=ec',
      '-keyout',
      'ec-key.pem',
      '-out',
      'ec-cert.pem',
    ]);
    expectError(readFileSync(join(dir, 'ec-cert.pem')), /expected an RSA public key, found ec/);
    expectError(certPem, /expired on \d{4}-\d\d-\d\d/, new Date(Date.now() + 10 * 24 * 3600 * 1000));
  });
});

describe('sealedSecretManifest', () => {
  const base = secretOf({
    name: 'db',
    namespace: 'team-a',
    labels: { tier: 'db', app: 'x' },
    encrypted_data: { zeta: 'Wg==', alpha: 'QQ==' },
  });

  it('builds a bitnami.com/v1alpha1 SealedSecret with sorted data and template metadata', () => {
    const m = sealedSecretManifest(base);
    expect(m).toEqual({
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'db', namespace: 'team-a', labels: { app: 'x', tier: 'db' } },
      spec: {
        encryptedData: { alpha: 'QQ==', zeta: 'Wg==' },
        template: { metadata: { name: 'db', namespace: 'team-a', labels: { app: 'x', tier: 'db' } }, type: 'Opaque' },
      },
    });
    const spec = m.spec as { encryptedData: Record<string, string> };
    expect(Object.keys(spec.encryptedData)).toEqual(['alpha', 'zeta']);
    expect(JSON.stringify(sealedSecretManifest(base))).toBe(JSON.stringify(m));
  });

  it('annotates namespace-wide and cluster-wide scope (on the object and its template)', () => {
    const nw = sealedSecretManifest({ ...base, scope: 'SEALING_SCOPE_NAMESPACE_WIDE' }) as any;
    expect(nw.metadata.annotations).toEqual({ [NAMESPACE_WIDE_ANNOTATION]: 'true' });
    expect(nw.spec.template.metadata.annotations).toEqual({ [NAMESPACE_WIDE_ANNOTATION]: 'true' });
    const cw = sealedSecretManifest({ ...base, scope: 'SEALING_SCOPE_CLUSTER_WIDE' }) as any;
    expect(cw.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
    expect(CLUSTER_WIDE_ANNOTATION).toBe('sealedsecrets.bitnami.com/cluster-wide');
    expect((sealedSecretManifest(base) as any).metadata.annotations).toBeUndefined();
  });

  it('maps every SecretType and knows the keys each type requires', () => {
    const table: [SecretType, string, string[]][] = [
      ['SECRET_TYPE_OPAQUE', 'Opaque', []],
      ['SECRET_TYPE_DOCKER_CONFIG_JSON', 'kubernetes.io/dockerconfigjson', ['.dockerconfigjson']],
      ['SECRET_TYPE_BASIC_AUTH', 'kubernetes.io/basic-auth', ['username', 'password']],
      ['SECRET_TYPE_SSH_AUTH', 'kubernetes.io/ssh-auth', ['ssh-privatekey']],
      ['SECRET_TYPE_TLS', 'kubernetes.io/tls', ['tls.crt', 'tls.key']],
    ];
    for (const [type, k8sType, keys] of table) {
      expect((sealedSecretManifest({ ...base, type }) as any).spec.template.type).toBe(k8sType);
      expect(REQUIRED_SECRET_KEYS[type]).toEqual(keys);
    }
    expect(() => (REQUIRED_SECRET_KEYS.SECRET_TYPE_TLS as string[]).push('mutated')).toThrow(TypeError);
    expect(REQUIRED_SECRET_KEYS.SECRET_TYPE_TLS).toEqual(['tls.crt', 'tls.key']);
  });
});

describe('certificate loading (--cert, mcpo.yaml, URL)', () => {
  let server: Server;
  let baseUrl: string;
  let repo: string;

  beforeAll(async () => {
    repo = join(dir, 'repo');
    mkdirSync(join(repo, 'keys'), { recursive: true });
    writeFileSync(join(repo, 'keys', 'cert.pem'), certPem);
    server = createServer((req, res) => {
      if (req.url === '/v1/cert.pem') {
        res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(certPem);
      } else if (req.url === '/garbage') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
      } else {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((ok) => server?.close(ok));
  });

  it('parses mcpo.yaml and rejects unknown or mistyped sealing fields', () => {
    expect(parseRepoConfig('sealing:\n  certificate: sealing-cert.pem\n')).toEqual({
      sealing: { certificate: 'sealing-cert.pem' },
    });
    expect(parseRepoConfig('')).toEqual({});
    expect(() => parseRepoConfig('sealing:\n  certficate: x\n')).toThrow(/sealing\.certficate: unknown field \(known: certificate\)/);
    expect(() => parseRepoConfig('sealing:\n  certificate: 3\n')).toThrow(/expected a file path or an http\(s\) URL/);
    expect(() => parseRepoConfig('sealing: [\n')).toThrow(/not valid YAML/);
  });

  it('uses sealing.certificate from mcpo.yaml, relative to the repo root', async () => {
    writeFileSync(join(repo, 'mcpo.yaml'), 'sealing:\n  certificate: keys/cert.pem\n');
    const { key: k, source } = await loadSealingCertificate({ repoRoot: repo, cwd: '/' });
    expect(k.fingerprint).toBe(key.fingerprint);
    expect(source).toMatchObject({ kind: 'file', path: join(repo, 'keys', 'cert.pem') });
  });

  it('lets --cert win, relative to the working directory', async () => {
    writeFileSync(join(repo, 'mcpo.yaml'), 'sealing:\n  certificate: missing.pem\n');
    const { source } = await loadSealingCertificate({ repoRoot: repo, cert: 'keys/cert.pem', cwd: repo });
    expect(source).toMatchObject({ kind: 'file', origin: '--cert' });
    await expect(loadSealingCertificate({ repoRoot: repo })).rejects.toThrow(/missing\.pem \(mcpo\.yaml sealing\.certificate\): file not found/);
  });

  it('fetches the controller certificate from an http URL (mcpo.yaml or --cert)', async () => {
    writeFileSync(join(repo, 'mcpo.yaml'), `sealing:\n  certificate: ${baseUrl}/v1/cert.pem\n`);
    const { key: k, source } = await loadSealingCertificate({ repoRoot: repo });
    expect(k.fingerprint).toBe(key.fingerprint);
    expect(source).toMatchObject({ kind: 'url', url: `${baseUrl}/v1/cert.pem` });
    await expect(loadSealingCertificate({ repoRoot: repo, cert: `${baseUrl}/nope` })).rejects.toThrow(
      /cannot fetch sealing certificate from .*\/nope \(--cert\): HTTP 404/,
    );
    await expect(loadSealingCertificate({ repoRoot: repo, cert: `${baseUrl}/garbage` })).rejects.toThrow(
      /\/garbage \(--cert\): sealing certificate: .*HTML page/,
    );
  });

  it('says what to do when no certificate is configured, and refuses other URL schemes', async () => {
    rmSync(join(repo, 'mcpo.yaml'), { force: true });
    await expect(resolveCertificateSource({ repoRoot: repo })).rejects.toThrow(
      /no sealing certificate: pass --cert FILE\|URL, or set sealing\.certificate in mcpo\.yaml/,
    );
    await expect(resolveCertificateSource({ repoRoot: repo, cert: 'ftp://x/cert.pem' })).rejects.toThrow(/unsupported URL scheme ftp:/);
  });
});

describe('real kubeseal --recovery-unseal opens what we seal', () => {
  let kubeseal: string;
  let installError: Error | undefined;

  // Built once per machine (minutes when cold). A failure to build is not a
  // skip: every test below fails with the installer's output.
  beforeAll(() => {
    try {
      kubeseal = goTool('kubeseal');
    } catch (err) {
      installError = err as Error;
    }
  }, INSTALL_TIMEOUT_MS);

  beforeEach(() => {
    if (installError) throw installError;
  });

  interface Unsealed {
    ok: boolean;
    stderr: string;
    secret?: {
      metadata: { name: string; namespace: string; labels?: Record<string, string> };
      type: string;
      /** An empty value comes back as null (Go's nil []byte). */
      data?: Record<string, string | null>;
    };
  }

  /**
   * Feed a SealedSecret (as YAML, like the rendered file) to kubeseal and parse the Secret it prints.
   * Kubernetes reads YAML 1.1, where a bare `n`, `y`, `yes`, `off`... is a boolean: `name: n`
   * fails with "cannot unmarshal bool into ... metadata.name". Writing with version '1.1' quotes them.
   */
  function unseal(manifest: Record<string, unknown>): Unsealed {
    const r = spawnSync(kubeseal, ['--recovery-unseal', '--recovery-private-key', keyFile, '-o', 'json'], {
      input: toYaml(manifest, { version: '1.1' }),
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: join(dir, 'no-kubeconfig') },
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    if (r.status !== 0) return { ok: false, stderr: r.stderr };
    return { ok: true, stderr: r.stderr, secret: JSON.parse(r.stdout) };
  }

  function decoded(u: Unsealed): Record<string, Buffer> {
    expect(u.ok, `kubeseal failed: ${u.stderr}`).toBe(true);
    return Object.fromEntries(Object.entries(u.secret!.data ?? {}).map(([k, v]) => [k, Buffer.from(v ?? '', 'base64')]));
  }

  function sealed(namespace: string, name: string, scope: SealingScope, type: SecretType = 'SECRET_TYPE_OPAQUE'): Secret {
    return secretOf({
      name,
      namespace,
      scope,
      type,
      labels: { 'app.kubernetes.io/part-of': 'demo' },
      encrypted_data: sealData(key, { namespace, name, scope }, VALUES),
    });
  }

  const scopes: SealingScope[] = ['SEALING_SCOPE_STRICT', 'SEALING_SCOPE_NAMESPACE_WIDE', 'SEALING_SCOPE_CLUSTER_WIDE'];
  for (const scope of scopes) {
    it(`recovers every value exactly (${scope})`, () => {
      const u = unseal(sealedSecretManifest(sealed('team-a', 'db-credentials', scope)));
      const data = decoded(u);
      expect(Object.keys(data).sort()).toEqual(Object.keys(VALUES).sort());
      for (const [k, v] of Object.entries(VALUES)) expect(data[k]!.equals(v), `value of ${k}`).toBe(true);
      expect(u.secret!.metadata).toMatchObject({ name: 'db-credentials', namespace: 'team-a' });
      expect(u.secret!.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'demo' });
      expect(u.secret!.type).toBe('Opaque');
    });
  }

  /** Move sealed data to another place (as an attacker or a copy-paste would) and try to unseal it there. */
  function moved(from: Secret, to: { name?: string; namespace?: string; scope?: SealingScope }): Unsealed {
    return unseal(sealedSecretManifest({ ...from, ...to }));
  }

  it('strict: a value moved to another name or namespace does not unseal', () => {
    const s = sealed('team-a', 'db-credentials', 'SEALING_SCOPE_STRICT');
    for (const to of [{ name: 'other' }, { namespace: 'team-b' }, { namespace: 'team-b', name: 'other' }]) {
      const u = moved(s, to);
      expect(u.ok, JSON.stringify(to)).toBe(false);
      expect(u.stderr).toMatch(/no key could decrypt secret/);
    }
    // Claiming a wider scope does not help either: the label is bound into the ciphertext.
    expect(moved(s, { scope: 'SEALING_SCOPE_NAMESPACE_WIDE' }).ok).toBe(false);
    expect(moved(s, { scope: 'SEALING_SCOPE_CLUSTER_WIDE' }).ok).toBe(false);
  });

  it('namespace-wide: unseals under another name in the namespace, not in another namespace', () => {
    const s = sealed('team-a', 'db-credentials', 'SEALING_SCOPE_NAMESPACE_WIDE');
    const renamed = moved(s, { name: 'renamed' });
    expect(decoded(renamed)['api-token']!.equals(VALUES['api-token']!)).toBe(true);
    expect(renamed.secret!.metadata.name).toBe('renamed');
    const other = moved(s, { namespace: 'team-b' });
    expect(other.ok).toBe(false);
    expect(other.stderr).toMatch(/no key could decrypt secret/);
  });

  it('cluster-wide: unseals under any name in any namespace', () => {
    const s = sealed('team-a', 'db-credentials', 'SEALING_SCOPE_CLUSTER_WIDE');
    const u = moved(s, { namespace: 'team-b', name: 'copy' });
    expect(decoded(u).binary!.equals(VALUES.binary!)).toBe(true);
    expect(u.secret!.metadata).toMatchObject({ name: 'copy', namespace: 'team-b' });
  });

  it('typed secrets come out with their Kubernetes type (basic-auth, tls)', () => {
    const basic = secretOf({
      name: 'login',
      namespace: 'default',
      type: 'SECRET_TYPE_BASIC_AUTH',
      encrypted_data: sealData(
        key,
        { namespace: 'default', name: 'login', scope: 'SEALING_SCOPE_STRICT' },
        {
          username: Buffer.from('svc-user'),
          password: Buffer.from('s3cr3t-pw'),
        },
      ),
    });
    const u = unseal(sealedSecretManifest(basic));
    expect(u.secret?.type).toBe('kubernetes.io/basic-auth');
    expect(decoded(u).password!.toString()).toBe('s3cr3t-pw');
    const tls = secretOf({
      name: 'web-tls',
      namespace: 'default',
      type: 'SECRET_TYPE_TLS',
      encrypted_data: sealData(
        key,
        { namespace: 'default', name: 'web-tls', scope: 'SEALING_SCOPE_STRICT' },
        {
          'tls.crt': Buffer.from(certPem),
          'tls.key': Buffer.from('not really a key'),
        },
      ),
    });
    const t = unseal(sealedSecretManifest(tls));
    expect(t.secret?.type).toBe('kubernetes.io/tls');
    expect(decoded(t)['tls.crt']!.toString()).toBe(certPem);
  });

  it('kubeseal --raw output has exactly our layout and length, and passes checkSealedValue', () => {
    const plaintext = 'same-length-value';
    const r = spawnSync(kubeseal, ['--raw', '--cert', join(dir, 'cert.pem'), '--scope', 'strict', '--namespace', 'ns', '--name', 'n'], {
      input: plaintext,
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: join(dir, 'no-kubeconfig') },
    });
    expect(r.status, r.stderr).toBe(0);
    const theirs = r.stdout.trim();
    const ours = sealValue(key, { namespace: 'ns', name: 'n', scope: 'SEALING_SCOPE_STRICT' }, Buffer.from(plaintext));
    expect(checkSealedValue(theirs, key)).toBeUndefined();
    expect(Buffer.from(theirs, 'base64').readUInt16BE(0)).toBe(Buffer.from(ours, 'base64').readUInt16BE(0));
    expect(theirs.length).toBe(ours.length);
    // and kubeseal's own ciphertext unseals through our manifest too
    const s = secretOf({ name: 'n', namespace: 'ns', encrypted_data: { v: theirs } });
    expect(decoded(unseal(sealedSecretManifest(s))).v!.toString()).toBe(plaintext);
  });

  it('a value sealed with another key pair does not unseal', () => {
    openssl(['req', '-x509', '-newkey', `rsa:${RSA_BITS}`, '-nodes', '-days', '1', '-subj', '/CN=other', '-keyout', 'other-key.pem', '-out', 'other-cert.pem']);
    const otherKey = parseSealingCertificate(readFileSync(join(dir, 'other-cert.pem')));
    const s = secretOf({
      name: 'x',
      namespace: 'default',
      encrypted_data: sealData(
        otherKey,
        { namespace: 'default', name: 'x', scope: 'SEALING_SCOPE_STRICT' },
        {
          v: Buffer.from('value'),
        },
      ),
    });
    expect(unseal(sealedSecretManifest(s)).ok).toBe(false);
  });
});

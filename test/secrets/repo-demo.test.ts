/**
 * The repository's own sealing material: mcpo.yaml points at the public demo
 * certificate, the demo secret is sealed for it, and nothing in the repository
 * can decrypt (no private key anywhere).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadSealingCertificate } from '../../src/secrets/certificate.js';
import { checkSealedValue } from '../../src/secrets/seal.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('repository sealing material', () => {
  it('mcpo.yaml names sealing-cert.pem: a current RSA-4096 certificate, like the controller makes', async () => {
    const { key, source } = await loadSealingCertificate({ repoRoot });
    expect(source).toMatchObject({ kind: 'file', path: join(repoRoot, 'sealing-cert.pem') });
    expect(key.modulusBits).toBe(4096);
    expect(key.notAfter.getTime()).toBeGreaterThan(Date.now() + 365 * 24 * 3600 * 1000);
  });

  it('resources/secrets/default/db-credentials.yaml is sealed for that certificate and fits spec/secret.proto', async () => {
    const { key } = await loadSealingCertificate({ repoRoot });
    const doc = parseYaml(readFileSync(join(repoRoot, 'resources/secrets/default/db-credentials.yaml'), 'utf8'));
    expect(doc).toMatchObject({
      kind: 'Secret',
      name: 'db-credentials',
      namespace: 'default',
      type: 'SECRET_TYPE_OPAQUE',
      sealed: { scope: 'SEALING_SCOPE_STRICT' },
    });
    const data = doc.sealed.encrypted_data as Record<string, string>;
    expect(Object.keys(data)).toEqual(['password', 'username']);
    for (const [k, v] of Object.entries(data)) expect(checkSealedValue(v, key), k).toBeUndefined();

    // Every field (besides `kind`) is a field of the proto message, enum values are enum names.
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(repoRoot, 'spec', target);
    await root.load('secret.proto', { keepCase: true });
    const Secret = root.lookupType('mcp.orchestrator.v1.Secret');
    const Sealed = root.lookupType('mcp.orchestrator.v1.SealedData');
    for (const f of Object.keys(doc).filter((f) => f !== 'kind')) expect(Secret.fields[f], f).toBeDefined();
    for (const f of Object.keys(doc.sealed)) expect(Sealed.fields[f], `sealed.${f}`).toBeDefined();
    expect(root.lookupEnum('mcp.orchestrator.v1.SecretType').values[doc.type]).toBeDefined();
    expect(root.lookupEnum('mcp.orchestrator.v1.SealingScope').values[doc.sealed.scope]).toBeDefined();
  });

  it('no file in the repository holds a private key', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: repoRoot,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((f) => f !== '');
    const offenders = files.filter((f) => {
      const path = join(repoRoot, f);
      try {
        if (!statSync(path).isFile() || statSync(path).size > 5 * 1024 * 1024) return false;
      } catch {
        return false; // listed by git but deleted in the work tree
      }
      return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(readFileSync(path, 'latin1'));
    });
    expect(offenders).toEqual([]);
  });
});

#!/usr/bin/env node
// One-off: makes bench/fixtures/sealed-values.json, the few real Sealed Secrets
// ciphertexts the benchmark generator reuses for its 1,000 Secrets.
//
// A throwaway 4096-bit RSA key and certificate are made with openssl in a temp
// dir, eight values are sealed with src/secrets/seal.ts (`sealValue`, cluster-wide
// scope, so the same ciphertext is valid under any secret name and namespace),
// and the key is deleted. The output is committed so the generator stays
// deterministic (sealing draws a fresh session key every time).
//
//   npm run build && node bench/make-sealed-fixture.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importBuild } from './lib.mjs';

/** @type {typeof import('../src/secrets/seal.js')} */
const { parseSealingCertificate, sealValue } = await importBuild('secrets/seal.js');

const here = dirname(fileURLToPath(import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'mcpo-bench-seal-'));
try {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:4096',
      '-nodes',
      '-days',
      '3650',
      '-subj',
      '/CN=mcpo bench throwaway sealing key (private key discarded)/O=sealed-secret',
      '-keyout',
      join(tmp, 'key.pem'),
      '-out',
      join(tmp, 'cert.pem'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const key = parseSealingCertificate(readFileSync(join(tmp, 'cert.pem')));
  /** @type {import('../src/secrets/seal.js').SealingTarget} */
  const target = { namespace: '', name: '', scope: 'SEALING_SCOPE_CLUSTER_WIDE' };
  const values = [];
  for (let i = 0; i < 8; i++) values.push(sealValue(key, target, Buffer.from(`bench-value-${i}-not-a-real-secret`)));
  mkdirSync(join(here, 'fixtures'), { recursive: true });
  writeFileSync(
    join(here, 'fixtures', 'sealed-values.json'),
    `${JSON.stringify({ scope: 'SEALING_SCOPE_CLUSTER_WIDE', fingerprint: key.fingerprint, note: 'sealed with a throwaway key whose private half was deleted', values }, null, 2)}\n`,
  );
  console.log(`wrote bench/fixtures/sealed-values.json (${values.length} values, key ${key.fingerprint})`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

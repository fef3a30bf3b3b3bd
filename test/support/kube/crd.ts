/** The Sealed Secrets CRD, straight from the upstream Go module (never committed here), installed and waited for. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { type ApplyResult, serverSideApply } from './apply.js';

const execFileAsync = promisify(execFile);

/** The Bitnami Sealed Secrets release whose CRD the tests install (from the Go module cache). */
export const SEALED_SECRETS_VERSION = process.env.MCPO_SEALED_SECRETS_VERSION ?? 'v0.40.0';

/**
 * Path of the SealedSecret CRD inside the github.com/bitnami-labs/sealed-secrets Go module
 * (downloaded into the Go module cache by `go mod download` if needed).
 */
export async function sealedSecretCrdPath(version = SEALED_SECRETS_VERSION): Promise<string> {
  const mod = `github.com/bitnami-labs/sealed-secrets@${version}`;
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('go', ['mod', 'download', '-json', mod], {
      cwd: os.tmpdir(),
      env: { ...process.env, GOWORK: 'off', GOFLAGS: '-mod=mod' },
      maxBuffer: 1 << 20,
    }));
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`go mod download ${mod} failed: ${err.stdout || err.stderr || err.message}`, { cause: e });
  }
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${mod}: ${info.Error ?? 'no Dir'}`);
  const candidates = [path.join(info.Dir, 'helm', 'sealed-secrets', 'crds', 'bitnami.com_sealedsecrets.yaml'), path.join(info.Dir, 'schema-v1alpha1.yaml')];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`no SealedSecret CRD found in ${info.Dir} (looked at ${candidates.join(', ')})`);
}

/** Installs the SealedSecret CRD (bitnami.com/v1alpha1) and waits until it is served. */
export async function installSealedSecretCrd(kc: KubeConfig, opts: { version?: string; fieldManager?: string } = {}): Promise<ApplyResult> {
  const file = await sealedSecretCrdPath(opts.version);
  const docs = parseAllDocuments(await readFile(file, 'utf8'))
    .map((d) => d.toJSON() as KubernetesObject | null)
    .filter((d): d is KubernetesObject => d?.kind === 'CustomResourceDefinition');
  if (docs.length !== 1) throw new Error(`${file}: expected one CustomResourceDefinition, found ${docs.length}`);
  const [result] = await serverSideApply(kc, docs, opts.fieldManager ?? 'mcpo-test');
  return result!;
}

/**
 * Secret changes, sealed at the moment they are made: values are sealed key
 * by key with the controller's certificate and only ciphertext is written.
 * Update strategies work key by key without ever decrypting:
 *   REPLACE  the given keys become all the data; other keys are removed.
 *   MERGE    existing keys and values are kept; only keys not present yet are added.
 *   PATCH    the given keys are changed or added, removeKeys are removed, others untouched.
 */
import type { Document } from 'yaml';
import { MAX_FILE_BYTES } from '../core/limits.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { quoted } from '../core/echo.js';
import type { SealingScope, SecretType } from '../model/types.js';
import { type SealingKey, sealData } from '../secrets/seal.js';
import { editDeclaration, newDeclarationFile } from './documents.js';
import { findDeclaration } from './find.js';
import { canonicalPath } from '../core/repository.js';
import { type ChangeOutcome, changeRepository, refused } from './working-tree.js';
import { compareStrings } from '../core/order.js';

export type UpdateStrategy = 'SECRET_UPDATE_STRATEGY_REPLACE' | 'SECRET_UPDATE_STRATEGY_MERGE' | 'SECRET_UPDATE_STRATEGY_PATCH';

export interface CreateSecretRequest {
  readonly name: string;
  readonly namespace: string;
  readonly type: SecretType;
  readonly scope: SealingScope;
  readonly labels?: Readonly<Record<string, string>>;
  /** key -> plaintext; sealed here and then dropped. */
  readonly data: Readonly<Record<string, Buffer>>;
  readonly key: SealingKey;
  readonly dryRun?: boolean;
}

export async function createSecret(repoDir: string, request: CreateSecretRequest): Promise<ChangeOutcome> {
  const id = `${request.namespace}/${request.name}`;
  return changeRepository(
    repoDir,
    ({ model }) => {
      const found = findDeclaration(model, 'Secret', request.name, request.namespace);
      if ('source' in found)
        return refused([
          {
            code: 'resource.duplicate',
            severity: 'error',
            message: `Secret "${id}" already exists`,
            kind: 'Secret',
            name: id,
            file: found.source.file,
            line: found.source.line,
            column: found.source.column,
            hint: 'use `mcpo secret update`',
          },
        ]);
      if (Object.keys(request.data).length === 0) return refused([noData()]);

      const encrypted = sealData(request.key, request, request.data);
      const path = canonicalPath('Secret', request.name, request.namespace);
      const content = newDeclarationFile(
        {
          kind: 'Secret',
          name: request.name,
          namespace: request.namespace,
          type: request.type,
          ...(request.labels && Object.keys(request.labels).length > 0 && { labels: request.labels }),
          sealed: { scope: request.scope, encrypted_data: encrypted },
        },
        `Sealed with the certificate ${request.key.fingerprint}.\nValues are Sealed Secrets ciphertext: only the cluster's controller can decrypt them.`,
      );
      const over = sealedTooLarge(path, id, content, encrypted);
      if (over) return refused([over], ['nothing was written']);
      return { changes: [{ path, content }], notes: [`created Secret "${id}" in ${path}: sealed ${Object.keys(encrypted).join(', ')}`] };
    },
    { dryRun: request.dryRun, purpose: `secret create ${id}` },
  );
}

/** A sealed declaration that would be over the file limit, refused naming the keys given (ciphertext sizes are public; values are not shown). */
function sealedTooLarge(path: string, id: string, content: string, sealed: Readonly<Record<string, string>>): Diagnostic | undefined {
  const size = Buffer.byteLength(content);
  if (size <= MAX_FILE_BYTES) return undefined;
  const keys = Object.keys(sealed);
  const added = keys.reduce((n, k) => n + sealed[k]!.length, 0);
  return {
    code: 'file.too-large',
    severity: 'error',
    file: path,
    kind: 'Secret',
    name: id,
    message: `sealed, the secret would be ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit for a declaration file`,
    hint: `the values sealed for ${keys.join(', ')} take ${added} bytes; split the data into several secrets`,
  };
}

export interface UpdateSecretRequest {
  readonly name: string;
  readonly namespace: string;
  readonly strategy: UpdateStrategy;
  readonly data: Readonly<Record<string, Buffer>>;
  /** PATCH only. */
  readonly removeKeys?: readonly string[];
  readonly key: SealingKey;
  readonly dryRun?: boolean;
}

/** The key-level plan of an update, decided without any plaintext of the existing values. */
export function planUpdate(existing: readonly string[], given: readonly string[], strategy: UpdateStrategy, removeKeys: readonly string[] = []) {
  const have = new Set(existing);
  switch (strategy) {
    case 'SECRET_UPDATE_STRATEGY_REPLACE':
      return { seal: [...given], remove: existing.filter((k) => !given.includes(k)), kept: [] as string[] };
    case 'SECRET_UPDATE_STRATEGY_MERGE':
      return { seal: given.filter((k) => !have.has(k)), remove: [] as string[], kept: given.filter((k) => have.has(k)) };
    case 'SECRET_UPDATE_STRATEGY_PATCH':
      return { seal: [...given], remove: removeKeys.filter((k) => have.has(k)), kept: [] as string[] };
  }
}

export async function updateSecret(repoDir: string, request: UpdateSecretRequest): Promise<ChangeOutcome> {
  const id = `${request.namespace}/${request.name}`;
  return changeRepository(
    repoDir,
    (tree) => {
      const found = findDeclaration(tree.model, 'Secret', request.name, request.namespace);
      if (!('source' in found) || found.kind !== 'Secret') return refused([found as Diagnostic]);
      const removeKeys = request.removeKeys ?? [];
      if (removeKeys.length > 0 && request.strategy !== 'SECRET_UPDATE_STRATEGY_PATCH')
        return refused([
          {
            code: 'usage',
            severity: 'error',
            file: '<arguments>',
            message: 'removing keys is only possible with --strategy patch',
            kind: 'Secret',
            name: id,
            hint: 'pass --strategy patch with --remove-key',
          },
        ]);
      const missing = removeKeys.filter((k) => !found.keys.includes(k));
      if (missing.length > 0)
        return refused([
          {
            code: 'not-found',
            severity: 'error',
            message: `Secret "${id}" has no key ${missing.map((k) => quoted(k)).join(', ')} to remove`,
            kind: 'Secret',
            name: id,
            hint: `its keys: ${found.keys.join(', ')}`,
          },
        ]);
      if (Object.keys(request.data).length === 0 && removeKeys.length === 0) return refused([noData()]);

      const plan = planUpdate(found.keys, Object.keys(request.data), request.strategy, removeKeys);
      // The existing scope is bound into every existing ciphertext: new values must use it too.
      const target = { namespace: found.namespace, name: found.name, scope: found.scope };
      const sealed = sealData(request.key, target, Object.fromEntries(plan.seal.map((k) => [k, request.data[k]!])));

      const content = editDeclaration(tree.text(found.source.file), { kind: 'Secret', name: found.name, namespace: found.namespace }, (doc: Document) => {
        const path = ['sealed', 'encrypted_data'];
        for (const k of plan.remove) doc.deleteIn([...path, k]);
        for (const [k, v] of Object.entries(sealed)) doc.setIn([...path, k], v);
        sortKeys(doc, path);
      });
      const over = sealedTooLarge(found.source.file, id, content, sealed);
      if (over) return refused([over], ['nothing was written']);
      const notes = [
        `updated Secret "${id}" in ${found.source.file} (${request.strategy.replace('SECRET_UPDATE_STRATEGY_', '').toLowerCase()})`,
        ...(plan.seal.length ? [`sealed: ${plan.seal.join(', ')}`] : []),
        ...(plan.remove.length ? [`removed: ${plan.remove.join(', ')}`] : []),
        ...(plan.kept.length ? [`kept unchanged (merge never overwrites; use --strategy patch): ${plan.kept.join(', ')}`] : []),
      ];
      return { changes: [{ path: found.source.file, content }], notes };
    },
    { dryRun: request.dryRun, purpose: `secret update ${id}` },
  );
}

function sortKeys(doc: Document, path: string[]): void {
  const map = doc.getIn(path, true) as { items?: Array<{ key: unknown }> } | undefined;
  map?.items?.sort((a, b) => compareStrings(String((a.key as { value?: unknown })?.value ?? a.key), String((b.key as { value?: unknown })?.value ?? b.key)));
}

function noData(): Diagnostic {
  return { code: 'usage', severity: 'error', file: '<arguments>', message: 'no data given', hint: 'pass --from-literal KEY=VALUE or --from-file KEY=PATH' };
}

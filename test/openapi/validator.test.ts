/**
 * The contract test's validator (_validator.ts) on the committed document,
 * without a server: it must reject what a drifted server would send.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/build.js';
import { OpenapiValidator } from './_validator.js';

const v = new OpenapiValidator(parse(readFileSync(join(REPO_ROOT, 'openapi/openapi.yaml'), 'utf8')));
const GET_PRESET = ['/v1/resource-limits/{name}', 'get'] as const;
const preset = { resourceLimit: { name: 'n1-standard-nano', usageCount: 1, limits: { cpu: '100m', memory: '256Mi' }, labels: { tier: 'small' }, createdAt: '1700000000' } };

describe('the OpenAPI response validator', () => {
  it('accepts an answer as documented, and google.rpc.Status for an error code', () => {
    expect(v.check(...GET_PRESET, 200, preset)).toEqual([]);
    expect(v.check(...GET_PRESET, 404, { code: 5, message: 'no preset "x"', details: [] })).toEqual([]);
    expect(v.forResponse(...GET_PRESET, 404).documented).toBe('default');
  });

  it('rejects a field the document does not describe, at any depth', () => {
    expect(v.check(...GET_PRESET, 200, { ...preset, extra: 1 })).toEqual([expect.stringMatching(/^\/ must NOT have additional properties .*"extra"/)]);
    const nested = { resourceLimit: { ...preset.resourceLimit, limits: { cpu: '1', cpu_limit: '2' } } };
    expect(v.check(...GET_PRESET, 200, nested)).toEqual([expect.stringMatching(/^\/resourceLimit\/limits must NOT have additional properties .*"cpu_limit"/)]);
    expect(v.check(...GET_PRESET, 404, { code: 5, message: 'x', reason: 'y' })).toHaveLength(1);
  });

  it('rejects wrong types: an int64 as a number, an int32 as a string, an enum by number', () => {
    expect(v.check(...GET_PRESET, 200, { resourceLimit: { createdAt: 1700000000 } })).toEqual([expect.stringMatching(/^\/resourceLimit\/createdAt must be string/)]);
    expect(v.check(...GET_PRESET, 200, { resourceLimit: { usageCount: '1' } })).toEqual([expect.stringMatching(/^\/resourceLimit\/usageCount must be integer/)]);
    const secret = { secret: { name: 'db', type: 4 } };
    expect(v.check('/v1/namespaces/{namespace}/secrets/{name}', 'get', 200, secret).join('\n')).toMatch(/\/secret\/type must be string/);
    expect(v.check('/v1/namespaces/{namespace}/secrets/{name}', 'get', 200, { secret: { type: 'SECRET_TYPE_BASIC_AUTH', keys: ['password'] } })).toEqual([]);
  });
});

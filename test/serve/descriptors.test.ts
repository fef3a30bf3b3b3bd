/**
 * The descriptors served by reflection, built at run time from spec/, equal
 * what a real protobuf compiler (buf, from the @bufbuild/buf dev dependency)
 * makes of the same files — file names, imports, map entries, proto3
 * optional, json names and all.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import descriptorTypes from 'protobufjs/ext/descriptor.js';
import { describe, expect, it } from 'vitest';
import { DescriptorPool, jsonName, mapEntryName } from '../../src/serve/descriptors.js';
import { IMPORTED_FILES, importName, loadSpec, PROTO_FILES } from '../../src/spec/proto.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

type Obj = Record<string, unknown>;

/** Decoded FileDescriptorProto → plain object without what buf adds and we do not (options, source info). */
function normalize(file: Obj): Obj {
  const clean = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(clean);
    if (value && typeof value === 'object') {
      const out: Obj = {};
      for (const [k, v] of Object.entries(value as Obj)) {
        if (k === 'sourceCodeInfo' || (k === 'options' && !(v as Obj).mapEntry)) continue;
        if (Array.isArray(v) && v.length === 0) continue;
        out[k] = clean(v);
      }
      return out;
    }
    return value;
  };
  const out = clean(file) as Obj;
  out.dependency = [...((out.dependency as string[]) ?? [])].sort();
  return out;
}

function decode(bytes: Uint8Array): Obj {
  const T = descriptorTypes.FileDescriptorProto;
  return T.toObject(T.decode(bytes), { defaults: false, arrays: true }) as Obj;
}

describe('descriptors from spec/', () => {
  it('protoc naming rules', () => {
    expect(jsonName('resource_limit_name')).toBe('resourceLimitName');
    expect(mapEntryName('labels')).toBe('LabelsEntry');
    expect(mapEntryName('encrypted_data')).toBe('EncryptedDataEntry');
    expect(mapEntryName('label_selector')).toBe('LabelSelectorEntry');
  });

  it('equal buf build output file by file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-buf-'));
    try {
      const out = join(dir, 'image.binpb');
      execFileSync(join(repoRoot, 'node_modules', '.bin', 'buf'), ['build', '--exclude-source-info', '-o', out], { cwd: repoRoot, stdio: 'pipe' });
      const set = descriptorTypes.FileDescriptorSet.decode(readFileSync(out)) as unknown as { file: Uint8Array[] };
      const theirs = new Map<string, Obj>();
      for (const f of (descriptorTypes.FileDescriptorSet.toObject(set as never, { arrays: true }) as { file: Obj[] }).file) {
        const bytes = descriptorTypes.FileDescriptorProto.encode(descriptorTypes.FileDescriptorProto.fromObject(f)).finish();
        theirs.set(f.name as string, normalize(decode(bytes)));
      }

      const pool = new DescriptorPool();
      pool.addRoot(loadSpec(), (file) => importName(file));
      expect(pool.fileNames().sort()).toEqual([...PROTO_FILES, ...IMPORTED_FILES].sort());
      // descriptor.proto comes from protobufjs, a different release of it than buf's.
      for (const name of [...PROTO_FILES, 'google/api/http.proto', 'google/api/annotations.proto']) {
        const ours = normalize(decode(pool.withDependencies(name)![0]!));
        expect(ours, name).toEqual(theirs.get(name));
      }
      // Not vacuous: the map entry and a proto3 optional are there on both sides.
      const template = (theirs.get('mcp_template.proto')!.messageType as Obj[]).find((m) => m.name === 'McpTemplate')!;
      expect(template.nestedType).toEqual([
        {
          name: 'LabelsEntry',
          field: [
            { name: 'key', number: 1, label: 1, type: 9, jsonName: 'key' },
            { name: 'value', number: 2, label: 1, type: 9, jsonName: 'value' },
          ],
          options: { mapEntry: true },
        },
      ]);
      expect((template.field as Obj[]).find((f) => f.name === 'replicas')).toMatchObject({ proto3Optional: true, oneofIndex: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers symbols with the file and its imports', () => {
    const pool = new DescriptorPool();
    pool.addRoot(loadSpec(), (file) => importName(file));
    expect(pool.fileOfSymbol('mcp.orchestrator.v1.McpOrchestratorService')).toBe('service.proto');
    expect(pool.fileOfSymbol('mcp.orchestrator.v1.McpOrchestratorService.ListMcpTemplates')).toBe('service.proto');
    expect(pool.fileOfSymbol('.mcp.orchestrator.v1.McpTemplate')).toBe('mcp_template.proto');
    expect(pool.fileOfSymbol('mcp.orchestrator.v1.McpTemplate.labels')).toBe('mcp_template.proto');
    expect(pool.fileOfSymbol('mcp.orchestrator.v1.SECRET_TYPE_TLS')).toBe('common.proto');
    expect(pool.fileOfSymbol('mcp.orchestrator.v1.Nope')).toBeUndefined();
    const files = pool.withDependencies('service.proto')!.map((b) => decode(b).name);
    expect(files[0]).toBe('service.proto');
    expect(new Set(files)).toEqual(new Set([...PROTO_FILES, ...IMPORTED_FILES]));
    expect(pool.fileOfSymbol('google.api.http')).toBe('google/api/annotations.proto');
  });
});

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatDiagnostic } from '../../src/core/diagnostic.js';
import { buildModel } from '../../src/model/build.js';

export const NAMESPACE = 'kind: Namespace\nname: default\n';
export const PRESET = `kind: ResourceLimit
name: n1-standard-nano
limits:
  cpu: 100m
  memory: 256Mi
  cpu_limit: 200m
  memory_limit: 512Mi
`;
export const TEMPLATE = `kind: McpTemplate
name: my-memory-server
namespace: default
image: node:24-alpine3.21
command: [npx]
args: ["-y", "@modelcontextprotocol/server-memory"]
resource_limit_name: n1-standard-nano
env_vars:
  - name: NODE_ENV
    value: production
labels:
  app: mcp-server
  env: prod
`;

/** A Sealed-Secrets-shaped ciphertext (2-byte length, 256-byte RSA part, GCM part); not a real seal. */
export function fakeSealed(seed: number): string {
  const bytes = Buffer.alloc(2 + 256 + 32, seed);
  bytes.writeUInt16BE(256, 0);
  return bytes.toString('base64');
}

/** A Secret declaration in namespace default with one key, sealed by fakeSealed (the shape a user commits). */
export function sealedSecretYaml(name: string, key: string, seed = 1): string {
  return `kind: Secret
name: ${name}
namespace: default
sealed:
  scope: SEALING_SCOPE_STRICT
  encrypted_data:
    ${key}: ${fakeSealed(seed)}
`;
}

/** Valid seed declarations plus the given files (path -> YAML), through the pure loader. */
export function check(files: Record<string, string>, base = true) {
  const all: Record<string, string> = base
    ? { 'resources/namespace.yaml': NAMESPACE, 'resources/preset.yaml': PRESET, 'resources/template.yaml': TEMPLATE, ...files }
    : files;
  const result = buildModel({ files: Object.entries(all).map(([path, text]) => ({ path, content: Buffer.from(text) })) });
  return { ...result, lines: result.diagnostics.map(formatDiagnostic) };
}

/** A real directory with the given files; returns its path. */
export function tempRepo(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-repo-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

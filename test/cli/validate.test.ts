import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/build.js';
import { mcpo } from '../support/mcpo.js';
import { tempRepo } from '../declarations/fixtures.js';

function copyOfThisRepo(): string {
  const dir = tempRepo({});
  cpSync(join(REPO_ROOT, 'resources'), join(dir, 'resources'), { recursive: true });
  return dir;
}

describe('mcpo validate (the pull-request check)', () => {
  it('passes on this repository', () => {
    const { code, stdout, stderr } = mcpo(['validate']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('valid: 1 namespaces, 1 resource limits, 1 templates, 1 secrets\n');
  });

  it('names all three errors of a broken template at once, with file:line:col, and exits 1', () => {
    const dir = copyOfThisRepo();
    const file = join(dir, 'resources/templates/default/my-memory-server.yaml');
    const broken = readFileSync(file, 'utf8')
      .replace('image:', 'imagee:')
      .replace('resource_limit_name: n1-standard-nano', 'resource_limit_name: n1-standard-pico')
      .concat('resources:\n  cpu: "100 m"\n');
    writeFileSync(file, broken);
    const { code, stderr } = mcpo(['validate', '--repo', dir]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      'resources/templates/default/my-memory-server.yaml:4:1: McpTemplate/default/my-memory-server: imagee: unknown field "imagee" in McpTemplate (did you mean "image"?)',
      'resources/templates/default/my-memory-server.yaml:7:22: McpTemplate/default/my-memory-server: resource_limit_name: resource limit preset "n1-standard-pico" is not declared (did you mean "n1-standard-nano"?)',
      'resources/templates/default/my-memory-server.yaml:15:8: McpTemplate/default/my-memory-server: resources.cpu: "100 m" is not a Kubernetes quantity (write it like "100m", "0.5", "256Mi" or "1Gi", with no spaces)',
      '3 errors',
    ]);

    const json = mcpo(['validate', '--repo', dir, '--format', 'json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { valid: boolean; errors: number; diagnostics: Array<Record<string, unknown>> };
    expect(report.valid).toBe(false);
    expect(report.errors).toBe(3);
    expect(report.diagnostics[0]).toEqual({
      code: 'field.unknown',
      severity: 'error',
      message: 'unknown field "imagee" in McpTemplate',
      file: 'resources/templates/default/my-memory-server.yaml',
      line: 4,
      column: 1,
      kind: 'McpTemplate',
      name: 'default/my-memory-server',
      path: 'imagee',
      hint: 'did you mean "image"?',
    });
  });

  it('prints no raw control character and no secret value, in text or in JSON', () => {
    const dir = copyOfThisRepo();
    writeFileSync(join(dir, 'resources/\u001b[2Kevil\r.yaml'), 'kind: Namespace\nname: "x\\e]0;title\\a\\rok"\n');
    writeFileSync(join(dir, 'resources/leak.yaml'), 'kind: Secret\nname: leak\nnamespace: default\nsealed:\n  encrypted_data:\n    pin: 48151623420\n');
    writeFileSync(join(dir, 'resources/leak2.yaml'), 'kind: Secret\nname: leak2\nnamespace: default\nsealed:\n  encrypted_data:\n    pin: "\\q48151623420"\n');
    const text = mcpo(['validate', '--repo', dir]);
    expect(text.code).toBe(1);
    expect(text.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(text.stderr).toContain('resources/\\x1b[2Kevil\\r.yaml:2:7: Namespace/x\\x1b]0;title\\x07\\rok: name: ');
    expect(text.stderr).toContain('resources/leak.yaml:6:10: Secret/default/leak: sealed.encrypted_data["pin"]: expected a string, got a number\n');
    expect(text.stderr).toContain('resources/leak2.yaml:6:11: invalid escape sequence in a double-quoted string\n');
    expect(text.stdout + text.stderr).not.toContain('48151623420');
    const json = mcpo(['validate', '--repo', dir, '--format', 'json']);
    const report = JSON.parse(json.stdout) as { diagnostics: Array<Record<string, unknown>> };
    for (const d of report.diagnostics) for (const value of Object.values(d)) expect(String(value)).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(json.stdout).not.toContain('48151623420');
  });

  it('exits 2 on usage errors', () => {
    expect(mcpo(['validate', '--format', 'xml']).code).toBe(2);
    expect(mcpo(['validat']).code).toBe(2);
    expect(mcpo(['validate', '--no-such-flag']).code).toBe(2);
  });
});

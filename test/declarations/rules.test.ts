import { describe, expect, it } from 'vitest';
import { RESERVED_VOLUME_NAMES } from '../../src/core/names.js';
import { check, fakeSealed, PRESET, TEMPLATE } from './fixtures.js';

const T = 'resources/template.yaml';
const P = 'resources/preset.yaml';
const SECRET = (extra = '') => `kind: Secret
name: db-credentials
namespace: default
${extra}sealed:
  encrypted_data:
    password: ${fakeSealed(1)}
    username: ${fakeSealed(2)}
`;

describe('semantic rules', () => {
  it('DNS-1035 template names (they name a Service)', () => {
    expect(check({ [T]: TEMPLATE.replace('name: my-memory-server', 'name: 1-memory') }).lines).toEqual([
      'resources/template.yaml:2:7: McpTemplate/default/1-memory: name: "1-memory" is not a DNS-1035 label: lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit',
    ]);
  });

  it('refuses names with path tricks', () => {
    expect(check({ [T]: TEMPLATE.replace('name: my-memory-server', 'name: ../etc/passwd') }).lines[0]).toMatch(
      /^resources\/template\.yaml:2:7: McpTemplate\/default\/\.\.\/etc\/passwd: name: "\.\.\/etc\/passwd" is not a DNS-1035 label/,
    );
  });

  it('parses quantities exactly', () => {
    const ok = check({
      [P]: PRESET.replace('cpu: 100m', 'cpu: "0.1"').replace('cpu_limit: 200m', 'cpu_limit: 0.2').replace('memory_limit: 512Mi', 'memory_limit: 0.5Gi'),
    });
    expect(ok.lines).toEqual([]);
    for (const bad of ['"100 m"', '100mm', '1.5.0', '"1e"', '-1', '"0"']) {
      const { lines } = check({ [P]: PRESET.replace('cpu: 100m', `cpu: ${bad}`) });
      expect(lines.length, bad).toBe(1);
      expect(lines[0]).toMatch(/^resources\/preset\.yaml:4:8: ResourceLimit\/n1-standard-nano: limits\.cpu: /);
    }
  });

  it('request must not exceed its limit, compared exactly across units', () => {
    const { lines } = check({ [P]: PRESET.replace('cpu: 100m', 'cpu: "0.3"').replace('memory: 256Mi', 'memory: 1Gi') });
    expect(lines).toEqual([
      'resources/preset.yaml:6:14: ResourceLimit/n1-standard-nano: limits.cpu_limit: cpu_limit 200m is below the cpu request 0.3 (a limit must be at least its request)',
      'resources/preset.yaml:7:17: ResourceLimit/n1-standard-nano: limits.memory_limit: memory_limit 512Mi is below the memory request 1Gi (a limit must be at least its request)',
    ]);
    expect(check({ [P]: PRESET.replace('cpu: 100m', 'cpu: 200m').replace('memory: 256Mi', 'memory: "536870912"') }).lines).toEqual([]);
  });

  it('template requests must stay within the preset limits', () => {
    const { lines } = check({ [T]: `${TEMPLATE}resources:\n  cpu: 250m\n  memory: 128Mi\n` });
    expect(lines).toEqual([
      'resources/template.yaml:15:8: McpTemplate/default/my-memory-server: resources.cpu: cpu request 250m is above the cpu limit 200m of preset "n1-standard-nano" (a request must not exceed its limit)',
    ]);
  });

  it('a reference to a missing preset is an error with the nearest name', () => {
    expect(check({ [T]: TEMPLATE.replace('resource_limit_name: n1-standard-nano', 'resource_limit_name: n1-standard-nan0') }).lines).toEqual([
      'resources/template.yaml:7:22: McpTemplate/default/my-memory-server: resource_limit_name: resource limit preset "n1-standard-nan0" is not declared (did you mean "n1-standard-nano"?)',
    ]);
  });

  it('templates and secrets must live in a declared namespace', () => {
    const { lines } = check({
      [T]: TEMPLATE.replace('namespace: default', 'namespace: prod'),
      'resources/secret.yaml': SECRET().replace('namespace: default', 'namespace: defualt'),
    });
    expect(lines).toEqual([
      'resources/secret.yaml:3:12: Secret/defualt/db-credentials: namespace: namespace "defualt" is not declared (did you mean "default"?)',
      'resources/template.yaml:3:12: McpTemplate/prod/my-memory-server: namespace: namespace "prod" is not declared (declare it with kind: Namespace)',
    ]);
  });

  it('env from a secret key needs the secret and the key', () => {
    const env = (name: string, key: string) => TEMPLATE.replace('value: production', `secret_key_ref: {name: ${name}, key: ${key}}`);
    expect(check({ [T]: env('db-credentials', 'password'), 'resources/secret.yaml': SECRET() }).lines).toEqual([]);
    expect(check({ [T]: env('db-credentials', 'passwd'), 'resources/secret.yaml': SECRET() }).lines).toEqual([
      'resources/template.yaml:10:49: McpTemplate/default/my-memory-server: env_vars[0].secret_key_ref.key: secret "db-credentials" has no key "passwd" (did you mean "password"?)',
    ]);
    expect(check({ [T]: env('db-creds', 'password'), 'resources/secret.yaml': SECRET() }).lines[0]).toContain(
      'env_vars[0].secret_key_ref.name: secret "db-creds" is not declared in namespace "default"',
    );
  });

  it('no duplicate resource, and the error names the first one', () => {
    const { lines } = check({ 'resources/z-copy.yaml': TEMPLATE });
    expect(lines).toEqual([
      'resources/z-copy.yaml:2:7: McpTemplate/default/my-memory-server: name: McpTemplate "default/my-memory-server" is declared twice (first declared at resources/template.yaml:1:1)',
    ]);
    expect(
      check({ 'resources/other-ns.yaml': 'kind: Namespace\nname: other\n---\n' + TEMPLATE.replace('namespace: default', 'namespace: other') }).lines,
    ).toEqual([]);
  });

  it('label keys and values follow Kubernetes syntax; ours are reserved', () => {
    const { lines } = check({
      [T]: TEMPLATE.replace('env: prod', `env: "${'x'.repeat(64)}"\n  example.com/team: ok\n  app.kubernetes.io/managed-by: me`),
    });
    expect(lines).toEqual([
      'resources/template.yaml:13:3: McpTemplate/default/my-memory-server: labels["env"]: label value must be at most 63 characters, got 64',
      'resources/template.yaml:15:3: McpTemplate/default/my-memory-server: labels["app.kubernetes.io/managed-by"]: label "app.kubernetes.io/managed-by" is set by mcp-orchestrator and cannot be declared',
    ]);
    // Every label render sets is reserved, so a declared one is never silently overwritten.
    expect(check({ [T]: TEMPLATE.replace('env: prod', 'app.kubernetes.io/component: db') }).lines).toEqual([
      'resources/template.yaml:13:3: McpTemplate/default/my-memory-server: labels["app.kubernetes.io/component"]: label "app.kubernetes.io/component" is set by mcp-orchestrator and cannot be declared',
    ]);
  });

  it('env var names are valid and unique', () => {
    const { lines } = check({
      [T]: TEMPLATE.replace('value: production', 'value: production\n  - name: NODE_ENV\n    value: x\n  - name: "1BAD"\n    value: y'),
    });
    expect(lines).toEqual([
      'resources/template.yaml:11:11: McpTemplate/default/my-memory-server: env_vars[1].name: environment variable "NODE_ENV" is set twice',
      "resources/template.yaml:13:11: McpTemplate/default/my-memory-server: env_vars[2].name: \"1BAD\" is not a valid environment variable name: letters, digits, '-', '_' and '.', not starting with a digit",
    ]);
  });

  it('secrets hold sealed values only, and never echo what is there', () => {
    const plain = SECRET().replace(fakeSealed(1), 'hunter2');
    const { lines } = check({ 'resources/secret.yaml': plain });
    expect(lines).toEqual([
      'resources/secret.yaml:6:5: Secret/default/db-credentials: sealed.encrypted_data["password"]: the value of "password" is not a Sealed Secrets ciphertext: not standard base64; expected a value sealed with `mcpo` or kubeseal (never commit plaintext: seal it with `mcpo secret update` or `mcpo secret create`)',
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
    // The seed's example data: base64 of a plaintext, not sealed.
    const encoded = check({ 'resources/secret.yaml': SECRET().replace(fakeSealed(2), 'YWRtaW4=') }).lines;
    expect(encoded).toEqual([
      'resources/secret.yaml:7:5: Secret/default/db-credentials: sealed.encrypted_data["username"]: the value of "username" is not a Sealed Secrets ciphertext: not a sealed value (no RSA part of a plausible size); was a plaintext value base64-encoded instead of sealed? (never commit plaintext: seal it with `mcpo secret update` or `mcpo secret create`)',
    ]);
  });

  it('secret types demand their keys', () => {
    const { lines } = check({ 'resources/secret.yaml': SECRET('type: SECRET_TYPE_TLS\n') });
    expect(lines).toEqual([
      'resources/secret.yaml:6:3: Secret/default/db-credentials: sealed.encrypted_data: a SECRET_TYPE_TLS secret needs the keys "tls.crt", "tls.key"',
    ]);
    expect(check({ 'resources/secret.yaml': SECRET('type: SECRET_TYPE_BASIC_AUTH\n') }).lines).toEqual([]);
  });

  it('presets: volumes need a source, absolute unique paths', () => {
    const { lines } = check({
      [P]: `${PRESET}volumes:\n  - {name: cache, mount_path: /cache, empty_dir: {size_limit: 1Gi}}\n  - {name: cache, mount_path: relative}\n`,
    });
    expect(lines).toEqual([
      'resources/preset.yaml:10:5: ResourceLimit/n1-standard-nano: volumes[1]: a volume needs a source (set empty_dir: {})',
      'resources/preset.yaml:10:12: ResourceLimit/n1-standard-nano: volumes[1].name: volume "cache" is declared twice',
      'resources/preset.yaml:10:31: ResourceLimit/n1-standard-nano: volumes[1].mount_path: "relative" must be an absolute path without ".."',
    ]);
    expect(check({ [P]: `${PRESET}volumes:\n  - {name: mcpo-home, mount_path: /data, empty_dir: {}}\n` }).lines).toEqual([
      'resources/preset.yaml:9:12: ResourceLimit/n1-standard-nano: volumes[0].name: volume name "mcpo-home" is used by mcp-orchestrator (the writable home and /tmp of every pod, the bridge of a stdio server) (pick another name; to replace one of them, mount your volume at its path)',
    ]);
  });

  it('presets: every volume name render adds to a pod is reserved', () => {
    for (const name of new Set([...RESERVED_VOLUME_NAMES, 'mcpo-home', 'mcpo-tmp', 'mcpo-bridge'])) {
      const { lines } = check({ [P]: `${PRESET}volumes:\n  - {name: ${name}, mount_path: /data, empty_dir: {}}\n` });
      expect(lines, name).toEqual([expect.stringContaining(`volumes[0].name: volume name "${name}" is used by mcp-orchestrator`)]);
    }
  });

  it('presets: no volume at or below /mcpo, where the bridge binary is mounted (any spelling of the path)', () => {
    for (const path of ['/mcpo/bin', '/mcpo', '/mcpo/', '/mcpo/bin/', '//mcpo//bin', '/./mcpo/./bin', '/mcpo/bin/extra', '/mcpo/other']) {
      const { lines } = check({ [P]: `${PRESET}volumes:\n  - {name: data, mount_path: "${path}", empty_dir: {}}\n` });
      expect(lines, path).toEqual([
        `resources/preset.yaml:9:30: ResourceLimit/n1-standard-nano: volumes[0].mount_path: mount path "${path}" is inside /mcpo, where mcp-orchestrator puts the stdio bridge (mount the volume somewhere else; /mcpo is reserved in every pod)`,
      ]);
    }
    for (const path of ['/mcpobin', '/opt/mcpo', '/data/mcpo/bin', '/tmp', '/home/mcp'])
      expect(check({ [P]: `${PRESET}volumes:\n  - {name: data, mount_path: "${path}", empty_dir: {}}\n` }).lines, path).toEqual([]);
  });
});

describe('templates: path', () => {
  const withPath = (path: string, transport = '') => check({ [T]: `${TEMPLATE}${transport}path: ${JSON.stringify(path)}\n` });

  it('takes an endpoint path and defaults it to /mcp, /sse for SSE', () => {
    for (const path of ['/mcp', '/', '/v1/mcp/', "/a-b_c.d~e/!$&'()*+,;=:@/%2F"]) {
      const { model, lines } = withPath(path);
      expect(lines, path).toEqual([]);
      expect(model!.templates.get('default/my-memory-server')!.path).toBe(path);
    }
    expect(check({}).model!.templates.get('default/my-memory-server')!.path).toBe('/mcp');
    const http = check({ [T]: `${TEMPLATE}transport: TRANSPORT_STREAMABLE_HTTP\n` });
    expect(http.model!.templates.get('default/my-memory-server')!.path).toBe('/mcp');
    const sse = check({ [T]: `${TEMPLATE}transport: TRANSPORT_SSE\n` });
    expect(sse.model!.templates.get('default/my-memory-server')!.path).toBe('/sse');
  });

  it('refuses what is not an absolute URL path a server serves as written, naming the field', () => {
    const cases: [string, string][] = [
      ['mcp', 'path "mcp" must start with "/"'],
      ['', 'path "" must start with "/"'],
      ['/mcp?session=1', 'path "/mcp?session=1" must not have a query or fragment ("?" or "#")'],
      ['/mcp#x', 'path "/mcp#x" must not have a query or fragment ("?" or "#")'],
      ['/a/../mcp', 'path "/a/../mcp" must not have "." or ".." segments or "//"'],
      ['/..', 'path "/.." must not have "." or ".." segments or "//"'],
      ['/./mcp', 'path "/./mcp" must not have "." or ".." segments or "//"'],
      ['//mcp', 'path "//mcp" must not have "." or ".." segments or "//"'],
      ['/m p', `path "/m p" may hold only URL path characters: letters, digits, "-._~!$&'()*+,;=:@/" and %XX escapes`],
      ['/%zz', `path "/%zz" may hold only URL path characters: letters, digits, "-._~!$&'()*+,;=:@/" and %XX escapes`],
      ['/\u001b[2J', `path "/\\x1b[2J" may hold only URL path characters: letters, digits, "-._~!$&'()*+,;=:@/" and %XX escapes`],
      [`/${'a'.repeat(300)}`, 'a path of 301 characters is over the limit of 256'],
    ];
    for (const [path, message] of cases) {
      expect(withPath(path).lines, path).toEqual([
        `resources/template.yaml:14:7: McpTemplate/default/my-memory-server: path: ${message} (write the MCP endpoint path like "/mcp")`,
      ]);
    }
  });
});

describe('templates: image', () => {
  const withImage = (image: string) => check({ [T]: TEMPLATE.replace('image: node:24-alpine3.21', `image: ${JSON.stringify(image)}`) });

  it('takes every form of reference the kubelet pulls', () => {
    for (const image of [
      'node',
      'node:24-alpine3.21',
      'library/node:24',
      'ghcr.io/astral-sh/uv:python3.12-bookworm-slim',
      'localhost:5000/mcp/fetch',
      'registry.example.com:443/a/b/c:1.0',
      'mcp/fetch@sha256:' + 'ab'.repeat(32),
      'mcp/fetch:1.0@sha256:' + 'ab'.repeat(32),
      'node@sha512:' + '0f'.repeat(64),
      'node@sha384:' + '0f'.repeat(48),
      'my_org/my__repo-x.y:V1_2',
    ])
      expect(withImage(image).lines, image).toEqual([]);
  });

  it('refuses what the kubelet could not parse (InvalidImageName), saying what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['Node:24', /path component "Node" must be lowercase letters and digits.*\(no capitals\)/],
      ['ghcr.io/Org/server', /path component "Org" must be lowercase/],
      ['node:', /the tag "" must be 1 to 128/],
      ['node:-x', /the tag "-x" must be 1 to 128/],
      ['node@sha256:abc', /the digest "sha256:abc" is not ALGORITHM:HEX/],
      // What the registry grammar allows but the kubelet's digest parser (go-digest) refuses.
      ['node@sha256:' + 'ab'.repeat(16), /a sha256 digest has 64 hex digits, not 32/],
      ['node@sha256:' + 'ab'.repeat(33), /a sha256 digest has 64 hex digits, not 66/],
      ['node@sha512:' + 'ab'.repeat(32), /a sha512 digest has 128 hex digits, not 64/],
      ['node@sha256:' + 'AB'.repeat(32), /hex digits must be lowercase/],
      ['node@md5:' + 'ab'.repeat(16), /the digest algorithm "md5" is not one of sha256, sha384, sha512/],
      ['ghcr.io//server', /path component "" must be/],
      ['bad_host.io:port/x', /the registry "bad_host\.io:port" is not a host name/],
      [':1.0', /the repository name is missing/],
      ['node 24', /must not contain white space/],
    ];
    for (const [image, message] of cases) {
      const { lines } = withImage(image);
      expect(lines, image).toHaveLength(1);
      expect(lines[0], image).toMatch(/^resources\/template\.yaml:4:8: McpTemplate\/default\/my-memory-server: image: /);
      expect(lines[0], image).toMatch(message);
    }
  });
});

describe('templates: a stdio server needs a command', () => {
  it('keeps its kind, and says the bridge replaces the entrypoint: name it, as for a catalog image', () => {
    const { diagnostics, lines } = check({
      [T]: TEMPLATE.replace('command: [npx]\n', '').replace('args: ["-y", "@modelcontextprotocol/server-memory"]\n', ''),
    });
    expect(diagnostics.map((d) => d.code)).toEqual(['field.required']);
    expect(lines[0]).toMatch(/: command: a stdio MCP server needs "command" \(the stdio bridge replaces the image's entrypoint/);
    expect(diagnostics[0]!.hint).toContain('command: [uvx], args: [mcp-server-fetch]');
    expect(diagnostics[0]!.hint).toContain('put that entrypoint in command');
  });
});

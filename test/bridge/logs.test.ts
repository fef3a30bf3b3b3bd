/**
 * The bridge's log: JSON lines on stderr, the child's stderr relayed line by line, and never
 * a message body (tool arguments and results can hold credentials) nor the value of a secret
 * the declared args take through $(VAR).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sealedSecretYaml } from '../declarations/fixtures.js';
import { bridgeSetup, connect, FIXTURE_SERVER, renderedContainer, startBridge, stdioTemplate, text, useBridges } from './_support.js';

useBridges();
beforeAll(() => void bridgeSetup(), 600_000);

const SENTINEL = `sentinel-${process.pid}-7f3a9c`;
const SECRET_VALUE = `secret-${process.pid}-b81e04`;

/** A fixture template whose args carry a secret through $(API_TOKEN), as a user would write it. */
function containerWithSecret() {
  const secret = sealedSecretYaml('api-token', 'token');
  const template = stdioTemplate(
    'with-secret',
    [process.execPath],
    [FIXTURE_SERVER, '--token', '$(API_TOKEN)'],
    `env_vars:
  - name: API_TOKEN
    secret_key_ref: { name: api-token, key: token }
`,
  );
  return renderedContainer({ 'resources/secrets/default/api-token.yaml': secret, 'resources/templates/default/with-secret.yaml': template }, 'with-secret');
}

describe.each(['info (the default)', 'debug'])('the log at level %s', (level) => {
  it('has no tool argument, no tool result and no secret value, but relays the server’s stderr', async () => {
    const container = containerWithSecret();
    const flags = level === 'debug' ? ['--log-level', 'debug'] : [];
    const bridge = await startBridge(container, { flags, secrets: { API_TOKEN: SECRET_VALUE } });
    // The secret did reach the server's argv (so its absence from the log means something).
    expect(bridge.argv).toContain(SECRET_VALUE);

    const { client } = await connect(bridge);
    const result = await client.callTool({ name: 'echo', arguments: { text: SENTINEL } });
    expect(text(result)).toBe(`echo: ${SENTINEL}`);
    await client.listTools();
    await bridge.stop();

    const stderr = bridge.stderr();
    expect(stderr).not.toContain(SENTINEL);
    expect(stderr).not.toContain(SECRET_VALUE);
    const logs = bridge.logs(); // every line is JSON
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'child stderr', line: 'fixture server up after 0 ms' }));
    if (level === 'debug') expect(logs.some((l) => JSON.stringify(l).includes('tools/call'))).toBe(true);
    else expect(logs.every((l) => l.level !== 'DEBUG')).toBe(true);
  });
});

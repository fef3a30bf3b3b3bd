/** The endpoint and client configurations the catalog shows, for each transport (the browser tests cover the seed's stdio one). */
import { describe, expect, it } from 'vitest';
import { endpoint, snippets } from '../../console/src/snippets.js';

describe('console client snippets', () => {
  it('uses the port and path of the template, with the defaults of spec/ when unset', () => {
    expect(endpoint({ name: 'a', namespace: 'n' })).toBe('http://a.n.svc.cluster.local:8000/mcp');
    expect(endpoint({ name: 'a', namespace: 'n', transport: 'TRANSPORT_SSE' })).toBe('http://a.n.svc.cluster.local:8000/sse');
    expect(endpoint({ name: 'a', namespace: 'n', transport: 'TRANSPORT_STREAMABLE_HTTP', port: 3000, path: '/api/mcp' })).toBe(
      'http://a.n.svc.cluster.local:3000/api/mcp',
    );
  });

  it('says SSE to the clients that distinguish it', () => {
    const url = 'http://events.tools.svc.cluster.local:9000/sse';
    const byId = Object.fromEntries(snippets({ name: 'events', namespace: 'tools', transport: 'TRANSPORT_SSE', port: 9000 }).map((s) => [s.id, s.text]));
    expect(JSON.parse(byId.vscode!)).toEqual({ servers: { events: { type: 'sse', url } } });
    expect(byId['claude-code']).toBe(`claude mcp add --transport sse events ${url}`);
    expect(JSON.parse(byId['claude-desktop']!)).toEqual({ mcpServers: { events: { command: 'npx', args: ['-y', 'mcp-remote', url] } } });
    expect(JSON.parse(byId.cursor!)).toEqual({ mcpServers: { events: { url } } });
  });
});

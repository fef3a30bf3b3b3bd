/** The in-cluster endpoint of a template and client configurations for it. */
import type { Schemas } from './api.js';

type Template = Schemas['McpTemplate'];

export function endpoint(t: Template): string {
  const port = t.port ?? 8000;
  const path = t.path ?? (t.transport === 'TRANSPORT_SSE' ? '/sse' : '/mcp');
  return `http://${t.name ?? ''}.${t.namespace ?? ''}.svc.cluster.local:${port}${path}`;
}

export interface Snippet {
  id: string;
  label: string;
  /** Where it goes. */
  where: string;
  text: string;
}

export function snippets(t: Template): Snippet[] {
  const url = endpoint(t);
  const name = t.name ?? 'mcp-server';
  const sse = t.transport === 'TRANSPORT_SSE';
  const json = (v: unknown): string => JSON.stringify(v, null, 2);
  return [
    { id: 'vscode', label: 'VS Code', where: '.vscode/mcp.json', text: json({ servers: { [name]: { type: sse ? 'sse' : 'http', url } } }) },
    { id: 'claude-code', label: 'Claude Code', where: 'shell', text: `claude mcp add --transport ${sse ? 'sse' : 'http'} ${name} ${url}` },
    {
      id: 'claude-desktop',
      label: 'Claude Desktop',
      where: 'claude_desktop_config.json',
      text: json({ mcpServers: { [name]: { command: 'npx', args: ['-y', 'mcp-remote', url] } } }),
    },
    { id: 'cursor', label: 'Cursor', where: '.cursor/mcp.json', text: json({ mcpServers: { [name]: { url } } }) },
  ];
}

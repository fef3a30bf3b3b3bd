/**
 * The web console: what is declared (templates, presets, namespaces,
 * secrets), what runs (pods per template), and how to connect an MCP client.
 * Read-only, on the public HTTP API only; the view lives in the query string.
 */
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { setToken, startStatusPolling, storedToken } from './api.js';
import { Catalog } from './catalog.js';
import { Banner, CommitInfo } from './status.js';
import { Namespaces, Presets, Secrets } from './views.js';
import { navigate, useRoute } from './route.js';
import { useServerState } from './hooks.js';

const VIEWS = [
  { id: 'catalog', label: 'Catalog' },
  { id: 'presets', label: 'Presets' },
  { id: 'namespaces', label: 'Namespaces' },
  { id: 'secrets', label: 'Secrets' },
] as const;

function TokenPrompt() {
  const [value, setValue] = useState('');
  return (
    <form
      class="token"
      onSubmit={(e) => {
        e.preventDefault();
        if (value) setToken(value);
      }}
    >
      <h2>This server needs a token</h2>
      {storedToken() !== undefined && <p role="alert">The server did not accept the token of this tab; paste the current one.</p>}
      <p>
        Paste the bearer token of <code>mcpo serve --auth-token-file</code>. It stays in this tab (sessionStorage) and is sent only as an{' '}
        <code>Authorization</code> header to this server.
      </p>
      <label for="token-input">Token</label>
      <input id="token-input" type="password" autocomplete="off" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
      <button type="submit">Use token</button>
    </form>
  );
}

function App() {
  const route = useRoute();
  const server = useServerState();
  const view = VIEWS.some((v) => v.id === route.get('view')) ? route.get('view')! : 'catalog';
  return (
    <>
      <header>
        <h1>mcp-orchestrator</h1>
        <nav aria-label="Views">
          {VIEWS.map((v) => (
            <a
              key={v.id}
              href={`/?view=${v.id}`}
              aria-current={v.id === view ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate({ view: v.id });
              }}
            >
              {v.label}
            </a>
          ))}
        </nav>
        <CommitInfo server={server} />
        {storedToken() !== undefined && (
          <button type="button" class="link" onClick={() => setToken(undefined)}>
            Forget token
          </button>
        )}
      </header>
      <Banner server={server} />
      <main>
        {server.needToken ? (
          <TokenPrompt />
        ) : view === 'presets' ? (
          <Presets />
        ) : view === 'namespaces' ? (
          <Namespaces />
        ) : view === 'secrets' ? (
          <Secrets />
        ) : (
          <Catalog />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
startStatusPolling(2000);

/** The catalog of templates: filters and pages in the URL, a card per template with its endpoint, client snippets and live pods. */
import { useState } from 'preact/hooks';
import { api, type Schemas } from './api.js';
import { useQuery } from './hooks.js';
import { navigate, useRoute } from './route.js';
import { endpoint, snippets } from './snippets.js';

const PAGE_SIZE = 50;
const SERVERS_POLL_MS = 5000;

type Template = Schemas['McpTemplate'];
type Server = Schemas['McpServer'];

/** `app=web, env=prod` → { app: 'web', env: 'prod' }; undefined when not of that form. */
export function parseSelector(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq <= 0) return undefined;
    out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return out;
}

function resources(r: Schemas['ResourceRequirements'] | undefined): string {
  return [r?.cpu && `cpu ${r.cpu}`, r?.memory && `memory ${r.memory}`].filter(Boolean).join(', ') || '—';
}

export function Labels({ labels }: { labels?: Record<string, string> }) {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return <span class="muted">none</span>;
  return (
    <ul class="labels">
      {entries.map(([k, v]) => (
        <li key={k}>
          {k}={v}
        </li>
      ))}
    </ul>
  );
}

function transport(t: Template['transport']): string {
  return t === 'TRANSPORT_STREAMABLE_HTTP' ? 'Streamable HTTP' : t === 'TRANSPORT_SSE' ? 'SSE' : 'stdio (bridged to HTTP)';
}

function Copy({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      aria-label={label}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => {
            setDone(true);
            setTimeout(() => setDone(false), 1500);
          },
          () => undefined,
        );
      }}
    >
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

function Snippets({ template }: { template: Template }) {
  const all = snippets(template);
  const [chosen, setChosen] = useState(all[0]!.id);
  const s = all.find((x) => x.id === chosen) ?? all[0]!;
  const id = `${template.namespace}-${template.name}`;
  return (
    <div class="snippets">
      <div role="tablist" aria-label="Client configuration">
        {all.map((x) => (
          <button
            key={x.id}
            type="button"
            role="tab"
            id={`tab-${id}-${x.id}`}
            aria-selected={x.id === s.id}
            aria-controls={`panel-${id}`}
            tabIndex={x.id === s.id ? 0 : -1}
            onClick={() => setChosen(x.id)}
            onKeyDown={(e) => {
              // The tabs pattern: arrows move between tabs, Home/End to the ends.
              const i = all.findIndex((y) => y.id === x.id);
              const to = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? all.length - 1 : undefined;
              if (to === undefined) return;
              e.preventDefault();
              const next = all[(to + all.length) % all.length]!;
              setChosen(next.id);
              document.getElementById(`tab-${id}-${next.id}`)?.focus();
            }}
          >
            {x.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${id}`} aria-labelledby={`tab-${id}-${s.id}`}>
        <p class="muted">
          {s.where} <Copy text={s.text} label={`Copy the ${s.label} configuration of ${template.name}`} />
        </p>
        <pre data-testid="snippet">{s.text}</pre>
      </div>
    </div>
  );
}

function Pods({ servers, unavailable }: { servers?: Server[]; unavailable?: string }) {
  if (unavailable !== undefined) return <p class="muted">Live servers: {unavailable}</p>;
  if (!servers) return <p class="muted">Live servers: loading…</p>;
  if (servers.length === 0) return <p class="muted">Live servers: no pods.</p>;
  return (
    <table class="pods">
      <caption>Live servers</caption>
      <thead>
        <tr>
          <th scope="col">Pod</th>
          <th scope="col">Phase</th>
          <th scope="col">Ready</th>
          <th scope="col">Restarts</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {servers.map((p) => (
          <tr key={p.name} class={p.reason ? 'failing' : undefined}>
            <td>{p.name}</td>
            <td>{p.phase ?? '—'}</td>
            <td>{p.ready ? 'yes' : 'no'}</td>
            <td>{p.restartCount ?? 0}</td>
            <td>
              {p.reason ?? ''}
              {p.reason && p.message && <div class="muted">{p.message}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Card({ t, servers, serversUnavailable }: { t: Template; servers?: Server[]; serversUnavailable?: string }) {
  return (
    <article class="card" data-testid="template" aria-labelledby={`h-${t.namespace}-${t.name}`}>
      <h2 id={`h-${t.namespace}-${t.name}`}>
        {t.displayName || t.name} <span class="muted">{t.displayName ? `${t.namespace}/${t.name}` : t.namespace}</span>
      </h2>
      {t.description && <p>{t.description}</p>}
      <dl>
        <dt>Image</dt>
        <dd>
          <code>{t.image}</code>
        </dd>
        <dt>Transport</dt>
        <dd>{transport(t.transport)}</dd>
        <dt>Preset</dt>
        <dd>
          <a
            href={`/?view=presets#${t.resourceLimitName ?? ''}`}
            onClick={(e) => {
              e.preventDefault();
              navigate({ view: 'presets' });
            }}
          >
            {t.resourceLimitName}
          </a>
        </dd>
        <dt>Requests</dt>
        <dd>{resources(t.resolvedRequests)}</dd>
        <dt>Limits</dt>
        <dd>{resources(t.resolvedLimits)}</dd>
        <dt>Replicas</dt>
        <dd>{t.replicas ?? 1}</dd>
        <dt>Labels</dt>
        <dd>
          <Labels labels={t.labels} />
        </dd>
        <dt>Endpoint</dt>
        <dd>
          <code data-testid="endpoint">{endpoint(t)}</code> <Copy text={endpoint(t)} label={`Copy the endpoint of ${t.name}`} />
        </dd>
      </dl>
      <Snippets template={t} />
      <Pods servers={servers} unavailable={serversUnavailable} />
    </article>
  );
}

export function Catalog() {
  const route = useRoute();
  const ns = route.get('ns') ?? '';
  const selectorText = route.get('labels') ?? '';
  const text = route.get('q') ?? '';
  const page = route.get('page') ?? '';
  const sizeParam = Number(route.get('size'));
  const size = Number.isInteger(sizeParam) && sizeParam > 0 && sizeParam <= 1000 ? sizeParam : PAGE_SIZE;
  const view = { view: 'catalog', ns, labels: selectorText, q: text, size: size === PAGE_SIZE ? undefined : String(size) };
  const [pages, setPages] = useState<string[]>([]);
  const selector = parseSelector(selectorText);
  const set = (patch: Record<string, string>, replace = false) => {
    setPages([]);
    navigate({ ...view, ...patch, page: undefined }, replace);
  };

  const namespaces = useQuery(() => api().GET('/v1/namespaces', { params: { query: { pageSize: 1000 } } }), []);
  const list = useQuery(
    () =>
      api().GET('/v1/templates', {
        params: {
          query: {
            pageSize: size,
            pageToken: page || undefined,
            namespace: ns || undefined,
            labelSelector: selector && Object.keys(selector).length > 0 ? selector : undefined,
          },
        },
      }),
    [ns, selectorText, page, size],
  );
  const servers = useQuery(() => api().GET('/v1/servers', { params: { query: { namespace: ns || undefined, pageSize: 1000 } } }), [ns], SERVERS_POLL_MS);

  const needle = text.toLowerCase();
  const shown = (list.data?.templates ?? []).filter(
    (t) => !needle || [t.name, t.displayName, t.description, t.namespace, t.image].some((f) => f?.toLowerCase().includes(needle)),
  );
  const byTemplate = new Map<string, Server[]>();
  for (const s of servers.data?.servers ?? []) {
    const key = `${s.namespace}/${s.templateName}`;
    byTemplate.set(key, [...(byTemplate.get(key) ?? []), s]);
  }
  // 503 without a cluster: the server's message says what to pass (--kubeconfig).
  const serversUnavailable = servers.error?.message;

  return (
    <section aria-label="Catalog">
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Namespace
          <select value={ns} onChange={(e) => set({ ns: (e.target as HTMLSelectElement).value })}>
            <option value="">all</option>
            {(namespaces.data?.namespaces ?? []).map((n) => (
              <option key={n.name} value={n.name}>
                {n.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Labels
          <input
            name="labels"
            placeholder="app=web, env=prod"
            value={selectorText}
            aria-invalid={selector === undefined}
            onChange={(e) => set({ labels: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          Search this page
          <input type="search" name="q" value={text} onInput={(e) => set({ q: (e.target as HTMLInputElement).value }, true)} />
        </label>
      </form>
      {selector === undefined && <p role="alert">A label selector is key=value pairs separated by commas.</p>}
      {list.error && list.error.diagnostics.length === 0 && (
        <p role="alert" class="error">
          {list.error.message}
        </p>
      )}
      {!list.data && !list.error && <p class="muted">loading…</p>}
      {list.data && (
        <p class="muted" aria-live="polite">
          {list.data.totalCount ?? shown.length} template{(list.data.totalCount ?? shown.length) === 1 ? '' : 's'}
          {needle ? `, ${shown.length} on this page match “${text}”` : ''}
        </p>
      )}
      {shown.map((t) => (
        <Card
          key={`${t.namespace}/${t.name}`}
          t={t}
          servers={byTemplate.get(`${t.namespace}/${t.name}`) ?? (servers.data ? [] : undefined)}
          serversUnavailable={serversUnavailable}
        />
      ))}
      <nav class="pager" aria-label="Pages">
        <button
          type="button"
          disabled={!page}
          onClick={() => {
            const prev = pages.slice(0, -1);
            const back = pages[pages.length - 1];
            setPages(prev);
            navigate({ ...view, page: back || undefined });
          }}
        >
          Previous page
        </button>
        <button
          type="button"
          disabled={!list.data?.nextPageToken}
          onClick={() => {
            setPages([...pages, page]);
            navigate({ ...view, page: list.data?.nextPageToken });
          }}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}

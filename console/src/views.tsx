/** Presets (usage and the templates using them), namespaces, secrets (type and key names only). */
import type { ComponentChildren } from 'preact';
import { allPages, api, type Schemas } from './api.js';
import { Labels } from './catalog.js';
import { useQuery, type Query } from './hooks.js';
import { navigate } from './route.js';

function Loading<T>({ q, children }: { q: Query<T>; children: (data: T) => ComponentChildren }) {
  // A failed commit's diagnostics are in the banner already.
  if (q.error && q.error.diagnostics.length > 0) return null;
  if (q.error)
    return (
      <p role="alert" class="error">
        {q.error.message}
      </p>
    );
  if (!q.data) return <p class="muted">loading…</p>;
  return <>{children(q.data)}</>;
}

/** A listing's table: caption, column headers, the rows, and a note when the listing was cut. */
function Listing({
  caption,
  columns,
  shown,
  total,
  testid,
  children,
}: {
  caption: string;
  columns: string[];
  shown: number;
  total: number;
  testid?: string;
  children: ComponentChildren;
}) {
  return (
    <>
      <table data-testid={testid}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
      {total > shown && (
        <p class="muted">
          Showing the first {shown} of {total}.
        </p>
      )}
    </>
  );
}

function TemplatesOf({ preset }: { preset: string }) {
  const q = useQuery(() => api().GET('/v1/templates', { params: { query: { resourceLimitName: preset, pageSize: 100 } } }), [preset]);
  return (
    <Loading q={q}>
      {(d) =>
        (d.templates ?? []).length === 0 ? (
          <span class="muted">none</span>
        ) : (
          <ul class="inline">
            {(d.templates ?? []).map((t) => (
              <li key={`${t.namespace}/${t.name}`}>
                <a
                  href={`/?view=catalog&ns=${encodeURIComponent(t.namespace ?? '')}&q=${encodeURIComponent(t.name ?? '')}`}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate({ view: 'catalog', ns: t.namespace, q: t.name });
                  }}
                >
                  {t.namespace}/{t.name}
                </a>
              </li>
            ))}
            {(d.totalCount ?? 0) > (d.templates ?? []).length && <li class="muted">and {(d.totalCount ?? 0) - (d.templates ?? []).length} more</li>}
          </ul>
        )
      }
    </Loading>
  );
}

function limits(l: Schemas['ResourceLimit'] | undefined): string {
  if (!l) return '—';
  const req = [l.cpu && `cpu ${l.cpu}`, l.memory && `memory ${l.memory}`].filter(Boolean).join(', ');
  const lim = [l.cpuLimit && `cpu ${l.cpuLimit}`, l.memoryLimit && `memory ${l.memoryLimit}`].filter(Boolean).join(', ');
  return [req && `requests ${req}`, lim && `limits ${lim}`, l.ephemeralStorage && `ephemeral storage ${l.ephemeralStorage}`].filter(Boolean).join('; ') || '—';
}

export function Presets() {
  const q = useQuery(
    () =>
      allPages(
        (pageToken) => api().GET('/v1/resource-limits', { params: { query: { pageSize: 500, pageToken } } }),
        (d) => d.resourceLimits,
      ),
    [],
  );
  return (
    <section aria-label="Presets">
      <Loading q={q}>
        {(d) => (
          <Listing
            caption="Resource presets"
            columns={['Preset', 'Resources', 'Labels', 'Usage', 'Templates']}
            shown={d.items.length}
            total={d.total}
            testid="presets"
          >
            {d.items.map((p) => (
              <tr key={p.name} id={p.name} data-testid="preset">
                <th scope="row">
                  {p.displayName || p.name}
                  {p.displayName && <div class="muted">{p.name}</div>}
                  {p.description && <div>{p.description}</div>}
                </th>
                <td>{limits(p.limits)}</td>
                <td>
                  <Labels labels={p.labels} />
                </td>
                <td data-testid="usage">{p.usageCount ?? 0}</td>
                <td>
                  <TemplatesOf preset={p.name ?? ''} />
                </td>
              </tr>
            ))}
          </Listing>
        )}
      </Loading>
    </section>
  );
}

export function Namespaces() {
  const q = useQuery(
    () =>
      allPages(
        (pageToken) => api().GET('/v1/namespaces', { params: { query: { pageSize: 500, pageToken } } }),
        (d) => d.namespaces,
      ),
    [],
  );
  return (
    <section aria-label="Namespaces">
      <Loading q={q}>
        {(d) => (
          <Listing caption="Namespaces" columns={['Namespace', 'Labels', 'Templates', 'Secrets']} shown={d.items.length} total={d.total}>
            {d.items.map((n) => (
              <tr key={n.name} data-testid="namespace">
                <th scope="row">
                  <a
                    href={`/?view=catalog&ns=${encodeURIComponent(n.name ?? '')}`}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate({ view: 'catalog', ns: n.name });
                    }}
                  >
                    {n.displayName || n.name}
                  </a>
                  {n.displayName && <div class="muted">{n.name}</div>}
                  {n.description && <div>{n.description}</div>}
                </th>
                <td>
                  <Labels labels={n.labels} />
                </td>
                <td>{n.templateCount ?? 0}</td>
                <td>{n.secretCount ?? 0}</td>
              </tr>
            ))}
          </Listing>
        )}
      </Loading>
    </section>
  );
}

const SECRET_TYPES: Record<string, string> = {
  SECRET_TYPE_OPAQUE: 'Opaque',
  SECRET_TYPE_DOCKER_CONFIG_JSON: 'kubernetes.io/dockerconfigjson',
  SECRET_TYPE_BASIC_AUTH: 'kubernetes.io/basic-auth',
  SECRET_TYPE_SSH_AUTH: 'kubernetes.io/ssh-auth',
  SECRET_TYPE_TLS: 'kubernetes.io/tls',
};

export function Secrets() {
  const q = useQuery(
    () =>
      allPages(
        (pageToken) => api().GET('/v1/secrets', { params: { query: { pageSize: 500, pageToken } } }),
        (d) => d.secrets,
      ),
    [],
  );
  return (
    <section aria-label="Secrets">
      <p class="muted">Key names only: values are sealed and never returned by the API.</p>
      <Loading q={q}>
        {(d) => (
          <Listing caption="Secrets" columns={['Secret', 'Type', 'Keys', 'Labels']} shown={d.items.length} total={d.total}>
            {d.items.map((s) => (
              <tr key={`${s.namespace}/${s.name}`} data-testid="secret">
                <th scope="row">
                  {s.namespace}/{s.name}
                </th>
                <td>{SECRET_TYPES[s.type ?? ''] ?? 'Opaque'}</td>
                <td data-testid="keys">{(s.keys ?? []).join(', ')}</td>
                <td>
                  <Labels labels={s.labels} />
                </td>
              </tr>
            ))}
          </Listing>
        )}
      </Loading>
    </section>
  );
}

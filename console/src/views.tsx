/** Presets (usage and the templates using them), namespaces, secrets (type and key names only). */
import type { ComponentChildren } from 'preact';
import { api, type Schemas } from './api.js';
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
  const q = useQuery(() => api().GET('/v1/resource-limits', { params: { query: { pageSize: 1000 } } }), []);
  return (
    <section aria-label="Presets">
      <Loading q={q}>
        {(d) => (
          <table data-testid="presets">
            <caption>Resource presets</caption>
            <thead>
              <tr>
                <th scope="col">Preset</th>
                <th scope="col">Resources</th>
                <th scope="col">Labels</th>
                <th scope="col">Usage</th>
                <th scope="col">Templates</th>
              </tr>
            </thead>
            <tbody>
              {(d.resourceLimits ?? []).map((p) => (
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
            </tbody>
          </table>
        )}
      </Loading>
    </section>
  );
}

export function Namespaces() {
  const q = useQuery(() => api().GET('/v1/namespaces', { params: { query: { pageSize: 1000 } } }), []);
  return (
    <section aria-label="Namespaces">
      <Loading q={q}>
        {(d) => (
          <table>
            <caption>Namespaces</caption>
            <thead>
              <tr>
                <th scope="col">Namespace</th>
                <th scope="col">Labels</th>
                <th scope="col">Templates</th>
                <th scope="col">Secrets</th>
              </tr>
            </thead>
            <tbody>
              {(d.namespaces ?? []).map((n) => (
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
            </tbody>
          </table>
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
  const q = useQuery(() => api().GET('/v1/secrets', { params: { query: { pageSize: 1000 } } }), []);
  return (
    <section aria-label="Secrets">
      <p class="muted">Key names only: values are sealed and never returned by the API.</p>
      <Loading q={q}>
        {(d) => (
          <table>
            <caption>Secrets</caption>
            <thead>
              <tr>
                <th scope="col">Secret</th>
                <th scope="col">Type</th>
                <th scope="col">Keys</th>
                <th scope="col">Labels</th>
              </tr>
            </thead>
            <tbody>
              {(d.secrets ?? []).map((s) => (
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
            </tbody>
          </table>
        )}
      </Loading>
    </section>
  );
}

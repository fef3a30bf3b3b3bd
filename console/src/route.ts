/** The view in the query string (history API): back/forward and a shared link show the same view. */
import { useEffect, useState } from 'preact/hooks';

type Listener = () => void;
const listeners = new Set<Listener>();
addEventListener('popstate', () => listeners.forEach((l) => l()));

export function useRoute(): URLSearchParams {
  const [search, setSearch] = useState(location.search);
  useEffect(() => {
    const l = () => setSearch(location.search);
    l();
    listeners.add(l);
    return () => listeners.delete(l);
  }, []);
  return new URLSearchParams(search);
}

/** Replace the query with `params` (empty values dropped); `replace` for typing in a filter. */
export function navigate(params: Record<string, string | undefined>, replace = false): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const url = `/${q.size > 0 ? `?${q.toString()}` : ''}`;
  if (url === `${location.pathname}${location.search}`) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  listeners.forEach((l) => l());
}

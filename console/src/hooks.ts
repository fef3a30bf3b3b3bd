import { useEffect, useState } from 'preact/hooks';
import { describeError, noteUnavailable, serverState, subscribe, type Diagnostic, type ServerState } from './api.js';

export function useServerState(): ServerState {
  const [s, set] = useState(serverState());
  useEffect(() => {
    // Effects run after paint: an answer may have changed the state since the first render.
    set(serverState());
    return subscribe(() => set(serverState()));
  }, []);
  return s;
}

export type Query<T> = { data?: T; error?: { message: string; diagnostics: Diagnostic[]; status: number }; loading: boolean };

/**
 * One API call for a view: runs again when `deps` change and when a new
 * commit is served (the commit poller bumps `generation`), keeping the old
 * data on screen meanwhile.
 */
export function useQuery<T>(run: () => Promise<{ data?: T; error?: unknown; response: Response }>, deps: unknown[], pollMs?: number): Query<T> {
  const { generation } = useServerState();
  const [q, setQ] = useState<Query<T>>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setQ((old) => ({ ...old, loading: true }));
    run()
      .then(({ data, error, response }) => {
        if (!live) return;
        if (response.ok) setQ({ data, loading: false });
        else {
          noteUnavailable(error, response);
          setQ({ error: { ...describeError(error, response), status: response.status }, loading: false });
        }
      })
      .catch((err: unknown) => {
        if (live) setQ({ error: { message: err instanceof Error ? err.message : String(err), diagnostics: [], status: 0 }, loading: false });
      });
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (pollMs) timer = setTimeout(() => setTick((t) => t + 1), pollMs);
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [...deps, generation, tick]);
  return q;
}

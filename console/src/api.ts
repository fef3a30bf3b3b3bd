/**
 * The console's one way to the server: the generated client
 * (clients/typescript, openapi-fetch) on this page's origin, with the token
 * from sessionStorage, and what every answer says about the server (the
 * commit served, the reload error) kept in one small store the views watch.
 */
import { createMcpoClient, type McpoClient, type Schemas } from '../../clients/typescript/src/index.js';

export type { Schemas };

const TOKEN_KEY = 'mcpo.token';

export interface Diagnostic {
  file?: string;
  line?: number;
  column?: number;
  message?: string;
  severity?: string;
  code?: string;
}

export interface ServerState {
  /** Full sha from x-mcpo-commit. */
  commit?: string;
  /** Committer time of that commit (GET /v1/status). */
  commitTime?: Date;
  /** Why the followed branch cannot be read now (GET /v1/status, x-mcpo-source-error). */
  sourceError?: string;
  /** The followed branch's newest commit while it is invalid, with its diagnostics (GET /v1/status). */
  newest?: { commit: string; diagnostics: Diagnostic[]; total: number };
  /** x-mcpo-reload-error: `<sha>: N error(s); first: file:line:col: ...`. */
  reloadError?: string;
  /** The API answered 401: ask for a token. */
  needToken: boolean;
  /** The API answered 503 before any commit loaded: the failed commit's diagnostics. */
  unavailable?: { message: string; diagnostics: Diagnostic[]; total?: number };
  /** The last poll got no answer (the server restarts or is gone). */
  offline?: boolean;
  /** Bumped on every new commit: views refetch on it. */
  generation: number;
}

type Listener = () => void;
const listeners = new Set<Listener>();
let state: ServerState = { needToken: false, generation: 0 };

export function serverState(): ServerState {
  return state;
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function update(patch: Partial<ServerState>): void {
  const next = { ...state, ...patch };
  if (Object.keys(patch).every((k) => Object.is(state[k as keyof ServerState], next[k as keyof ServerState]))) return;
  state = next;
  for (const l of listeners) l();
}

function noteHeaders(headers: Headers): void {
  const commit = headers.get('x-mcpo-commit') ?? undefined;
  const reloadError = headers.get('x-mcpo-reload-error') ?? undefined;
  const patch: Partial<ServerState> = { reloadError };
  if (commit && commit !== state.commit) Object.assign(patch, { commit, commitTime: undefined, generation: state.generation + 1 });
  update(patch);
}

export function storedToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function makeClient(token: string | undefined): McpoClient {
  const client = createMcpoClient({ baseUrl: location.origin, token, cache: 'no-store', credentials: 'omit', redirect: 'error' });
  client.use({
    onResponse({ response }) {
      if (response.status === 401) update({ needToken: true });
      else {
        if (state.needToken) update({ needToken: false });
        noteHeaders(response.headers);
        if (response.status !== 503 && state.unavailable) update({ unavailable: undefined });
      }
      return response;
    },
  });
  return client;
}

let client = makeClient(storedToken());

export function api(): McpoClient {
  return client;
}

/** Keep the token in this tab only (sessionStorage); never in a URL. */
export function setToken(token: string | undefined): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: the token lives in memory for this page
  }
  client = makeClient(token);
  update({ needToken: false, generation: state.generation + 1 });
}

/** A google.rpc.Status error body as a sentence, plus diagnostics when it carries them. */
export function describeError(error: unknown, response?: Response): { message: string; diagnostics: Diagnostic[]; total?: number } {
  const status = (error ?? {}) as { message?: string; details?: { '@type'?: string; diagnostics?: Diagnostic[]; totalCount?: number }[] };
  const found = (status.details ?? []).find((d) => d['@type']?.endsWith('.Diagnostics'));
  const message = typeof status.message === 'string' && status.message ? status.message : `HTTP ${response?.status ?? 'error'}`;
  return { message, diagnostics: found?.diagnostics ?? [], total: found?.totalCount };
}

export function noteUnavailable(error: unknown, response: Response): void {
  if (response.status === 503) {
    const d = describeError(error, response);
    if (d.diagnostics.length > 0) update({ unavailable: d });
  }
}

let etag: string | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

/** The serving status as the page keeps it (commit_time is an int64: a string in proto3 JSON). */
function noteStatus(status: Schemas['GetServingStatusResponse']): void {
  const seconds = Number(status.commitTime ?? 0);
  const errors = status.newestCommitErrors;
  const patch: Partial<ServerState> = {
    commitTime: seconds > 0 ? new Date(seconds * 1000) : undefined,
    sourceError: status.sourceError || undefined,
    newest: errors?.commit ? { commit: errors.commit, diagnostics: errors.diagnostics ?? [], total: errors.totalCount ?? 0 } : undefined,
  };
  if (status.commit && status.commit !== state.commit) Object.assign(patch, { commit: status.commit, generation: state.generation + 1 });
  update(patch);
}

/**
 * Watches the server without reloading: GET /v1/status with If-None-Match
 * every interval (304 while nothing changed). A new commit bumps
 * `generation`, and the views refetch.
 */
export function startStatusPolling(intervalMs: number): void {
  const tick = async (): Promise<void> => {
    try {
      const { data, error, response } = await client.GET('/v1/status', { headers: etag ? { 'If-None-Match': etag } : {} });
      if (state.offline) update({ offline: false, generation: state.generation + 1 });
      if (response.ok && data) {
        etag = response.headers.get('etag') ?? undefined;
        noteStatus(data);
      } else if (response.status !== 304) noteUnavailable(error, response);
    } catch {
      // the server is restarting or gone: say so, and try again next tick
      update({ offline: true });
    }
    timer = setTimeout(() => void tick(), intervalMs);
  };
  if (timer === undefined) void tick();
}

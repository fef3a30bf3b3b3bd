/**
 * The HTTP/JSON face of `mcpo serve` (`--http-port`): HTTP/1.1 on node:http
 * (node:https with the gRPC server's TLS files), answering from the same
 * snapshot store through the same handlers as gRPC (`dispatch` in
 * _context.ts), with routes derived from the `google.api.http` rules
 * (routes.ts).
 *
 * What a caller sees:
 * - answers in the proto3 JSON mapping (json.ts); errors as google.rpc.Status
 *   JSON `{"code", "message", "details": [{"@type": ...}]}` with
 *   grpc-gateway's HTTP status for the gRPC code (GRPC_TO_HTTP);
 * - `x-mcpo-commit` and `x-mcpo-reload-error` as gRPC sends them;
 *   `ETag: "<commit>"` on GETs answered from one commit, the content's hash on
 *   the other GETs (pods, serving status), `If-None-Match` → 304;
 * - with auth on, everything but /healthz and /readyz needs exactly
 *   `Authorization: Bearer <token>` (auth.ts); without it: 401, a fixed
 *   body and nothing of ours;
 * - CORS only for the origins of --cors-origin (preflight answered for those only);
 * - /healthz: the process answers; /readyz: 200 once a commit is loaded
 *   (gRPC health ""), 503 before and while stopping;
 * - /openapi.json (openapi/openapi.yaml as JSON, converted once) and /docs
 *   (Swagger UI from the swagger-ui-dist package, offline, strict CSP);
 * - the web console (console/, built into build/console/ by `npm run
 *   build:console`): `/` and `/console/<file>`, open without a token like
 *   the probes (static files, no data: the page asks for the token and calls
 *   the API with it), strict CSP without 'unsafe-inline'.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, extname, join, relative, sep } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { parse as parseYaml } from 'yaml';
import { echo } from '../../core/echo.js';
import { McpoError } from '../../core/errors.js';
import { MAX_FILE_BYTES } from '../../core/limits.js';
import { readFileBounded } from '../../source/read-bounded.js';
import { specDir } from '../../spec/proto.js';
import type { BearerAuth } from '../auth.js';
import { CallContext, dispatch, type Handlers } from '../_context.js';
import { answerHeaders, commitHeaders } from '../interceptor.js';
import type { Logger } from '../log.js';
import type { SnapshotStore } from '../snapshot.js';
import { decodeStatusDetails, STATUS_DETAILS_TRAILER, statusMessage, toStatus } from '../status.js';
import { AnswerCache, type CachedAnswer } from './answer-cache.js';
import { messageText } from './json.js';
import { buildRequest } from './request.js';
import { matchRoute, type Route } from './routes.js';

export const HTTP_UNAUTHENTICATED_MESSAGE = 'missing or invalid bearer token: send the header "Authorization: Bearer <token>"';

/** grpc-gateway's runtime.HTTPStatusFromCode. */
export const GRPC_TO_HTTP: Readonly<Record<number, number>> = {
  0: 200,
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

export interface HttpLimits {
  /** Largest request body (default 1 MiB, the size of a declaration file). */
  maxBodyBytes: number;
  /** Time to receive the request headers (default 10 s). */
  headersTimeoutMs: number;
  /** Time to receive the whole request (default 30 s). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (default 5 s). */
  keepAliveTimeoutMs: number;
  /** Connections at once; more are refused (default 1024). */
  maxConnections: number;
  /** Largest request head (default 16 KiB). */
  maxHeaderBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxBodyBytes: MAX_FILE_BYTES,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
  maxHeaderBytes: 16 * 1024,
};

export interface GatewayOptions {
  host: string;
  port: number;
  routes: readonly Route[];
  handlers: Handlers;
  store: SnapshotStore;
  log: Logger;
  /** Full name of the service (for the call log). */
  serviceName: string;
  auth?: BearerAuth;
  /** The same PEM files as the gRPC server: serve https. */
  tls?: { certFile: string; keyFile: string };
  /** Origins allowed by CORS (exact match); none: CORS off. */
  corsOrigins?: readonly string[];
  limits?: Partial<HttpLimits>;
  /** /readyz: the state of gRPC health "". */
  ready: () => boolean;
  /** openapi/openapi.yaml (default: next to spec/ of this package). */
  openapiFile?: string;
  /** The built console (default: build/console/ of this package). */
  consoleDir?: string;
}

export interface RunningGateway {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  stop(graceMs: number): Promise<void>;
}

const CORS_ALLOW_METHODS = 'GET, HEAD, POST, PATCH, DELETE';
const CORS_ALLOW_HEADERS = 'authorization, content-type, if-none-match';
const CORS_EXPOSE_HEADERS = 'etag, x-mcpo-commit, x-mcpo-reload-error, x-mcpo-source-error';

const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const DOCS_INDEX = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mcp-orchestrator API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;
const DOCS_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const CONSOLE_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The built console as a fixed map of URL path to file, read once at start:
 * only files that exist at start and have a known type are ever served (no
 * path from a request reaches the file system). Undefined when not built.
 */
function loadConsole(dir: string): Map<string, { type: string; bytes: Buffer; immutable: boolean }> | undefined {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return undefined;
  }
  const files = new Map<string, { type: string; bytes: Buffer; immutable: boolean }>();
  for (const name of names) {
    const type = CONSOLE_TYPES[extname(name)];
    if (!type) continue;
    const rel = relative(dir, join(dir, name)).split(sep).join('/');
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, name));
    } catch {
      continue; // a directory named like a file, or gone
    }
    // Vite names what it emits under assets/ by content hash.
    files.set(rel === 'index.html' ? '/' : `/console/${rel}`, { type, bytes, immutable: rel.startsWith('assets/') });
  }
  return files.has('/') ? files : undefined;
}

type Answer = { status: number; headers: Record<string, string | number>; body: string | Buffer };

function statusJson(code: number, message: string, details: string[] = []): string {
  return `{"code":${code},"message":${JSON.stringify(message)}${details.length > 0 ? `,"details":[${details.join(',')}]` : ''}}`;
}

const jsonAnswer = (status: number, body: string | Buffer, headers: Record<string, string | number> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body,
});

/** A gRPC status (status.ts) as google.rpc.Status JSON, details with their `@type`. */
function errorAnswer(err: unknown): { answer: Answer; code: number; message: string } {
  const status = toStatus(err);
  const details: string[] = [];
  const bin = status.metadata?.get(STATUS_DETAILS_TRAILER)[0];
  if (bin instanceof Buffer) {
    for (const d of decodeStatusDetails(bin)) {
      const text = messageText(d.type, d.value);
      details.push(`{"@type":${JSON.stringify(d.typeUrl)}${text === '{}' ? '' : `,${text.slice(1, -1)}`}}`);
    }
  }
  const http = GRPC_TO_HTTP[status.code] ?? 500;
  return {
    answer: jsonAnswer(http, statusJson(status.code, status.details, details), { 'cache-control': 'no-store' }),
    code: status.code,
    message: status.details,
  };
}

/** True when an If-None-Match header names `etag` (or is `*`). */
function notModified(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/** The OpenAPI document as JSON text, converted once; undefined when the file is not there. */
function loadOpenapi(file: string): string | undefined {
  let read;
  try {
    read = readFileBounded(file, 16 * MAX_FILE_BYTES);
  } catch {
    return undefined;
  }
  if (!read.ok) throw new McpoError('invalid', `${file} is larger than ${read.limit} bytes`);
  return JSON.stringify(parseYaml(read.content.toString('utf8')));
}

class BodyTooLarge extends Error {}

const NO_BODY = Buffer.alloc(0);

/** The request body, at most `max` bytes (refused by Content-Length before reading when it says more). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > max) return Promise.reject(new BodyTooLarge());
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...Object.fromEntries(Object.entries(opts.limits ?? {}).filter(([, v]) => v !== undefined)) };
  const { routes, handlers, store, log, auth } = opts;
  const cors = new Set(opts.corsOrigins ?? []);
  const openapi = loadOpenapi(opts.openapiFile ?? join(dirname(specDir()), 'openapi', 'openapi.yaml'));
  const docsDir = (() => {
    try {
      return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
    } catch {
      return undefined;
    }
  })();
  const docsCache = new Map<string, Buffer>();
  const consoleFiles = loadConsole(opts.consoleDir ?? join(dirname(specDir()), 'build', 'console'));
  const answers = new AnswerCache();

  const docsAnswer = (file: string): Answer | undefined => {
    const common = { 'content-security-policy': DOCS_CSP, 'referrer-policy': 'no-referrer', 'cache-control': 'no-cache' };
    if (file === '') return { status: 200, headers: { ...common, 'content-type': 'text/html; charset=utf-8' }, body: DOCS_INDEX };
    if (file === 'init.js') return { status: 200, headers: { ...common, 'content-type': 'text/javascript; charset=utf-8' }, body: DOCS_INIT };
    const type = Object.prototype.hasOwnProperty.call(DOCS_FILES, file) ? DOCS_FILES[file] : undefined;
    if (!type || !docsDir) return undefined;
    let bytes = docsCache.get(file);
    if (!bytes) docsCache.set(file, (bytes = readFileSync(join(docsDir, file))));
    return { status: 200, headers: { ...common, 'content-type': type, 'cache-control': 'public, max-age=3600' }, body: bytes };
  };

  // One writeHead with every header (merged with any set before): cheaper than a setHeader each.
  const send = (req: IncomingMessage, res: ServerResponse, a: Answer): void => {
    const headers: Record<string, string | number> = a.headers;
    headers['x-content-type-options'] = 'nosniff';
    if (a.status === 304) {
      res.writeHead(304, headers).end();
      return;
    }
    const body = typeof a.body === 'string' ? Buffer.from(a.body, 'utf8') : a.body;
    headers['content-length'] = body.length;
    res.writeHead(a.status, headers).end(req.method === 'HEAD' ? undefined : body);
  };

  // The fields are computed only for a line that is written (debug, or a server error).
  const logCall = (fields: () => Record<string, unknown>, code: number, message: string | undefined, err?: unknown): void => {
    if (code === grpc.status.INTERNAL || code === grpc.status.UNKNOWN) {
      log.error('call failed', {
        ...fields(),
        code: grpc.status[code],
        details: message,
        error: err instanceof Error ? (err.stack ?? err.message) : err === undefined ? undefined : String(err),
      });
    } else if (log.enabled('debug')) {
      log.debug('call', { ...fields(), code: grpc.status[code], details: code === grpc.status.OK ? undefined : message });
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const verb = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const fields = (extra: Record<string, unknown>) => (): Record<string, unknown> => ({
      transport: 'http',
      verb,
      ...extra,
      ms: Math.round((performance.now() - started) * 10) / 10,
      peer: `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}`,
    });

    const origin = req.headers.origin;
    const corsHeaders: Record<string, string> = {};
    if (typeof origin === 'string' && cors.has(origin)) {
      Object.assign(corsHeaders, { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': CORS_EXPOSE_HEADERS });
    } else if (cors.size > 0) {
      corsHeaders.vary = 'Origin';
    }
    const answer = (a: Answer): void => send(req, res, { ...a, headers: { ...corsHeaders, ...a.headers } });

    // Probes: open, and nothing of ours on them.
    if (path === '/healthz' || path === '/readyz') {
      if (verb !== 'GET' && verb !== 'HEAD')
        return send(req, res, { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain' }, body: 'method not allowed\n' });
      if (path === '/healthz') return send(req, res, { status: 200, headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' }, body: 'ok\n' });
      const ready = opts.ready();
      return send(req, res, {
        status: ready ? 200 : 503,
        headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' },
        body: ready ? 'ready\n' : 'not ready\n',
      });
    }

    // The console's static files: open, like the probes (they hold no data).
    const consoleFile = consoleFiles?.get(path);
    if (consoleFile && (verb === 'GET' || verb === 'HEAD')) {
      return send(req, res, {
        status: 200,
        headers: {
          'content-type': consoleFile.type,
          'content-security-policy': CONSOLE_CSP,
          'referrer-policy': 'no-referrer',
          'x-frame-options': 'DENY',
          'cache-control': consoleFile.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        },
        body: consoleFile.bytes,
      });
    }

    // CORS preflight (browsers send it without credentials): for allowed origins only.
    if (verb === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      if (typeof origin === 'string' && cors.has(origin)) {
        return answer({
          status: 204,
          headers: { 'access-control-allow-methods': CORS_ALLOW_METHODS, 'access-control-allow-headers': CORS_ALLOW_HEADERS, 'access-control-max-age': 600 },
          body: '',
        });
      }
      logCall(fields({ path: echo(path) }), grpc.status.PERMISSION_DENIED, 'CORS origin not allowed');
      return answer(
        jsonAnswer(403, statusJson(grpc.status.PERMISSION_DENIED, 'cross-origin requests from this origin are not allowed (mcpo serve --cors-origin)')),
      );
    }

    if (auth && !auth.checkValues(req.headersDistinct.authorization ?? [])) {
      logCall(fields({ path: echo(path) }), grpc.status.UNAUTHENTICATED, HTTP_UNAUTHENTICATED_MESSAGE);
      if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) res.setHeader('connection', 'close');
      return answer(
        jsonAnswer(401, statusJson(grpc.status.UNAUTHENTICATED, HTTP_UNAUTHENTICATED_MESSAGE), { 'www-authenticate': 'Bearer', 'cache-control': 'no-store' }),
      );
    }

    // Past auth: every answer names the commit served (the API's, below, the one it came from).
    const authed = (a: Answer): void => answer({ ...a, headers: { ...answerHeaders(new CallContext(store), store), ...a.headers } });

    if (path === '/openapi.json' && (verb === 'GET' || verb === 'HEAD')) {
      if (openapi === undefined) return authed(jsonAnswer(404, statusJson(grpc.status.NOT_FOUND, 'openapi/openapi.yaml is not part of this installation')));
      return authed(jsonAnswer(200, openapi, { 'cache-control': 'no-cache' }));
    }
    if ((path === '/docs' || path.startsWith('/docs/')) && (verb === 'GET' || verb === 'HEAD')) {
      const docs = docsAnswer(path === '/docs' ? '' : path.slice('/docs/'.length));
      if (docs) return authed(docs);
    }

    const isGet = verb === 'GET' || verb === 'HEAD';
    const cacheable = isGet && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
    const current = store.current();
    // An answer from one commit (cached or just built): ETag, If-None-Match, one header object built once.
    const commitAnswer = (entry: CachedAnswer): void => {
      const headers = commitHeaders(entry.sha, store, { 'content-type': 'application/json', ...corsHeaders } as Record<string, string | number>);
      headers.etag = entry.etag;
      headers['cache-control'] = 'no-cache';
      logCall(fields({ service: opts.serviceName, method: entry.method, route: entry.route, commit: entry.sha }), grpc.status.OK, undefined);
      if (notModified(req.headers['if-none-match'], entry.etag)) return send(req, res, { status: 304, headers, body: '' });
      return send(req, res, { status: 200, headers, body: entry.body });
    };
    const cached = cacheable ? answers.get(current, url) : undefined;
    if (cached) return commitAnswer(cached);

    let match;
    try {
      match = matchRoute(routes, verb, path);
    } catch (err) {
      const { answer: a, code, message } = errorAnswer(err);
      logCall(fields({ path: echo(path) }), code, message);
      return authed(a);
    }
    if (!match) {
      const message = statusMessage(`no route for ${verb} ${echo(path)}; the routes are listed in /openapi.json`);
      logCall(fields({ path: echo(path) }), grpc.status.NOT_FOUND, message);
      return authed(jsonAnswer(404, statusJson(grpc.status.NOT_FOUND, message)));
    }
    if ('allowed' in match) {
      const allow = [...match.allowed, ...(match.allowed.includes('GET') ? ['HEAD'] : [])].join(', ');
      const message = `${verb} is not allowed on ${echo(path)}; allowed: ${allow}`;
      logCall(fields({ path: echo(path) }), grpc.status.UNIMPLEMENTED, message);
      return authed(jsonAnswer(405, statusJson(grpc.status.UNIMPLEMENTED, message), { allow }));
    }

    const { route, vars } = match;
    const ctx = new CallContext(store);
    const callFields = (): (() => Record<string, unknown>) =>
      fields({ service: opts.serviceName, method: route.method, route: route.template, commit: ctx.sha });
    let raw: Buffer;
    try {
      // Without Content-Length or Transfer-Encoding an HTTP/1.1 request has no body (RFC 9112 §6.3):
      // nothing to wait for (the GETs of the API; the stream's 'end' costs ticks on every request).
      raw = req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined ? NO_BODY : await readBody(req, limits.maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      const message = `request body larger than ${limits.maxBodyBytes} bytes`;
      logCall(callFields(), grpc.status.RESOURCE_EXHAUSTED, message);
      res.setHeader('connection', 'close');
      authed(jsonAnswer(413, statusJson(grpc.status.RESOURCE_EXHAUSTED, message)));
      res.once('finish', () => req.socket.destroy());
      return;
    }

    try {
      let body: unknown;
      if (raw.length > 0) {
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (type !== 'application/json') {
          throw new McpoError('usage', 'the request body must be JSON (Content-Type: application/json) in the proto3 JSON mapping');
        }
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new McpoError('usage', 'the request body is not valid JSON');
        }
      }
      const request = buildRequest(route, vars, new URLSearchParams(q < 0 ? '' : url.slice(q + 1)), body);
      const response = await dispatch(handlers, route.method, request, ctx);
      const text = Buffer.from(messageText(route.response, response as Record<string, unknown>), 'utf8');
      if (isGet && ctx.fromCommit && ctx.sha) {
        const entry: CachedAnswer = { body: text, sha: ctx.sha, etag: `"${ctx.sha}"`, method: route.method, route: route.template };
        // Kept only when no other snapshot was swapped in while this one answered.
        if (cacheable && current && store.current() === current) answers.set(current, url, entry);
        return commitAnswer(entry);
      }
      logCall(callFields(), grpc.status.OK, undefined);
      if (!isGet) return answer(jsonAnswer(200, text, answerHeaders(ctx, store)));
      // Live answers (pods, serving status) change without a commit: their ETag is their content's.
      const etag = `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
      const headers = { ...answerHeaders(ctx, store), etag, 'cache-control': 'no-cache' };
      if (notModified(req.headers['if-none-match'], etag)) return answer({ status: 304, headers, body: '' });
      return answer(jsonAnswer(200, text, headers));
    } catch (err) {
      const { answer: a, code, message } = errorAnswer(err);
      logCall(callFields(), code, message, err);
      return answer({ ...a, headers: { ...answerHeaders(ctx, store), ...a.headers } });
    }
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      log.error('http request failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      if (!res.headersSent) send(req, res, jsonAnswer(500, statusJson(grpc.status.INTERNAL, 'internal error (see the server log)')));
      else res.destroy();
    });
  };

  const serverOptions = {
    maxHeaderSize: limits.maxHeaderBytes,
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    // How often node checks those two timeouts (its default, 30 s, would stretch them).
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  };
  const server: Server = opts.tls
    ? createHttpsServer({ ...serverOptions, cert: readFileSync(opts.tls.certFile), key: readFileSync(opts.tls.keyFile) }, onRequest)
    : createHttpServer(serverOptions, onRequest);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
    );
  });

  const port = await new Promise<number>((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
  server.on('error', (err) => log.error('http server error', { error: err.message }));

  return {
    host: opts.host,
    port,
    tls: Boolean(opts.tls),
    stop(graceMs: number): Promise<void> {
      return new Promise((resolveStop) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolveStop();
        });
        server.closeIdleConnections();
      });
    },
  };
}

#!/usr/bin/env node
/**
 * The floor for the HTTP/JSON benchmarks (bench/parts/http.mjs): a bare node:http server
 * that answers recorded bytes (status, headers and body of `mcpo serve --http-port`'s own
 * answers) for exact request paths, with the server options and keep-alive settings of
 * src/serve/http/gateway.ts (DEFAULT_HTTP_LIMITS). No routing, no snapshot, no JSON, no logging.
 *
 *   node bench/http-floor-server.mjs --answers FILE [--port N]     prints {"port":N} on stdout when listening
 *
 * FILE: {"<path?query>": {"status": 200, "headers": {...}, "body": "<base64>"}, ...}; any other path: 404.
 */
// @ts-check
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { importBuild } from './lib.mjs';

/** @type {typeof import('../src/serve/http/gateway.js')} */
const { DEFAULT_HTTP_LIMITS: limits } = await importBuild('serve/http/gateway.js');

/** @param {string} name */
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const file = arg('--answers');
if (!file) throw new Error('usage: http-floor-server.mjs --answers FILE [--port N]');
/** @type {Record<string, { status: number, headers: Record<string, string>, body: string }>} */
const recorded = JSON.parse(readFileSync(file, 'utf8'));
const answers = new Map(Object.entries(recorded).map(([path, a]) => [path, { status: a.status, headers: a.headers, body: Buffer.from(a.body, 'base64') }]));

const server = createServer(
  {
    maxHeaderSize: limits.maxHeaderBytes,
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  },
  (req, res) => {
    const a = answers.get(req.url ?? '');
    if (!a) {
      res.writeHead(404, { 'content-length': 0 });
      res.end();
      return;
    }
    res.writeHead(a.status, a.headers);
    res.end(a.body);
  },
);
server.keepAliveTimeout = limits.keepAliveTimeoutMs;
server.maxConnections = limits.maxConnections;
server.listen(Number(arg('--port') ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

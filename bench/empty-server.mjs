#!/usr/bin/env node
/**
 * The floor for the gRPC benchmarks: a @grpc/grpc-js server that registers
 * the same service (mcp.orchestrator.v1.McpOrchestratorService, the same
 * protobufjs (de)serializers as `mcpo serve`, from src/serve/service.ts) with
 * handlers that answer an empty response at once. No snapshot, no metadata,
 * no logging.
 *
 *   node bench/empty-server.mjs [--port N]     prints {"port":N} on stdout when listening
 */
// @ts-check
import * as grpc from '@grpc/grpc-js';
import { importBuild } from './lib.mjs';

/** @type {typeof import('../src/spec/proto.js')} */
const { loadSpec, SERVICE_NAME } = await importBuild('spec/proto.js');
/** @type {typeof import('../src/serve/service.js')} */
const { protoServiceDefinition } = await importBuild('serve/service.js');

const i = process.argv.indexOf('--port');
const port = i >= 0 ? Number(process.argv[i + 1]) : 0;

const service = loadSpec().lookupService(SERVICE_NAME);
/** @type {grpc.UntypedServiceImplementation} */
const implementation = {};
for (const method of service.methodsArray)
  implementation[method.name] = (/** @type {unknown} */ _call, /** @type {grpc.sendUnaryData<object>} */ callback) => callback(null, {});

const server = new grpc.Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024 });
server.addService(protoServiceDefinition(service), implementation);
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
  if (err) {
    console.error(err.message);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ port: bound })}\n`);
});
const stop = () => server.tryShutdown(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

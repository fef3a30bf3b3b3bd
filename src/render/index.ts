/** The render stage: Model → cdk8s → files for dist/. */
export { buildApp, renderModel, type RenderedFiles } from './app.js';
export { compareWithDir, isStale, writeRendered, type Staleness, type WriteResult } from './write.js';
export { CLUSTER_DIR, KUSTOMIZATION_FILE, NAMESPACES_DIR, objectPath } from './layout.js';
export { BRIDGE_HEALTH_PATH, BRIDGE_MCP_PATH, BRIDGE_PACKAGE, shellJoin, shellQuote } from './stdio-bridge.js';

/**
 * Worker thread entry: reads a commit and validates it into a model, so the
 * CPU-heavy part of a reload (YAML parsing, proto checks, semantic rules)
 * runs off the thread that answers calls. See ModelBuilder in model-builder.ts.
 */
import { parentPort } from 'node:worker_threads';
import { type BuildRequest, type BuildReply, buildCommit } from './model-builder.js';
import { errorMessage } from '../core/errors.js';

parentPort?.on('message', (req: BuildRequest) => {
  void (async () => {
    let reply: BuildReply;
    try {
      const result = await buildCommit(req.repoDir, req.sha);
      reply = { id: req.id, sha: result.sha, model: result.model, diagnostics: [...result.diagnostics] };
    } catch (err) {
      reply = { id: req.id, error: errorMessage(err) };
    }
    parentPort!.postMessage(reply);
  })();
});

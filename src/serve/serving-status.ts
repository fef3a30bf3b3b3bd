/**
 * GetServingStatus: which commit answers come from (and when it was
 * committed), and while the followed branch's newest commit is invalid, its
 * diagnostics, and why the branch cannot be read while it cannot — what the
 * x-mcpo-commit, x-mcpo-reload-error and x-mcpo-source-error headers tell in
 * one line each, for a console or a script to show.
 */
import { safeDiagnostic } from '../core/diagnostic.js';
import type { CallContext, Handlers } from './_context.js';
import { MAX_DETAIL_DIAGNOSTICS, statusMessage } from './status.js';

function get(_req: unknown, ctx: CallContext) {
  const served = ctx.peek();
  const failure = ctx.store.failure();
  return {
    commit: served?.sha ?? '',
    commit_time: served?.commitTime ?? 0,
    source_error: statusMessage(ctx.store.sourceError ?? ''),
    ...(failure && {
      newest_commit_errors: {
        commit: failure.sha,
        diagnostics: failure.diagnostics.slice(0, MAX_DETAIL_DIAGNOSTICS).map(safeDiagnostic),
        total_count: failure.diagnostics.length,
      },
    }),
  };
}

export const servingStatusHandlers: Handlers = { GetServingStatus: get };

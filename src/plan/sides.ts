/**
 * One side of a comparison: a git revision read straight from the object
 * store (no checkout), or the working tree, with its declarations checked
 * and, when they are valid, its model and its mcpo.yaml (each side renders
 * with its own settings).
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { echo } from '../core/echo.js';
import { errorMessage, McpoError } from '../core/errors.js';
import { bridgeImage, readCommitRepoConfig, readRepoConfig, type RepoConfig } from '../declarations/repo-config.js';
import { BuildCache, buildModel } from '../model/build.js';
import type { Model } from '../model/types.js';
import { readCommitFiles } from '../source/commit.js';
import { readWorkingTreeFiles } from '../source/working-tree.js';

export interface Side {
  /** The revision as given, undefined for the working tree. */
  readonly ref: string | undefined;
  /** Full SHA of the commit, null for the working tree. */
  readonly sha: string | null;
  /** How the side is named in the output, e.g. "main (1a2b3c4d5e6f)" or "working tree". */
  readonly label: string;
  /** Present only when the declarations are valid. */
  readonly model: Model | undefined;
  readonly diagnostics: readonly Diagnostic[];
  readonly config: RepoConfig;
  /** The bridge image stdio pods are rendered with on this side. */
  readonly bridgeImage: string;
}

/**
 * Loads a side. Throws McpoError 'usage' (not a commit), 'invalid' (an
 * unreadable mcpo.yaml) or 'unavailable' (git fails); invalid declarations
 * are not thrown: the side comes back without a model, with its diagnostics.
 * Sides loaded with the same cache parse and check each file they share once.
 */
export async function loadSide(repo: string, rev: string | undefined, cache?: BuildCache): Promise<Side> {
  if (rev === undefined) {
    const result = buildModel(await readWorkingTreeFiles(repo), cache);
    const config = readRepoConfig(repo);
    return { ref: undefined, sha: null, label: 'working tree', model: result.model, diagnostics: result.diagnostics, config, bridgeImage: bridgeImage(config) };
  }
  try {
    const read = await readCommitFiles(repo, rev);
    const result = buildModel(read, cache);
    const config = await readCommitRepoConfig(repo, read.sha);
    return {
      ref: rev,
      sha: read.sha,
      label: `${rev} (${read.sha.slice(0, 12)})`,
      model: result.model,
      diagnostics: result.diagnostics,
      config,
      bridgeImage: bridgeImage(config),
    };
  } catch (err) {
    if (err instanceof McpoError && err.kind === 'invalid') throw new McpoError('invalid', `${echo(rev)}: ${err.message}`, { hint: err.hint });
    if (err instanceof McpoError && err.kind === 'usage') throw err;
    throw new McpoError('unavailable', `cannot read ${JSON.stringify(rev)} in ${repo}: ${errorMessage(err)}`, { cause: err });
  }
}

/** The side's model, or the error `mcpo diff` has always given for invalid declarations. */
export function requireModel(side: Side): Model {
  if (!side.model) throw new McpoError('invalid', `the declarations at ${side.label} are invalid; nothing to compare`, { diagnostics: side.diagnostics });
  return side.model;
}

export { BuildCache };

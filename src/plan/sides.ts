/**
 * The two sides of a comparison: git revisions read straight from the object
 * store (no checkout), or the working tree, each with its declarations
 * checked and, when they are valid, its model and its own mcpo.yaml (each
 * side renders with its own settings).
 *
 * The head is read while the base is parsed, and from git it reads only the
 * blobs the base does not hold; the sides share a BuildCache: a file with the
 * same path and bytes on both sides is parsed and checked once, and an
 * unchanged declaration is the same object in both models. With the stored
 * checks, a file they know (by its blob's name in a commit, by its
 * fingerprint in the working tree) is not read at all.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { echo } from '../core/echo.js';
import { errorMessage, McpoError } from '../core/errors.js';
import { bridgeImage, readCommitRepoConfig, readRepoConfig, type RepoConfig } from '../declarations/repo-config.js';
import { BuildCache, buildModel } from '../model/build.js';
import type { CheckCache } from '../model/check-cache.js';
import type { Model } from '../model/types.js';
import { type BlobCache, readCommitFiles } from '../source/commit.js';
import { ParallelChecker } from './parallel-check.js';
import type { SourceFiles } from '../source/files.js';
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

interface Read {
  readonly ref: string | undefined;
  readonly sha: string | null;
  readonly label: string;
  readonly source: SourceFiles;
  readonly config: RepoConfig;
}

/** Reads a side's files and settings. Throws McpoError 'usage' (not a commit), 'invalid' (mcpo.yaml) or 'unavailable' (git fails). */
async function readSide(repo: string, rev: string | undefined, blobs: BlobCache, cache: BuildCache): Promise<Read> {
  if (rev === undefined) {
    const source = await readWorkingTreeFiles(repo, { known: cache.known });
    return { ref: undefined, sha: null, label: 'working tree', source, config: readRepoConfig(repo) };
  }
  try {
    const source = await readCommitFiles(repo, rev, { blobs, known: cache.knownBlob });
    const config = await readCommitRepoConfig(repo, source.sha);
    return { ref: rev, sha: source.sha, label: `${rev} (${source.sha.slice(0, 12)})`, source, config };
  } catch (err) {
    if (err instanceof McpoError && err.kind === 'invalid') throw new McpoError('invalid', `${echo(rev)}: ${err.message}`, { hint: err.hint });
    if (err instanceof McpoError && err.kind === 'usage') throw err;
    throw new McpoError('unavailable', `cannot read ${JSON.stringify(rev)} in ${repo}: ${errorMessage(err)}`, { cause: err });
  }
}

function build(read: Read, cache: BuildCache): Side {
  const result = buildModel(read.source, cache);
  const { ref, sha, label, config } = read;
  return { ref, sha, label, model: result.model, diagnostics: result.diagnostics, config, bridgeImage: bridgeImage(config) };
}

export interface Sides {
  /** The base side; its trouble (McpoError) is thrown here. */
  base(): Promise<Side>;
  /** The head side; its trouble is thrown here, never before base() is asked. */
  head(): Promise<Side>;
}

/**
 * Starts reading both sides. Invalid declarations are not thrown: a side
 * comes back without a model, with its diagnostics.
 */
export function openSides(repo: string, baseRev: string, headRev: string | undefined, stored?: CheckCache): Sides {
  const cache = new BuildCache(stored);
  const checker = new ParallelChecker();
  const blobs: BlobCache = new Map();
  // Files the stored checks know (by blob, or by fingerprint in the working tree) are not read at all;
  // of the others, a commit's head reads from git only the blobs the base does not have (the working
  // tree is read at once).
  const baseRead = readSide(repo, baseRev, blobs, cache);
  const headRead = headRev === undefined ? readSide(repo, undefined, blobs, cache) : baseRead.then(() => readSide(repo, headRev, blobs, cache));
  // Asked for later (or not at all when the base fails): never an unhandled rejection meanwhile.
  headRead.catch(() => undefined);
  baseRead.catch(() => checker.close());
  let base: Side | undefined;
  return {
    base: async () => {
      if (base) return base;
      const read = await baseRead;
      // Most files are the same on both sides: checking the base's on two threads checks nearly all.
      try {
        await checker.check(read.source.files, cache);
      } finally {
        checker.close();
      }
      return (base = build(read, cache));
    },
    head: async () => build(await headRead, cache),
  };
}

/** The side's model, or the error `mcpo diff` has always given for invalid declarations. */
export function requireModel(side: Side): Model {
  if (!side.model) throw new McpoError('invalid', `the declarations at ${side.label} are invalid; nothing to compare`, { diagnostics: side.diagnostics });
  return side.model;
}

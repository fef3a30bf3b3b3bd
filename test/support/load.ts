/** The source and model stages composed, as the CLI and the server compose them. */
import { buildModel } from '../../src/model/build.js';
import type { LoadResult } from '../../src/model/types.js';
import { readCommitFiles } from '../../src/source/commit.js';
import { readWorkingTreeFiles } from '../../src/source/working-tree.js';

export async function loadWorkingTree(repoDir: string): Promise<LoadResult> {
  return buildModel(await readWorkingTreeFiles(repoDir));
}

export async function loadCommit(repoDir: string, rev: string): Promise<LoadResult & { sha: string }> {
  const read = await readCommitFiles(repoDir, rev);
  return { sha: read.sha, ...buildModel(read) };
}

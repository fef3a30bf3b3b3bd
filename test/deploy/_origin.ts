/** What the deploy tests share: scratch folders and a bare origin repository with a work tree pushing to it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestRepo } from '../support/git-repo.js';
import { NAMESPACE_DEFAULT, PRESET_NANO, template } from '../serve/_support.js';

type Cleanups = Array<() => unknown>;

/** A temp folder removed after the test. */
export function tempDir(cleanups: Cleanups, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10 }));
  return dir;
}

/** A bare repository `config.git` under `root` (a git server's root) and a work tree that force-pushes to it, holding one template. */
export async function origin(cleanups: Cleanups, root: string): Promise<{ work: TestRepo; bare: string; push: () => void }> {
  const bare = join(root, 'config.git');
  const work = await TestRepo.create();
  cleanups.push(() => work.dispose());
  work.git('init', '--quiet', '--bare', bare);
  work.git('remote', 'add', 'origin', bare);
  work.writeAll({
    'resources/namespaces/default.yaml': NAMESPACE_DEFAULT,
    'resources/resource-limits/n1-standard-nano.yaml': PRESET_NANO,
    'resources/templates/default/a.yaml': template('a'),
  });
  await work.commit('first');
  const push = (): void => void work.git('push', '--quiet', '--force', 'origin', 'HEAD:refs/heads/main');
  push();
  return { work, bare, push };
}

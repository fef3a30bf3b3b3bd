/**
 * Real git repositories in temp dirs, for tests.
 *
 *   const repo = await TestRepo.create();               // git init -b main, identity set
 *   repo.write('resources/ns.yaml', 'kind: Namespace\nname: default\n');
 *   const sha = await repo.commit('add namespace', { time: 1_700_000_000 });
 *   ...
 *   repo.dispose();                                     // rm -rf
 *
 * Commits get fixed author/committer times (pass `time`, or an increasing
 * default), so created_at values are predictable. git runs with a clean
 * environment: a GIT_DIR of an outer hook never leaks in.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

/** First default commit time: 2024-01-01T00:00:00Z. Each commit without `time` adds 60 s. */
export const BASE_TIME = 1_704_067_200;

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.test',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.test',
    ...extra,
  };
}

export interface CommitOptions {
  /** Unix seconds for author and committer date. */
  time?: number;
  /** Allow a commit with no changes. */
  allowEmpty?: boolean;
}

export class TestRepo {
  private nextTime = BASE_TIME;

  private constructor(readonly dir: string) {}

  /** A new repository on branch `branch` (default main) in a fresh temp dir. */
  static async create(opts: { branch?: string; bare?: boolean; prefix?: string } = {}): Promise<TestRepo> {
    const dir = mkdtempSync(join(tmpdir(), opts.prefix ?? 'mcpo-repo-'));
    const repo = new TestRepo(dir);
    repo.git('init', '--quiet', '-b', opts.branch ?? 'main', ...(opts.bare ? ['--bare'] : []));
    return repo;
  }

  /** Runs git in the repository; returns trimmed stdout. */
  git(...args: string[]): string {
    return this.gitWith({}, ...args);
  }

  gitWith(env: Record<string, string>, ...args: string[]): string {
    return execFileSync('git', ['-C', this.dir, ...args], {
      env: cleanEnv(env),
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  }

  /** Writes a file (creating folders), path relative to the repo root. */
  write(path: string, content: string | Buffer): this {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return this;
  }

  /** Writes many files: path → content. */
  writeAll(files: Record<string, string | Buffer>): this {
    for (const [path, content] of Object.entries(files)) this.write(path, content);
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.dir, path), { recursive: true, force: true });
    return this;
  }

  rename(from: string, to: string): this {
    mkdirSync(dirname(join(this.dir, to)), { recursive: true });
    renameSync(join(this.dir, from), join(this.dir, to));
    return this;
  }

  symlink(path: string, target: string): this {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    symlinkSync(target, full);
    return this;
  }

  /** Stages everything and commits; resolves with the new commit's SHA. */
  async commit(message: string, opts: CommitOptions = {}): Promise<string> {
    const time = opts.time ?? this.nextTime;
    this.nextTime = Math.max(this.nextTime, time) + 60;
    const date = `@${time} +0000`;
    this.git('add', '-A');
    this.gitWith(
      { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      'commit',
      '--quiet',
      '--no-verify',
      '--no-gpg-sign',
      ...(opts.allowEmpty ? ['--allow-empty'] : []),
      '-m',
      message,
    );
    return this.head();
  }

  head(ref = 'HEAD'): string {
    return this.git('rev-parse', `${ref}^{commit}`);
  }

  /** A file:// URL for cloning this repository. */
  get url(): string {
    return `file://${this.dir}`;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Repositories for the tests of one file, each removed after its test:
 * `const newRepo = reposPerTest();` then `const repo = await newRepo();`
 * (`make`: another kind of repository, such as a seeded one).
 */
export function reposPerTest(make: () => Promise<TestRepo> = () => TestRepo.create()): () => Promise<TestRepo> {
  const repos: TestRepo[] = [];
  afterEach(() => {
    for (const r of repos.splice(0)) r.dispose();
  });
  return async () => {
    const repo = await make();
    repos.push(repo);
    return repo;
  };
}

/**
 * Puts a `git` first on PATH, in `dir`, that runs `before` (sh, with `$GIT` the real git) and
 * then the real git; returns what takes it off PATH again. For tests that count git's work.
 */
export function gitOnPath(dir: string, before: string): () => void {
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'git'), `#!/bin/sh\nGIT='${realGit}'\n${before}\nexec "$GIT" "$@"\n`, { mode: 0o755 });
  const path = process.env.PATH;
  process.env.PATH = `${dir}:${path ?? ''}`;
  return () => {
    process.env.PATH = path;
  };
}

/**
 * Shared by the test/openapi files that need a server: the real
 * `mcpo serve --http-port 0` (bin/mcpo.js in its own process, stopped by its
 * pid after the file) over a seeded git repository, with a bearer token.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMESPACE_TOOLS, PRESET_SMALL, template } from '../serve/_support.js';
import { REPO_ROOT } from '../support/build.js';
import { TestRepo } from '../support/git-repo.js';
import { type Served, startMcpoServe } from '../support/mcpo.js';

export const TOKEN = 'openapi-test-token-0123456789';

/** First run builds protoc-gen-openapi and the openapi-python-client venv. */
export const SETUP_TIMEOUT_MS = 10 * 60 * 1000;

export interface HttpServed {
  served: Served;
  repo: TestRepo;
  /** http://127.0.0.1:PORT */
  base: string;
  stop: () => Promise<void>;
}

/**
 * This repository's resources/ (namespace default, preset n1-standard-nano used by
 * template my-memory-server only, secret db-credentials) plus namespace tools with
 * preset n1-standard-small and two templates on it: three templates to page through.
 */
export async function seededRepo(): Promise<TestRepo> {
  const repo = await TestRepo.create();
  cpSync(join(REPO_ROOT, 'resources'), join(repo.dir, 'resources'), { recursive: true });
  repo.writeAll({
    'resources/namespaces/tools.yaml': NAMESPACE_TOOLS,
    'resources/resource-limits/n1-standard-small.yaml': PRESET_SMALL,
    'resources/templates/tools/git.yaml': template('git', { namespace: 'tools', preset: 'n1-standard-small', labels: { app: 'git', env: 'prod' } }),
    'resources/templates/tools/fetch.yaml': template('fetch', { namespace: 'tools', preset: 'n1-standard-small', labels: { app: 'fetch', env: 'dev' } }),
  });
  await repo.commit('seed', { time: 1_700_000_000 });
  return repo;
}

/** `mcpo serve --repo <seeded repo> --port 0 --http-port 0 --auth-token-file …` and its HTTP base URL. */
export async function serveHttp(repo: TestRepo, args: string[] = []): Promise<HttpServed> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-openapi-'));
  const tokens = join(dir, 'tokens');
  writeFileSync(tokens, `${TOKEN}\n`);
  const served = await startMcpoServe(['--repo', repo.dir, '--http-port', '0', '--auth-token-file', tokens, ...args]);
  const listening = served.logs().find((l) => l.msg === 'listening');
  const port = listening?.httpPort;
  if (typeof port !== 'number') {
    await served.kill();
    throw new Error(`mcpo serve logged no httpPort:\n${served.stderr()}`);
  }
  return {
    served,
    repo,
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      await served.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let tools: { python: string } | undefined;

/** test/openapi/setup.sh once per process: the venv python that runs clients/python. */
export function openapiTools(): { python: string } {
  if (tools) return tools;
  const r = spawnSync('bash', [join(REPO_ROOT, 'test/openapi/setup.sh')], { encoding: 'utf8', timeout: SETUP_TIMEOUT_MS });
  if (r.status !== 0) throw new Error(`test/openapi/setup.sh failed (needs go, python3 -m venv, the Go proxy and PyPI on first run):\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  tools = { python: lines[lines.length - 1]! };
  return tools;
}

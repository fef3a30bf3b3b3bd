/**
 * `mcpo synth` as a user runs it (the real CLI process): a committed dist/
 * is its own cache (one changed template writes one file), a file edited by
 * hand is written again (and `--check` says so), the renderers are not loaded
 * when nothing is rendered, and a large full render uses a worker thread and
 * gives the same bytes as a render on one thread (with the inputs planned
 * now or, from the input-hash memo, built when rendered).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_BRIDGE_IMAGE } from '../../src/core/names.js';
import { buildModel } from '../../src/model/build.js';
import { renderModel } from '../../src/render/app.js';
import { readWorkingTreeFiles } from '../../src/source/working-tree.js';
import { REPO_ROOT } from '../support/build.js';

const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanup.splice(0)) c();
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-incremental-cli-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A module hook that logs every module the process (and its worker threads) loads. */
function moduleLogger(): { importArg: string; log: string; loaded: () => string[] } {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'hooks.mjs'),
    "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(process.env.MCPO_TEST_MODULE_LOG, url + '\\n');\n  return next(url, context);\n}\n",
  );
  writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
  const log = join(dir, 'modules.log');
  return {
    importArg: join(dir, 'register.mjs'),
    log,
    loaded: () => {
      const text = (() => {
        try {
          return readFileSync(log, 'utf8');
        } catch {
          return '';
        }
      })();
      writeFileSync(log, '');
      return text.split('\n').filter(Boolean);
    },
  };
}

function synth(args: string[], logger?: ReturnType<typeof moduleLogger>, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [...(logger ? ['--import', logger.importArg] : []), join(REPO_ROOT, 'bin/mcpo.js'), 'synth', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env, ...(logger && { MCPO_TEST_MODULE_LOG: logger.log }) },
    timeout: 180_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(dir, prefix ? `${prefix}/${e.name}` : e.name) : [prefix ? `${prefix}/${e.name}` : e.name]))
    .sort();
}

const TEMPLATE = 'resources/templates/default/my-memory-server.yaml';
const DEPLOYMENT = 'namespaces/default/deployment-my-memory-server.yaml';

describe('mcpo synth over a committed dist/', () => {
  it('renders only what changed, rewrites a file edited by hand, and removes exactly the files of a removed declaration', () => {
    const repo = tempDir();
    cpSync(join(REPO_ROOT, 'resources'), join(repo, 'resources'), { recursive: true });
    // A committed dist/, as a fresh clone has it.
    cpSync(join(REPO_ROOT, 'dist'), join(repo, 'dist'), { recursive: true });

    const current = synth(['--repo', repo]);
    expect(current.stderr).toBe('');
    expect(current.stdout).toMatch(/: 0 written, 8 unchanged, 0 removed \(0 of 4 objects rendered\)\n$/);
    expect(synth(['--repo', repo, '--check']).code).toBe(0);

    const file = join(repo, TEMPLATE);
    writeFileSync(file, readFileSync(file, 'utf8').replace('node:24-alpine3.21', 'node:24-alpine3.22'));
    const reader = moduleLogger();
    const changed = synth(['--repo', repo], reader);
    expect(changed.stdout).toMatch(/: 1 written, 7 unchanged, 0 removed \(1 of 4 objects rendered\)\n$/);
    // The output folder was read on the worker thread (read-ahead.ts), not by the fallback here; and the one object
    // was rendered there, by the renderers it loaded meanwhile (render-job.js), with no render worker of its own.
    const loaded = reader.loaded();
    expect(loaded.some((url) => url.endsWith('/build/render/_read-ahead-worker.js'))).toBe(true);
    expect(loaded.some((url) => url.endsWith('/build/render/render-job.js'))).toBe(true);
    expect(loaded.some((url) => url.endsWith('/build/render/_render-worker.js'))).toBe(false);
    expect(readFileSync(join(repo, 'dist', DEPLOYMENT), 'utf8')).toContain('image: node:24-alpine3.22\n');

    // Edited by hand, with the input line left as it was: --check sees it, synth writes it again.
    const deployment = join(repo, 'dist', DEPLOYMENT);
    const rendered = readFileSync(deployment, 'utf8');
    writeFileSync(deployment, rendered.replace('replicas: 1', 'replicas: 5'));
    const stale = synth(['--repo', repo, '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`  changed: ${DEPLOYMENT}\n`);
    const repaired = synth(['--repo', repo]);
    expect(repaired.stdout).toMatch(/: 1 written, 7 unchanged, 0 removed \(1 of 4 objects rendered\)\n$/);
    expect(readFileSync(deployment, 'utf8')).toBe(rendered);

    // A removed declaration: exactly its files go.
    rmSync(join(repo, TEMPLATE));
    const removed = synth(['--repo', repo]);
    expect(removed.stdout).toMatch(/: 1 written, 5 unchanged, 2 removed \(0 of 2 objects rendered\)\n$/);
    expect(listFiles(join(repo, 'dist'))).toEqual(listFiles(join(REPO_ROOT, 'dist')).filter((p) => !p.includes('my-memory-server')));
  });

  // The CLI's entry loads every command's modules (src/cli/main.ts), the renderers with them; synth's own path does not need them.
  it('loads no renderer (cdk8s-plus-28) when nothing is rendered', () => {
    const repo = tempDir();
    cpSync(join(REPO_ROOT, 'resources'), join(repo, 'resources'), { recursive: true });
    const out = join(repo, 'dist');
    const script = [
      `import { buildModel } from ${JSON.stringify(join(REPO_ROOT, 'build/model/build.js'))};`,
      `import { readWorkingTreeFiles } from ${JSON.stringify(join(REPO_ROOT, 'build/source/working-tree.js'))};`,
      `import { synthFiles } from ${JSON.stringify(join(REPO_ROOT, 'build/render/incremental.js'))};`,
      `import { writeRendered } from ${JSON.stringify(join(REPO_ROOT, 'build/render/write.js'))};`,
      `const { model } = buildModel(await readWorkingTreeFiles(${JSON.stringify(repo)}));`,
      `const s = await synthFiles(model, { bridgeImage: ${JSON.stringify(DEFAULT_BRIDGE_IMAGE)} }, ${JSON.stringify(out)});`,
      `await writeRendered(s.files, ${JSON.stringify(out)}, s.verified);`,
      'console.log(s.rendered);',
    ].join('\n');
    const run = (logger: ReturnType<typeof moduleLogger>) =>
      spawnSync(process.execPath, ['--import', logger.importArg, '--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, MCPO_TEST_MODULE_LOG: logger.log },
      });
    const logger = moduleLogger();
    const first = run(logger);
    expect(first.stderr).toBe('');
    expect(Number(first.stdout)).toBe(4);
    expect(logger.loaded().some((url) => url.includes('/cdk8s-plus-28/'))).toBe(true);
    const again = run(logger);
    expect(again.stderr).toBe('');
    expect(Number(again.stdout)).toBe(0);
    expect(logger.loaded().filter((url) => url.includes('/cdk8s-plus-28/') || url.endsWith('/build/render/app.js'))).toEqual([]);
  });

  it('renders a large full synth on two threads, byte-identical to one thread, also with every hash from the input-hash memo', async () => {
    const repo = join(tempDir(), 'repo');
    execFileSync(process.execPath, [join(REPO_ROOT, 'bench/generate.mjs'), '--dir', repo, '--templates', '1100', '--commits', '2'], { stdio: 'pipe' });
    const { model } = buildModel(await readWorkingTreeFiles(repo));
    const expected = renderModel(model!, { bridgeImage: DEFAULT_BRIDGE_IMAGE });
    expect(expected.size).toBeGreaterThan(3000);
    const env = { MCPO_CACHE_DIR: tempDir() };
    // Into an empty folder, the worker that read it (none) renders with this thread; with --full, a render worker.
    // The runs after the first find every hash in the memo: the inputs posted to a worker are built from their declarations first.
    for (const [run, args, worker] of [
      ['memo written', [], '/build/render/_read-ahead-worker.js'],
      ['memo read, --full', ['--full'], '/build/render/_render-worker.js'],
      ['memo read', [], '/build/render/_read-ahead-worker.js'],
    ] as const) {
      const logger = moduleLogger();
      const out = join(tempDir(), 'dist');
      const result = synth(['--repo', repo, '--out', out, ...args], logger, env);
      expect(result.stderr, run).toBe('');
      expect(result.code, run).toBe(0);
      const loaded = logger.loaded();
      expect(
        loaded.some((url) => url.endsWith(worker)),
        run,
      ).toBe(true);
      expect(
        loaded.some((url) => url.endsWith('/build/render/render-job.js')),
        run,
      ).toBe(true);
      expect(listFiles(out), run).toEqual([...expected.keys()].sort());
      for (const [path, text] of expected) expect(readFileSync(join(out, path), 'utf8'), `${run}: ${path}`).toBe(text);
    }
  });
});

/**
 * The composite action (action.yml) run step by step as a runner runs it
 * (actions-runner.ts), on a real git repository with a base and head commit,
 * with the pull_request event payload and environment a runner provides, and
 * a loopback stand-in for api.github.com (github-api-stand-in.ts), since
 * GitHub itself cannot run here.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/build.js';
import { TestRepo } from '../support/git-repo.js';
import { runCompositeAction, type ActionRun } from './actions-runner.js';
import { type GitHubStandIn, startGitHubStandIn } from './github-api-stand-in.js';
import { parseAnnotation } from './workflow-commands.js';

const REPOSITORY = 'acme/mcp-config';
const PR = 7;
/** Looks like a real installation token, so a leak would be found by its value. */
const TOKEN = 'ghs_TESTtoken0123456789abcdefghijklmnopqrstuv';
const MARKER = '<!-- mcpo-plan -->';
const ANNOTATION =
  /^::(error|warning|notice)(?: (?:file|line|endLine|col|endColumn|title)=(?:[^,:%\r\n]|%(?:25|0D|0A|3A|2C))*(?:,(?:file|line|endLine|col|endColumn|title)=(?:[^,:%\r\n]|%(?:25|0D|0A|3A|2C))*)*)?::(?:[^%\r\n]|%(?:25|0D|0A))*$/;

let origin: TestRepo;
let github: GitHubStandIn;
const temps: string[] = [];
let base: string;

beforeAll(async () => {
  origin = await TestRepo.create({ prefix: 'mcpo-action-origin-' });
  cpSync(join(REPO_ROOT, 'resources'), join(origin.dir, 'resources'), { recursive: true });
  base = await origin.commit('base: one template');
  origin.git('checkout', '--quiet', '-b', 'feature');
  github = await startGitHubStandIn(REPOSITORY, TOKEN);
  // Comments already on the pull request: more than one page, one of them quoting the marker (not at its start).
  github.comments.set(
    PR,
    Array.from({ length: 130 }, (_, i) => ({
      id: i + 1,
      body: i === 42 ? `as the bot says, ${MARKER} marks its comment` : `review comment ${i}`,
      user: { login: `reviewer${i % 3}`, type: 'User' },
      html_url: `https://github.com/${REPOSITORY}/pull/${PR}#issuecomment-${i + 1}`,
    })),
  );
});

afterAll(async () => {
  await github?.close();
  origin?.dispose();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/**
 * What actions/checkout leaves for a pull_request event by default: a clone
 * of depth 1 at the head, so the base commit is not there and the action has
 * to fetch it.
 */
function checkout(head: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-action-ws-'));
  temps.push(dir);
  execFileSync('git', ['clone', '--quiet', '--depth=1', '--branch', 'feature', origin.url, dir], { env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
  expect(execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim()).toBe(head);
  return dir;
}

/** A pull_request ("synchronize") event payload, trimmed to real fields of GitHub's. */
function eventFile(head: string, headRepository = REPOSITORY): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-action-event-'));
  temps.push(dir);
  const repo = { id: 1, name: 'mcp-config', full_name: REPOSITORY, private: true, owner: { login: 'acme', type: 'Organization' } };
  const event = {
    action: 'synchronize',
    number: PR,
    before: base,
    after: head,
    pull_request: {
      url: `https://api.github.com/repos/${REPOSITORY}/pulls/${PR}`,
      id: 123456,
      number: PR,
      state: 'open',
      title: 'Bigger memory server',
      user: { login: 'dev', type: 'User' },
      head: { label: 'acme:feature', ref: 'feature', sha: head, repo: { ...repo, full_name: headRepository } },
      base: { label: 'acme:main', ref: 'main', sha: base, repo },
    },
    repository: repo,
    sender: { login: 'dev', type: 'User' },
  };
  const file = join(dir, 'event.json');
  writeFileSync(file, JSON.stringify(event, null, 2));
  return file;
}

async function runAction(
  head: string,
  withInputs: Record<string, string> = {},
  headRepository?: string,
  actionPath = REPO_ROOT,
  extraEnv: Record<string, string> = {},
): Promise<ActionRun & { workspace: string }> {
  const workspace = checkout(head);
  const eventPath = eventFile(head, headRepository);
  const run = await runCompositeAction({
    actionPath,
    with: withInputs,
    github: {
      workspace,
      repository: REPOSITORY,
      token: TOKEN,
      api_url: github.url,
      event_name: 'pull_request',
      event: JSON.parse(readFileSync(eventPath, 'utf8')),
    },
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_SHA: head,
      GITHUB_REF: `refs/pull/${PR}/merge`,
      GITHUB_HEAD_REF: 'feature',
      GITHUB_BASE_REF: 'main',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      ...extraEnv,
    },
  });
  return { ...run, workspace };
}

function step(run: ActionRun, name: string) {
  const found = run.steps.find((s) => s.name === name);
  if (!found) throw new Error(`no step ${name}`);
  return found;
}

function planComments() {
  return (github.comments.get(PR) ?? []).filter((c) => c.body.startsWith(MARKER));
}

describe('action.yml on a pull request', () => {
  it('annotates an invalid head, posts the plan as one new comment, and fails; then updates that same comment once fixed and passes', async () => {
    // Head 1: the template's memory goes up, and 12 namespaces have invalid names.
    const template = 'resources/templates/default/my-memory-server.yaml';
    origin.write(template, readFileSync(join(origin.dir, template), 'utf8').replace('node:24-alpine3.21', 'node:24-alpine3.22'));
    for (let i = 0; i < 12; i++) origin.write(`resources/namespaces/bad-${String(i).padStart(2, '0')}.yaml`, `kind: Namespace\nname: Team_${i}\n`);
    const head1 = await origin.commit('bigger image, and a dozen teams');

    const first = await runAction(head1);
    expect(first.steps.map((s) => [s.name, s.ran, s.code])).toEqual([
      ['Set up Node.js', false, undefined], // a uses: step: this stand-in runner has node already
      ['Install mcpo', true, 0],
      ['mcpo validate', true, 0],
      ['mcpo plan', true, 0],
      ['Pull-request comment', true, 0],
      ['Result', true, 1],
    ]);
    expect(first.success).toBe(false);

    const validate = step(first, 'mcpo validate');
    const lines = validate.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(ANNOTATION);
    expect(lines.filter((l) => l.startsWith('::error '))).toHaveLength(10);
    expect(parseAnnotation(lines[0]!).properties).toEqual({
      file: 'resources/namespaces/bad-00.yaml',
      line: '2',
      col: '7',
      endLine: '2',
      title: 'mcpo name.invalid',
    });
    expect(lines.at(-1)).toBe('::notice title=mcpo validate::2 more errors are listed in the step summary');
    expect(validate.outputs).toEqual({ 'exit-code': '1', valid: 'false' });
    // The step summary lists all 12.
    for (let i = 0; i < 12; i++)
      expect(validate.summary).toContain(`resources\\/namespaces\\/bad\\-${String(i).padStart(2, '0')}\\.yaml | 2 | 7 | name\\.invalid |`);

    // The base commit was not in the depth-1 checkout: the plan step fetched it.
    const plan = step(first, 'mcpo plan');
    expect(plan.outputs['exit-code']).toBe('1');
    expect(plan.summary.startsWith(MARKER)).toBe(true);

    const posted = planComments();
    expect(posted).toHaveLength(1);
    expect(posted[0]!.body).toBe(plan.summary);
    expect(posted[0]!.body).toContain('Team\\_0');
    const writes = github.requests.filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /repos/${REPOSITORY}/issues/${PR}/comments`]);
    // It looked through every page of the existing comments before posting.
    expect(github.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([
      `/repos/${REPOSITORY}/issues/${PR}/comments?per_page=100&page=1`,
      `/repos/${REPOSITORY}/issues/${PR}/comments?per_page=100&page=2`,
    ]);
    expect(first.outputs).toEqual({ valid: 'false', 'plan-file': expect.stringMatching(/mcpo-plan\.md$/), 'comment-url': posted[0]!.html_url });
    expect(step(first, 'Result').stdout).toContain('::error title=mcpo validate::the declarations are invalid');

    // Head 2: the namespaces fixed; the image change stays.
    for (let i = 0; i < 12; i++) origin.remove(`resources/namespaces/bad-${String(i).padStart(2, '0')}.yaml`);
    const head2 = await origin.commit('drop the teams again');
    github.requests.length = 0;
    const second = await runAction(head2);
    expect(second.success).toBe(true);
    expect(step(second, 'mcpo validate').stdout).toBe('');
    expect(step(second, 'mcpo validate').summary).toBe('### mcpo validate: valid, 1 namespaces, 1 resource limits, 1 templates, 1 secrets\n');
    expect(step(second, 'mcpo plan').outputs['exit-code']).toBe('0');
    const updated = planComments();
    expect(updated).toHaveLength(1);
    expect(updated[0]!.id).toBe(posted[0]!.id);
    expect(updated[0]!.body).toBe(step(second, 'mcpo plan').summary);
    expect(updated[0]!.body).toContain('Pods that roll');
    expect(updated[0]!.body).toContain('default/my-memory-server');
    expect(github.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /repos/${REPOSITORY}/issues/comments/${posted[0]!.id}`,
    ]);
    expect(github.comments.get(PR)).toHaveLength(131);

    // Every request carried the token, and nothing anywhere shows it.
    for (const run of [first, second]) expect(run.allText).not.toContain(TOKEN);
    for (const c of github.comments.get(PR)!) expect(c.body).not.toContain(TOKEN);
    expect(github.requests.every((r) => r.authorized)).toBe(true);
  });

  it('with comment false, posts nothing; a wrong token fails the comment step without printing either token', async () => {
    const head = origin.head();
    github.requests.length = 0;
    const off = await runAction(head, { comment: 'false' });
    expect(off.success).toBe(true);
    expect(step(off, 'Pull-request comment').stdout).toBe('mcpo: comment is off\n');
    expect(github.requests).toEqual([]);

    const wrong = 'ghp_WRONGtoken9876543210zyxwvutsrqponmlkjih';
    const bad = await runAction(head, { 'github-token': wrong });
    expect(bad.success).toBe(false);
    const comment = step(bad, 'Pull-request comment');
    expect(comment.code).toBe(1);
    expect(comment.stderr).toBe(`mcpo pr-comment: GET /repos/${REPOSITORY}/issues/${PR}/comments?per_page=100&page=1: HTTP 401: Bad credentials\n`);
    expect(bad.allText).not.toContain(wrong);
    expect(bad.allText).not.toContain(TOKEN);
    expect(step(bad, 'Result').ran).toBe(false);
  });

  it('from a fork, whose token is read-only, warns and keeps the plan in the step summary; the check still passes', async () => {
    github.readOnly = true;
    try {
      const run = await runAction(origin.head(), {}, 'someone/mcp-config');
      expect(run.success).toBe(true);
      const comment = step(run, 'Pull-request comment');
      expect(comment.stdout).toMatch(
        /^::warning title=mcpo plan::cannot comment on a pull request from a fork \(PATCH \/repos\/acme\/mcp-config\/issues\/comments\/\d+: HTTP 403: Resource not accessible by integration\); the plan is in the step summary\n$/,
      );
      expect(step(run, 'mcpo plan').summary.startsWith(MARKER)).toBe(true);
      expect(run.allText).not.toContain(TOKEN);
    } finally {
      github.readOnly = false;
    }
  });

  it('runs as docs/ci/github-workflow.yml uses it: its inputs exist, SARIF is written for the upload step, and the job has the permissions the comment needs', async () => {
    const workflow = parse(readFileSync(join(REPO_ROOT, 'docs/ci/github-workflow.yml'), 'utf8'));
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    const job = workflow.jobs.check;
    expect(job.permissions).toMatchObject({ contents: 'read', 'pull-requests': 'write', 'security-events': 'write' });
    const uses = job.steps.find((s: any) => s.id === 'mcpo');
    expect(uses.uses).toMatch(/^mcp-orchestrator\/mcp-orchestrator@v\d/);
    const upload = job.steps.find((s: any) => String(s.uses).startsWith('github/codeql-action/upload-sarif@'));
    expect(upload.with.sarif_file).toBe(uses.with['sarif-file']);
    expect(upload.if).toContain('steps.mcpo.outputs.valid');

    origin.write('resources/namespaces/broken.yaml', 'kind: Namespace\nname: Broken\n');
    const head = await origin.commit('one broken namespace');
    const run = await runAction(head, uses.with);
    expect(run.success).toBe(false);
    expect(run.outputs.valid).toBe('false');
    const sarif = JSON.parse(readFileSync(join(run.workspace, uses.with['sarif-file']), 'utf8'));
    expect(sarif.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri)).toEqual(['resources/namespaces/broken.yaml']);
    origin.remove('resources/namespaces/broken.yaml');
    await origin.commit('fixed');
  });

  it('installs itself from a fresh copy of the action (as GitHub downloads it at the ref: the tracked files, no node_modules, no build)', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'mcpo-action-copy-'));
    temps.push(copy);
    const files = execFileSync('git', ['-C', REPO_ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    for (const file of files) if (existsSync(join(REPO_ROOT, file))) cpSync(join(REPO_ROOT, file), join(copy, file), { recursive: true });
    expect(existsSync(join(copy, 'node_modules'))).toBe(false);
    expect(existsSync(join(copy, 'build'))).toBe(false);
    // npm's cache is warm on this machine; a runner would download the same locked packages.
    const run = await runAction(origin.head(), { comment: 'false' }, undefined, copy, {
      npm_config_prefer_offline: 'true',
      npm_config_cache: join(process.env.HOME ?? '', '.npm'),
    });
    const install = step(run, 'Install mcpo');
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).not.toContain('using the build');
    expect(existsSync(join(copy, 'build/cli/main.js'))).toBe(true);
    expect(run.success).toBe(true);
    expect(step(run, 'mcpo validate').summary).toContain('### mcpo validate: valid');
    expect(step(run, 'mcpo plan').outputs['exit-code']).toBe('0');
  }, 300_000);
});

/**
 * docs/ci/gitlab-mcpo.yml run the way a GitLab runner's shell executor runs a
 * job's script: its lines in order in ONE bash process with `set -eo
 * pipefail` (so a variable set by one line is there for the next), with the
 * job's variables and the predefined CI_* variables of a merge-request
 * pipeline, in a full clone (GIT_DEPTH 0) of a real repository. GitLab is a
 * loopback stand-in (gitlab-api-stand-in.ts); reviewdog is the real one,
 * built from its Go module by test/tools/install.sh.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/build.js';
import { TestRepo } from '../support/git-repo.js';
import { goTool, INSTALL_TIMEOUT_MS, pinnedVersion } from '../tools/tools.js';
import { type GitLabStandIn, startGitLabStandIn } from './gitlab-api-stand-in.js';

const TOKEN = 'glpat-TESTtoken0123456789abcdef';
const MARKER = '<!-- mcpo-plan -->';
const TEMPLATE = join(REPO_ROOT, 'docs/ci/gitlab-mcpo.yml');

interface Job {
  image: string;
  variables: Record<string, string>;
  script: string[];
  artifacts: { paths: string[] };
}

const job = (parse(readFileSync(TEMPLATE, 'utf8')) as { mcpo: Job }).mcpo;
let origin: TestRepo;
let gitlab: GitLabStandIn;
let tools: string;
const temps: string[] = [];

beforeAll(async () => {
  const reviewdog = goTool('reviewdog');
  // What the job's image would have on PATH: mcpo (installed by the template's first line when missing) and reviewdog.
  tools = mkdtempSync(join(tmpdir(), 'mcpo-gitlab-bin-'));
  temps.push(tools);
  writeFileSync(join(tools, 'mcpo'), `#!/bin/sh\nexec "${process.execPath}" "${join(REPO_ROOT, 'bin/mcpo.js')}" "$@"\n`);
  chmodSync(join(tools, 'mcpo'), 0o755);
  symlinkSync(reviewdog, join(tools, 'reviewdog'));

  origin = await TestRepo.create({ prefix: 'mcpo-gitlab-origin-' });
  cpSync(join(REPO_ROOT, 'resources'), join(origin.dir, 'resources'), { recursive: true });
  const base = await origin.commit('base');
  origin.git('checkout', '--quiet', '-b', 'feature');
  gitlab = await startGitLabStandIn(
    { projectId: 42, projectPath: 'acme/mcp-config', iid: 3, targetBranch: 'main', targetSha: base, sourceBranch: 'feature', headSha: base },
    TOKEN,
  );
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await gitlab?.close();
  origin?.dispose();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

async function runJob(head: string): Promise<{ code: number; log: string; dir: string }> {
  gitlab.mergeRequest.headSha = head;
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-gitlab-job-'));
  temps.push(dir);
  // GIT_DEPTH 0: a full clone, detached at the merge request's head, as the runner checks it out.
  execFileSync('git', ['clone', '--quiet', '--no-checkout', origin.url, dir]);
  execFileSync('git', ['-C', dir, 'checkout', '--quiet', '--detach', head]);
  // The runner echoes each line as written (not expanded), then runs it.
  const literal = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const script = ['set -eo pipefail', ...job.script.map((line) => `echo ${literal(`$ ${line.split('\n')[0]}`)}\n${line}`)].join('\n');
  const file = join(dir, '..', `${dir.split('/').pop()}-script.sh`);
  writeFileSync(file, script);
  temps.push(file);
  mkdirSync(join(dir, '.tmp'));
  const env = {
    PATH: `${tools}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '',
    TMPDIR: join(dir, '.tmp'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    ...job.variables,
    CI: 'true',
    GITLAB_CI: 'true',
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_PROJECT_DIR: dir,
    CI_PROJECT_ID: '42',
    CI_PROJECT_NAMESPACE: 'acme',
    CI_PROJECT_NAME: 'mcp-config',
    CI_PROJECT_PATH: 'acme/mcp-config',
    CI_API_V4_URL: gitlab.apiUrl,
    CI_COMMIT_SHA: head,
    CI_MERGE_REQUEST_IID: '3',
    CI_MERGE_REQUEST_DIFF_BASE_SHA: gitlab.mergeRequest.targetSha,
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature',
    CI_JOB_TOKEN: 'job-token-not-used',
    MCPO_GITLAB_TOKEN: TOKEN,
  };
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [file], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (log += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (log += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, log, dir }));
  });
}

describe('docs/ci/gitlab-mcpo.yml in a merge-request pipeline', () => {
  it('pins the reviewdog version the tests build', () => {
    expect(job.variables.REVIEWDOG_VERSION).toBe(pinnedVersion('reviewdog'));
  });

  it('puts each problem on its line through reviewdog, creates the plan note, and fails; then edits that note once fixed and passes', async () => {
    for (let i = 0; i < 3; i++) origin.write(`resources/namespaces/team-${i}.yaml`, `kind: Namespace\nname: Team_${i}\n`);
    const template = 'resources/templates/default/my-memory-server.yaml';
    origin.write(template, readFileSync(join(origin.dir, template), 'utf8').replace('node:24-alpine3.21', 'node:24-alpine3.22'));
    const head1 = await origin.commit('three teams and a newer image');
    // Notes already on the merge request: more than a page, system notes among them, one quoting the marker mid-text.
    for (let i = 0; i < 105; i++)
      gitlab.notes.push({ id: i + 1, body: i === 50 ? `see the ${MARKER} note` : `note ${i}`, system: i % 10 === 0, author: { username: `dev${i % 4}` } });
    const planNotes = () => gitlab.notes.filter((n) => n.body.startsWith(MARKER));

    const first = await runJob(head1);
    expect(first.code, first.log).toBe(1);
    expect(first.log).toContain('resources/namespaces/team-0.yaml:2:7: Namespace/Team_0: name: "Team_0" is not a DNS-1123 label');
    expect(first.log).toContain('mcpo validate: the declarations are invalid (exit 1)');
    // reviewdog read the rdjson and opened one discussion per problem, on the added line.
    expect(gitlab.discussions.map((d) => [d.position.new_path, d.position.new_line])).toEqual(
      expect.arrayContaining([0, 1, 2].map((i) => [`resources/namespaces/team-${i}.yaml`, 2])),
    );
    expect(gitlab.discussions).toHaveLength(3);
    expect(gitlab.discussions[0]!.body).toContain('is not a DNS-1123 label');
    // The plan note, created once, says the head is invalid.
    expect(planNotes()).toHaveLength(1);
    const note = planNotes()[0]!;
    expect(note.body.startsWith(MARKER)).toBe(true);
    expect(note.body).toBe(readFileSync(join(first.dir, 'mcpo-plan.md'), 'utf8'));
    expect(first.log).toContain(`mcpo: created the plan note ${note.id}`);
    expect(JSON.parse(readFileSync(join(first.dir, 'mcpo-validate.rdjson'), 'utf8')).diagnostics).toHaveLength(3);

    for (let i = 0; i < 3; i++) origin.remove(`resources/namespaces/team-${i}.yaml`);
    const head2 = await origin.commit('no teams after all');
    gitlab.requests.length = 0;
    const second = await runJob(head2);
    expect(second.code, second.log).toBe(0);
    expect(planNotes()).toHaveLength(1);
    expect(planNotes()[0]!.id).toBe(note.id);
    expect(planNotes()[0]!.body).toContain('Pods that roll');
    expect(gitlab.notes).toHaveLength(106);
    expect(gitlab.requests.filter((r) => r.path.includes('/notes')).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v4/projects/42/merge_requests/3/notes?per_page=100&page=1&sort=asc&order_by=created_at',
      'GET /api/v4/projects/42/merge_requests/3/notes?per_page=100&page=2&sort=asc&order_by=created_at',
      `PUT /api/v4/projects/42/merge_requests/3/notes/${note.id}`,
    ]);
    expect(gitlab.requests.filter((r) => r.method !== 'GET')).toHaveLength(1);
    expect(gitlab.discussions).toHaveLength(3);

    for (const run of [first, second]) expect(run.log).not.toContain(TOKEN);
    expect(gitlab.requests.every((r) => r.authorized)).toBe(true);
  });
});

#!/usr/bin/env node
/**
 * The comment step of action.yml: creates or updates the ONE pull-request
 * comment that carries mcpo's plan, through the GitHub REST API.
 *
 *   node scripts/action/pr-comment.mjs PLAN.md
 *
 * The comment is found again by its first line, `<!-- mcpo-plan -->` (the
 * plan's Markdown starts with it): listed page by page, PATCHed when found,
 * POSTed otherwise. Reads what a runner provides: GITHUB_API_URL,
 * GITHUB_REPOSITORY, GITHUB_EVENT_PATH (the pull_request event: its number),
 * GITHUB_OUTPUT; the token from MCPO_GITHUB_TOKEN. The token is sent in one
 * header and never printed: every line this script prints has it replaced.
 * Runs from the action's checkout after the install step built build/.
 */
import { appendFileSync } from 'node:fs';
import { echo } from '../../build/core/echo.js';
import { readFileBounded } from '../../build/source/read-bounded.js';

/** The first line of `mcpo plan --format markdown`. */
const MARKER = '<!-- mcpo-plan -->';
/** GitHub refuses a comment body over 65,536 characters; the plan keeps its bytes under that. */
const MAX_BODY_BYTES = 65_536;
const MAX_EVENT_BYTES = 32 * 1024 * 1024;
/** One page of comments is at most 100 bodies of 65,536 characters (UTF-8: up to 4 bytes each) plus their fields. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const PER_PAGE = 100;
/** 10,000 comments: a pull request with more is not searched further, and a new comment is made. */
const MAX_PAGES = 100;
const TIMEOUT_MS = 30_000;

const token = process.env.MCPO_GITHUB_TOKEN ?? '';

/** Text for the log with the token taken out, in case an answer ever quotes it. */
function redact(text) {
  return token ? text.split(token).join('***') : text;
}

function say(line) {
  process.stdout.write(`${redact(line)}\n`);
}

class Failure extends Error {}

function readBounded(path, limit, what) {
  let read;
  try {
    read = readFileBounded(path, limit);
  } catch (err) {
    throw new Failure(`cannot read ${what} ${echo(path)} (${err.code ?? 'error'})`);
  }
  if (!read.ok) throw new Failure(`${what} ${echo(path)} is over ${limit} bytes`);
  return read.content;
}

function pullRequestNumber() {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) throw new Failure('GITHUB_EVENT_PATH is not set: run this in a GitHub Actions job');
  let event;
  try {
    event = JSON.parse(readBounded(path, MAX_EVENT_BYTES, 'the event payload').toString('utf8'));
  } catch (err) {
    if (err instanceof Failure) throw err;
    throw new Failure('the event payload is not JSON');
  }
  const number = event?.pull_request?.number ?? (event?.issue?.pull_request ? event.issue.number : undefined);
  return { number: Number.isSafeInteger(number) && number > 0 ? number : undefined, event };
}

/** The answer's JSON, read up to a limit: a runaway answer cannot grow this process. */
async function readJson(response, what) {
  const chunks = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += chunk.length;
    if (total > MAX_RESPONSE_BYTES) throw new Failure(`${what}: the answer is over ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    throw new Failure(`${what}: HTTP ${response.status}, and the answer is not JSON`);
  }
}

async function github(method, path, body) {
  const api = (process.env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  let response;
  try {
    response = await fetch(`${api}${path}`, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'mcp-orchestrator-action',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new Failure(`${method} ${path}: ${echo(err.cause?.code ?? err.name ?? 'request failed')}`);
  }
  const json = await readJson(response, `${method} ${path}`);
  if (!response.ok) {
    const failure = new Failure(`${method} ${path}: HTTP ${response.status}${typeof json?.message === 'string' ? `: ${echo(json.message)}` : ''}`);
    failure.status = response.status;
    throw failure;
  }
  return json;
}

async function findComment(repo, number) {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = await github('GET', `/repos/${repo}/issues/${number}/comments?per_page=${PER_PAGE}&page=${page}`);
    if (!Array.isArray(comments)) throw new Failure('listing the comments did not answer a list');
    const mine = comments.find((c) => typeof c?.body === 'string' && c.body.startsWith(MARKER) && Number.isSafeInteger(c.id));
    if (mine) return mine;
    if (comments.length < PER_PAGE) return undefined;
  }
  say(`mcpo: more than ${MAX_PAGES * PER_PAGE} comments; the plan is posted as a new one`);
  return undefined;
}

function setOutput(name, value) {
  // An output line is name=value: a value with a line break could set another output.
  if (process.env.GITHUB_OUTPUT && !/[\r\n]/.test(value)) appendFileSync(process.env.GITHUB_OUTPUT, `${name}=${value}\n`);
}

async function main() {
  const [planFile] = process.argv.slice(2);
  if (!planFile) throw new Failure('usage: pr-comment.mjs PLAN.md');
  if (!token) throw new Failure('no token: set the github-token input (MCPO_GITHUB_TOKEN)');
  const repo = process.env.GITHUB_REPOSITORY ?? '';
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) throw new Failure(`GITHUB_REPOSITORY ${echo(repo)} is not owner/name`);
  const { number, event } = pullRequestNumber();
  if (number === undefined) {
    say('mcpo: not a pull request event: no comment');
    return;
  }
  const body = readBounded(planFile, MAX_BODY_BYTES, 'the plan').toString('utf8');
  if (!body.startsWith(MARKER)) throw new Failure(`the plan does not start with ${MARKER}, so its comment could not be found again`);

  let comment;
  try {
    const existing = await findComment(repo, number);
    comment = existing
      ? await github('PATCH', `/repos/${repo}/issues/comments/${existing.id}`, { body })
      : await github('POST', `/repos/${repo}/issues/${number}/comments`, { body });
    const url = typeof comment?.html_url === 'string' ? comment.html_url : '';
    say(`mcpo: ${existing ? 'updated' : 'created'} the plan comment${url ? ` ${echo(url, 300)}` : ''}`);
    if (/^https:\/\/\S+$/.test(url)) setOutput('url', url);
  } catch (err) {
    const fork = event?.pull_request?.head?.repo?.full_name && event.pull_request.head.repo.full_name !== repo;
    if (err instanceof Failure && (err.status === 403 || err.status === 404) && fork) {
      // A pull request from a fork gets a read-only token: the plan stays in the step summary.
      say(
        `::warning title=mcpo plan::${redact(`cannot comment on a pull request from a fork (${err.message}); the plan is in the step summary`).replace(/%/g, '%25')}`,
      );
      return;
    }
    throw err;
  }
}

main().catch((err) => {
  const message = err instanceof Failure ? err.message : `unexpected error: ${echo(String(err?.message ?? err))}`;
  process.stderr.write(`${redact(`mcpo pr-comment: ${message}`)}\n`);
  process.exitCode = 1;
});

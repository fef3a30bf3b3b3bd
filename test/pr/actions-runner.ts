/**
 * A stand-in for the GitHub Actions runner, for tests: GitHub's runner cannot
 * run here, so this one runs a composite action's `run:` steps the way the
 * runner does (docs.github.com, "Metadata syntax for GitHub Actions" and
 * "Workflow commands"):
 *
 * - each step's script is written to a file and run as
 *   `bash --noprofile --norc -eo pipefail FILE` (the runner's `shell: bash`),
 *   in GITHUB_WORKSPACE or the step's working-directory;
 * - the environment is the runner's (GITHUB_* variables, RUNNER_TEMP, CI)
 *   plus the step's `env:`; each step gets its own empty GITHUB_OUTPUT and
 *   GITHUB_STEP_SUMMARY files, and `name=value` / `name<<DELIM` lines of
 *   GITHUB_OUTPUT become `steps.<id>.outputs.<name>`;
 * - `${{ … }}` is substituted in inputs' defaults, `env:`, `with:`, `run:` and
 *   the action's outputs, for the few expressions the action uses: `inputs.X`,
 *   `github.X.Y…` (the event payload under github.event) and
 *   `steps.ID.outputs.X`. Any other expression fails the test, so the action
 *   cannot silently depend on something this stand-in does not do;
 * - a failed step skips the steps after it and fails the action;
 * - `uses:` steps (actions/setup-node) are not run: the node running the
 *   tests is already there. They are reported as skipped.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface StepResult {
  name: string;
  id?: string;
  ran: boolean;
  code?: number;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
}

export interface ActionRun {
  steps: StepResult[];
  outputs: Record<string, string>;
  success: boolean;
  /** Everything the run printed or wrote where a person could read it: logs, summaries, outputs. */
  allText: string;
}

export interface RunOptions {
  /** The action's folder (github.action_path). */
  actionPath: string;
  /** `with:` of the workflow step. */
  with?: Record<string, string>;
  /** The github context: workspace, repository, token, api_url, event… */
  github: Record<string, unknown> & { workspace: string; event: unknown };
  /** Environment variables of the job (the runner's own are set here too). */
  env: Record<string, string>;
}

interface ActionYaml {
  inputs?: Record<string, { default?: string }>;
  outputs?: Record<string, { value: string }>;
  runs: {
    using: string;
    steps: Array<{
      name?: string;
      id?: string;
      if?: string;
      uses?: string;
      run?: string;
      shell?: string;
      env?: Record<string, string>;
      'working-directory'?: string;
    }>;
  };
}

function lookup(root: unknown, path: string[]): unknown {
  let value = root;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The GITHUB_OUTPUT file format: `name=value` lines and `name<<DELIM` … `DELIM` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!);
      outputs[name!] = value.join('\n');
    } else if (line.includes('=')) outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return outputs;
}

/** Asynchronously, so that servers in the test's own process (the API stand-ins) can answer the step. */
function runBash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
  });
}

export async function runCompositeAction(opts: RunOptions): Promise<ActionRun> {
  const action = parse(readFileSync(join(opts.actionPath, 'action.yml'), 'utf8')) as ActionYaml;
  if (action.runs.using !== 'composite') throw new Error('not a composite action');
  const github = { ...opts.github, action_path: opts.actionPath };
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const inputs: Record<string, string> = {};

  const evaluate = (expr: string): string => {
    const path = expr.trim().split('.');
    const [head, ...rest] = path;
    if (head === 'inputs' && rest.length === 1) return inputs[rest[0]!] ?? '';
    if (head === 'github' && rest.length >= 1) return stringify(lookup(github, rest));
    if (head === 'steps' && rest.length === 3 && rest[1] === 'outputs') return steps[rest[0]!]?.outputs[rest[2]!] ?? '';
    throw new Error(`the test runner does not evaluate \${{ ${expr} }}`);
  };
  const substitute = (text: string): string => text.replace(/\$\{\{(.*?)\}\}/g, (_, expr: string) => evaluate(expr));

  for (const [name, spec] of Object.entries(action.inputs ?? {})) inputs[name] = opts.with?.[name] ?? substitute(spec.default ?? '');
  for (const name of Object.keys(opts.with ?? {})) if (!(name in inputs)) throw new Error(`the action has no input ${name}`);

  const temp = mkdtempSync(join(tmpdir(), 'mcpo-runner-'));
  const results: StepResult[] = [];
  let failed = false;
  try {
    for (const [index, step] of action.runs.steps.entries()) {
      const name = step.name ?? step.uses ?? `step ${index + 1}`;
      if (step.uses !== undefined || failed) {
        results.push({ name, ...(step.id ? { id: step.id } : {}), ran: false, stdout: '', stderr: '', summary: '', outputs: {} });
        continue;
      }
      if (step.if !== undefined) throw new Error(`the test runner does not evaluate if: on run steps (${name})`);
      if (step.shell !== 'bash') throw new Error(`step ${name}: only shell: bash is run here`);
      const script = join(temp, `step-${index}.sh`);
      const outputFile = join(temp, `output-${index}`);
      const summaryFile = join(temp, `summary-${index}.md`);
      writeFileSync(script, substitute(step.run ?? ''));
      writeFileSync(outputFile, '');
      writeFileSync(summaryFile, '');
      const stepEnv: Record<string, string> = {};
      for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = substitute(String(v));
      const cwd = step['working-directory'] ? join(opts.github.workspace, substitute(step['working-directory'])) : opts.github.workspace;
      const child = await runBash(script, cwd, {
        ...opts.env,
        GITHUB_ACTION_PATH: opts.actionPath,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        RUNNER_TEMP: temp,
        ...stepEnv,
      });
      const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'));
      if (step.id) steps[step.id] = { outputs };
      const code = child.code;
      results.push({
        name,
        ...(step.id ? { id: step.id } : {}),
        ran: true,
        code,
        stdout: child.stdout,
        stderr: child.stderr,
        summary: readFileSync(summaryFile, 'utf8'),
        outputs,
      });
      if (code !== 0) failed = true;
    }
    const outputs: Record<string, string> = {};
    for (const [name, spec] of Object.entries(action.outputs ?? {})) outputs[name] = substitute(spec.value);
    const allText = results.map((s) => [s.stdout, s.stderr, s.summary, JSON.stringify(s.outputs)].join('\n')).join('\n');
    return { steps: results, outputs, success: !failed, allText };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * `mcpo validate --format github|sarif|rdjson`, run as the real CLI on real
 * repositories: the annotation lines follow the runner's documented grammar
 * and decode back to the diagnostics, the step summary lists every one, SARIF
 * and rdjson validate against their published schemas (vendored, see
 * schemas/README.md), and no format shows a secret value or a raw control
 * character.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/build.js';
import { mcpo } from '../support/mcpo.js';
import { githubAnnotations, githubStepSummary } from '../../src/cli/report-github.js';
import { reportView } from '../../src/cli/report-view.js';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import { parseAnnotation } from './workflow-commands.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of this repository's valid resources/ plus `files`. */
function repoWith(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-formats-'));
  dirs.push(dir);
  cpSync(join(REPO_ROOT, 'resources'), join(dir, 'resources'), { recursive: true });
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  return dir;
}

/** 12 namespaces with invalid names: more errors than the runner annotates. */
function twelveBadNames(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) files[`resources/bad-${String(i).padStart(2, '0')}.yaml`] = `kind: Namespace\nname: Bad_Name_${i}\n`;
  return files;
}

/** A value found in a secret field (a number, so refused): it must never be printed. */
const SECRET_VALUE = '48151623420';
const HOSTILE = {
  // A file name with the characters the property grammar escapes, a percent sequence, non-ASCII and an ESC.
  'resources/a,b:c%41 ü\u001b.yaml': 'kind: Namespace\nname: "x\\e]0;title\\a\\rok"\n',
  'resources/leak.yaml': `kind: Secret\nname: leak\nnamespace: default\nsealed:\n  encrypted_data:\n    pin: ${SECRET_VALUE}\n`,
  'resources/leak2.yaml': `kind: Secret\nname: leak2\nnamespace: default\nsealed:\n  encrypted_data:\n    pin: "\\q${SECRET_VALUE}"\n`,
  // A message with Markdown and a workflow command inside, from the repository's text.
  'resources/md.yaml': 'kind: Namespace\nname: "[x](https://evil.example)|<img src=x>::error::no %0A"\n',
};

function jsonDiagnostics(dir: string): Diagnostic[] {
  return (JSON.parse(mcpo(['validate', '--repo', dir, '--format', 'json']).stdout) as { diagnostics: Diagnostic[] }).diagnostics;
}

/**
 * Ajv 8 compiles draft-06 and later; both published schemas are draft-04.
 * The copy differs only in the draft-04 spellings later drafts renamed, and
 * neither schema uses the boolean exclusiveMinimum/Maximum of draft-04.
 */
function compileDraft04(file: string): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(HERE, 'schemas', file), 'utf8')) as Record<string, unknown>;
  expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
  const keys = JSON.stringify(schema).match(/"exclusive(Minimum|Maximum)":/g);
  expect(keys).toBeNull();
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: under NodeNext its default export is the module object.
  formats.default(ajv);
  return ajv.compile(id === undefined ? rest : { $id: id, ...rest });
}

// The documented form: ::command key=value,key=value::message, with % CR LF escaped in the
// message and % CR LF : , in property values (docs.github.com, "Workflow commands for GitHub Actions").
const PROPERTY_VALUE = String.raw`(?:[^,:%\r\n]|%(?:25|0D|0A|3A|2C))*`;
const PROPERTY = `(?:file|line|endLine|col|endColumn|title)=${PROPERTY_VALUE}`;
const ANNOTATION = new RegExp(String.raw`^::(error|warning|notice)(?: ${PROPERTY}(?:,${PROPERTY})*)?::(?:[^%\r\n]|%(?:25|0D|0A))*$`);

describe('mcpo validate --format github', () => {
  it('annotates the first 10 errors in the documented grammar, lists all in the step summary, and exits 1', () => {
    const dir = repoWith(twelveBadNames());
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '## before\n');
    const { code, stdout, stderr } = mcpo(['validate', '--repo', dir, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(ANNOTATION);
    const errors = lines.filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(10);
    expect(errors[0]).toBe(
      '::error file=resources/bad-00.yaml,line=2,col=7,endLine=2,title=mcpo name.invalid::Namespace/Bad_Name_0: name: "Bad_Name_0" is not a DNS-1123 label: lowercase letters, digits and \'-\', starting and ending with a letter or digit',
    );
    expect(lines.at(-1)).toBe('::notice title=mcpo validate::2 more errors are listed in the step summary');

    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('## before\n### mcpo validate: 12 errors, 0 warnings\n')).toBe(true);
    const rows = written.split('\n').filter((l) => l.startsWith('| error |'));
    expect(rows).toHaveLength(12);
    for (let i = 0; i < 12; i++) expect(rows[i]).toContain(`resources\\/bad\\-${String(i).padStart(2, '0')}\\.yaml | 2 | 7 | name\\.invalid |`);
  });

  it('says where the rest are when there is no step summary, and writes nothing extra', () => {
    const dir = repoWith(twelveBadNames());
    const { stdout } = mcpo(['validate', '--repo', dir, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: '' } });
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('::notice title=mcpo validate::2 more errors are not annotated; run mcpo validate to see every one');
  });

  it('decodes, as the runner does, to the same file and text as the JSON report; no raw control character, Markdown or secret gets through', () => {
    const dir = repoWith(HOSTILE);
    const summary = join(dir, 'step-summary.md');
    const { code, stdout } = mcpo(['validate', '--repo', dir, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(code).toBe(1);
    const written = readFileSync(summary, 'utf8');
    for (const text of [stdout, written]) {
      expect(text).not.toContain(SECRET_VALUE);
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    }
    const expected = jsonDiagnostics(dir);
    const annotations = stdout.trimEnd().split('\n').map(parseAnnotation);
    expect(annotations.map((a) => a.properties.file)).toEqual(expected.map((d) => d.file));
    expect(annotations.map((a) => a.properties.line)).toEqual(expected.map((d) => String(d.line)));
    expect(annotations.find((a) => a.properties.file?.startsWith('resources/a,b:c%41'))?.properties.file).toBe('resources/a,b:c%41 ü\\x1b.yaml');
    const md = annotations.find((a) => a.properties.file === 'resources/md.yaml')!;
    expect(md.message).toContain('"[x](https://evil.example)|<img src=x>::error::no %0A"');
    // In the summary, every Markdown character from the repository is escaped: no link, tag or extra cell.
    const row = written.split('\n').find((l) => l.includes('md\\.yaml'))!;
    expect(row).toContain('\\[x\\]\\(https\\:\\/\\/evil\\.example\\)\\|\\<img src\\=x\\>');
    expect(row.replace(/\\./g, '').split('|')).toHaveLength(8);
  });

  it('annotates 10 of each kind and counts the rest of both kinds in one notice', () => {
    const diagnostics: Diagnostic[] = [];
    for (let i = 0; i < 13; i++)
      diagnostics.push({ code: 'field.unknown', severity: 'error', message: `e${i}`, file: `resources/e${i}.yaml`, line: 1, column: 1 });
    for (let i = 0; i < 11; i++) diagnostics.push({ code: 'file.unreadable', severity: 'warning', message: `w${i}`, file: `resources/w${i}.yaml` });
    diagnostics.push({ code: 'internal', severity: 'warning', message: 'about no file, 100% \r\n::add-mask::x' });
    const out = githubAnnotations(reportView(diagnostics), true).trimEnd().split('\n');
    for (const line of out) expect(line).toMatch(ANNOTATION);
    expect(out.filter((l) => l.startsWith('::error '))).toHaveLength(10);
    expect(out.filter((l) => l.startsWith('::warning '))).toHaveLength(10);
    expect(out.at(-1)).toBe('::notice title=mcpo validate::3 more errors and 2 more warnings are listed in the step summary');
    const summary = githubStepSummary(reportView(diagnostics));
    expect(summary.split('\n').filter((l) => /^\| (error|warning) \|/.test(l))).toHaveLength(25);
    expect(summary).toContain('| warning |  |  |  | internal | about no file\\, 100\\% \\\\r\\\\n\\:\\:add\\-mask\\:\\:x |');
  });

  it('keeps the step summary under its byte budget, with a note saying how many rows are left out', () => {
    const diagnostics: Diagnostic[] = [];
    for (let i = 0; i < 1000; i++)
      diagnostics.push({ code: 'field.type', severity: 'error', message: 'x'.repeat(1500), file: `resources/f${i}.yaml`, line: i + 1 });
    const summary = githubStepSummary(reportView(diagnostics), 100_000);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(100_000);
    const rows = summary.split('\n').filter((l) => l.startsWith('| error |')).length;
    expect(rows).toBeGreaterThan(50);
    expect(summary).toContain(`${1000 - rows} more diagnostics not listed: the step summary is limited to 1 MiB.`);
  });
});

describe('mcpo validate --format sarif', () => {
  const validate = compileDraft04('sarif-schema-2.1.0.json');

  it('is a SARIF 2.1.0 log valid against the official schema, with repo-relative URIs and rules from the codes', () => {
    const dir = repoWith({ ...HOSTILE, ...twelveBadNames() });
    const { code, stdout } = mcpo(['validate', '--repo', dir, '--format', 'sarif']);
    expect(code).toBe(1);
    expect(stdout).not.toContain(SECRET_VALUE);
    const log = JSON.parse(stdout);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'mcpo', version: JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version });
    expect(run.tool.driver.informationUri).toMatch(/^https:\/\//);
    const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toContain('name.invalid');
    const expected = jsonDiagnostics(dir);
    expect(run.results).toHaveLength(expected.length);
    for (const [i, result] of run.results.entries()) {
      const d = expected[i]!;
      expect(result.ruleId).toBe(d.code);
      expect(ruleIds[result.ruleIndex]).toBe(d.code);
      expect(result.level).toBe(d.severity);
      const location = result.locations[0].physicalLocation;
      expect(location.artifactLocation.uriBaseId).toBe('SRCROOT');
      expect(decodeURIComponent(location.artifactLocation.uri)).toBe(d.file);
      expect(location.region).toEqual({ startLine: d.line, startColumn: d.column });
    }
    const hostile = run.results.find((r: any) => r.locations[0].physicalLocation.artifactLocation.uri.startsWith('resources/a'));
    expect(hostile.locations[0].physicalLocation.artifactLocation.uri).toBe('resources/a%2Cb%3Ac%2541%20%C3%BC%5Cx1b.yaml');
  });

  it('is valid and empty on a valid repository, and exits 0', () => {
    const { code, stdout } = mcpo(['validate', '--repo', repoWith(), '--format', 'sarif']);
    expect(code).toBe(0);
    const log = JSON.parse(stdout);
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
  });
});

describe('mcpo validate --format rdjson', () => {
  const validate = compileDraft04('reviewdog-DiagnosticResult.json');

  it("is reviewdog's DiagnosticResult, valid against its schema, with columns in UTF-8 bytes", () => {
    // "ääää" is 4 characters and 8 bytes: the unknown field's column moves by 4.
    const dir = repoWith({ ...HOSTILE, 'resources/flow.yaml': '{kind: Namespace, name: ääää-x, bogus: 1}\n' });
    const { code, stdout } = mcpo(['validate', '--repo', dir, '--format', 'rdjson']);
    expect(code).toBe(1);
    expect(stdout).not.toContain(SECRET_VALUE);
    const result = JSON.parse(stdout);
    expect(validate(result), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(result.source.name).toBe('mcpo');
    const expected = jsonDiagnostics(dir);
    expect(result.diagnostics).toHaveLength(expected.length);
    for (const [i, d] of result.diagnostics.entries()) {
      expect(d.location.path).toBe(expected[i]!.file);
      expect(d.severity).toBe('ERROR');
      expect(d.code).toEqual({ value: expected[i]!.code });
    }
    const bogus = result.diagnostics.find((d: any) => d.code.value === 'field.unknown' && d.location.path === 'resources/flow.yaml');
    expect(expected.find((d) => d.code === 'field.unknown' && d.file === 'resources/flow.yaml')?.column).toBe(33);
    expect(bogus.location.range.start).toEqual({ line: 1, column: 37 });
  });

  it('exit codes are unchanged: 0 valid, 1 invalid, 2 usage', () => {
    for (const format of ['github', 'sarif', 'rdjson']) {
      expect(mcpo(['validate', '--repo', repoWith(), '--format', format], { env: { GITHUB_STEP_SUMMARY: '' } }).code).toBe(0);
      expect(mcpo(['validate', '--repo', repoWith(twelveBadNames()), '--format', format], { env: { GITHUB_STEP_SUMMARY: '' } }).code).toBe(1);
    }
    expect(mcpo(['validate', '--format', 'markdown']).code).toBe(2);
  });
});

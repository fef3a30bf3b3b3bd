/**
 * The plan as one pull-request comment: at most MAX_COMMENT_BYTES (GitHub's
 * limit for a comment body is 65,536 characters; bytes are counted, which is
 * never fewer), starting with the marker line the comment step finds its own
 * comment by. The summary table comes first; each later section gets what is
 * left of its byte budget and says how much it left out; the unified diff
 * gets the rest, cut at a line, with a note and the command that prints all
 * of it. Text from the repository is escaped for Markdown and HTML.
 */
import { escapeControl } from '../core/echo.js';
import { type Diagnostic, formatDiagnostic } from '../core/diagnostic.js';
import { filePatch } from './compare.js';
import { amountChanges, causeText, declarationName, objectName, plural } from './describe.js';
import type { Plan } from './plan.js';

export const MAX_COMMENT_BYTES = 65_536;
export const MARKER = '<!-- mcpo-plan -->';
/** Kept free for the closing lines and the truncation note. */
const RESERVE = 1_024;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Text from the repository, safe inline in Markdown and HTML (and in a table cell). */
export function md(text: string, max = 200): string {
  let t = escapeControl(text);
  if (t.length > max) t = `${t.slice(0, max)}…`;
  return t
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ');
}

/** A fenced code block whose fence no run of backticks inside can close. */
export function fenced(info: string, body: string): string {
  let longest = 0;
  for (const run of body.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}${body.endsWith('\n') || body === '' ? '' : '\n'}${fence}\n`;
}

class Budget {
  private parts: string[] = [];
  private used = 0;
  constructor(private readonly limit: number) {}
  get left(): number {
    return this.limit - this.used;
  }
  add(text: string): boolean {
    const n = bytes(text);
    if (n > this.left) return false;
    this.parts.push(text);
    this.used += n;
    return true;
  }
  toString(): string {
    return this.parts.join('');
  }
}

/** A bullet list of as many items as fit in `budget` bytes, then a line saying how many were left out. */
function list(out: Budget, items: readonly string[], budget: number, more: string): void {
  const allowed = Math.min(budget, out.left - 300);
  let used = 0;
  for (let i = 0; i < items.length; i++) {
    const line = `- ${items[i]}\n`;
    used += bytes(line);
    if (used > allowed || !out.add(line)) {
      out.add(`- … and ${items.length - i} more (${more})\n`);
      return;
    }
  }
}

function commandLine(plan: Plan, command: 'diff' | 'plan'): string {
  const arg = (s: string | null) => (s === null ? '' : ` ${/^[\w./@^~:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`}`);
  return `mcpo ${command}${arg(plan.base.ref)}${arg(plan.head.ref)}`;
}

export function formatMarkdown(plan: Plan, limit = MAX_COMMENT_BYTES): string {
  const out = new Budget(limit - RESERVE);
  const d = plan.declarations;
  const o = plan.objects;
  out.add(`${MARKER}\n### mcpo plan: ${md(plan.base.label)} → ${md(plan.head.label)}\n\n`);
  const none = d.added.length + d.changed.length + d.removed.length === 0 && plan.files.length === 0;
  if (none) {
    out.add('No change: merging changes nothing in dist/.\n');
    return out.toString();
  }
  out.add('| | |\n|---|---|\n');
  out.add(`| Declarations | ${d.added.length} added, ${d.changed.length} changed, ${d.removed.length} removed |\n`);
  out.add(`| Objects in dist/ | ${o.created.length} created, ${o.updated.length} updated, ${o.deleted.length} deleted (pruned by Argo CD or Flux) |\n`);
  out.add(`| Pods that roll | ${plural(plan.rollouts.length, 'template')} |\n`);
  out.add(`| Namespaces whose requests or limits change | ${plan.totals.length} |\n`);
  out.add(`| Secrets whose keys change | ${plan.secrets.length} |\n`);
  out.add(`| Warnings | ${plan.warnings.length} |\n\n`);
  const fullPlan = `run \`${commandLine(plan, 'plan')}\` for all`;

  if (plan.warnings.length > 0) {
    out.add('#### Warnings\n\n');
    list(
      out,
      plan.warnings.map((w) => `:warning: ${md(w.message, 400)}`),
      8_000,
      fullPlan,
    );
    out.add('\n');
  }
  if (plan.rollouts.length > 0) {
    out.add(`#### Pods that roll (${plan.rollouts.length})\n\n`);
    list(
      out,
      plan.rollouts.map((r) => `${md(`${r.namespace}/${r.name}`)}: ${r.causes.map((c) => md(causeText(c))).join('; ')}`),
      6_000,
      fullPlan,
    );
    out.add('\n');
  }
  if (plan.totals.length > 0) {
    out.add('#### Requests and limits per namespace (templates × replicas)\n\n| Namespace | | Before | After |\n|---|---|---:|---:|\n');
    const stop = out.left - 6_000;
    let shown = 0;
    for (const t of plan.totals) {
      const rows = amountChanges(t.before, t.after)
        .map((c, i) => `| ${i === 0 ? md(t.namespace) : ''} | ${c.resource} | ${md(c.before)} | ${md(c.after)} |\n`)
        .join('');
      if (out.left - bytes(rows) < stop || !out.add(rows)) break;
      shown++;
    }
    if (shown < plan.totals.length) out.add(`\n… and ${plan.totals.length - shown} more namespaces (${fullPlan})\n`);
    out.add('\n');
  }
  if (plan.secrets.length > 0) {
    out.add('#### Secrets whose keys change (key names only)\n\n');
    const keys = (label: string, ks: readonly string[]) => (ks.length > 0 ? `${label} ${ks.map((k) => md(k, 100)).join(', ')}` : '');
    list(
      out,
      plan.secrets.map(
        (s) =>
          `${md(`${s.namespace}/${s.name}`)} (${s.change}): ${[keys('added', s.added), keys('re-sealed', s.changed), keys('removed', s.removed)].filter(Boolean).join('; ')}`,
      ),
      4_000,
      fullPlan,
    );
    out.add('\n');
  }
  if (d.added.length + d.changed.length + d.removed.length > 0) {
    out.add(`<details><summary>Declarations (${d.added.length + d.changed.length + d.removed.length})</summary>\n\n`);
    const items = [
      ...d.added.map((r) => ['added', r] as const),
      ...d.changed.map((r) => ['changed', r] as const),
      ...d.removed.map((r) => ['removed', r] as const),
    ].map(([change, r]) => `${change} ${r.kind} ${md(declarationName(r))} (${md(r.file)})`);
    list(out, items, 6_000, fullPlan);
    out.add('\n</details>\n\n');
  }
  const objects = [...o.created, ...o.updated, ...o.deleted];
  if (objects.length > 0) {
    out.add(`#### Objects in dist/ (${objects.length})\n\n`);
    const stop = out.left - 10_000;
    let shown = 0;
    const verb = { added: 'created', changed: 'updated', removed: 'deleted' } as const;
    for (const x of objects) {
      const fields = x.fields && x.fields.length > 0 ? `\n\nFields: ${x.fields.map((f) => md(f, 120)).join(', ')}` : '';
      const block = `<details><summary>${verb[x.change]} ${x.kind} ${md(objectName(x))}</summary>\n\n${md(x.path)}${fields}\n\n</details>\n`;
      if (out.left - bytes(block) < stop || !out.add(block)) break;
      shown++;
    }
    if (shown < objects.length) out.add(`\n… and ${objects.length - shown} more objects (${fullPlan})\n`);
    out.add('\n');
  }

  // The diff gets what is left.
  const diffCommand = commandLine(plan, 'diff');
  const head = `<details><summary>Diff of dist/ (${plural(plan.files.length, 'file')}; sealed values shown as digests)</summary>\n\n`;
  const tail = '\n</details>\n';
  const room = out.left - bytes(head) - bytes(tail) - 16; // 16: the fences
  let body = '';
  let shown = 0;
  let leftOutBytes = 0;
  for (const f of plan.files) {
    const patch = filePatch(f, plan.base.label, plan.head.label);
    if (leftOutBytes === 0 && bytes(body) + bytes(patch) <= room) {
      body += patch;
      shown++;
    } else {
      if (leftOutBytes === 0 && shown === 0) {
        // Not even the first file fits: as many of its lines as do.
        let cut = '';
        for (const line of patch.split(/(?<=\n)/)) {
          if (bytes(cut) + bytes(line) > room) break;
          cut += line;
        }
        body = cut;
        leftOutBytes += bytes(patch) - bytes(cut);
        continue;
      }
      leftOutBytes += bytes(patch);
    }
  }
  if (room > 200 && body !== '') {
    out.add(head);
    out.add(fenced('diff', body));
    out.add(tail);
  }
  const main = out.toString();
  const note =
    leftOutBytes > 0 || body === ''
      ? `\n> [!NOTE]\n> The diff is cut to fit one comment: ${shown} of ${plural(plan.files.length, 'file')} shown, ${leftOutBytes} bytes left out. See all of it with \`${diffCommand}\`.\n`
      : '';
  return main + note;
}

/** The comment when a side's declarations are invalid: what is wrong, so the pull request shows it. */
export function formatInvalidMarkdown(sides: readonly { label: string; diagnostics: readonly Diagnostic[] }[], limit = MAX_COMMENT_BYTES): string {
  const out = new Budget(limit - RESERVE);
  out.add(`${MARKER}\n### mcpo plan: invalid declarations, nothing planned\n\n`);
  for (const side of sides) {
    out.add(`The declarations at ${md(side.label)} are invalid (${plural(side.diagnostics.length, 'diagnostic')}):\n\n`);
    list(
      out,
      side.diagnostics.map((d) => md(formatDiagnostic(d), 600)),
      out.left - 200,
      'run `mcpo validate` for all',
    );
    out.add('\n');
  }
  return out.toString();
}

/** The plan for a terminal: every section, every line, no diff (`mcpo diff` prints that). */
import { echo } from '../core/echo.js';
import { amountChanges, causeText, declarationName, objectName, plural } from './describe.js';
import type { Plan } from './plan.js';

const SIGN = { added: '+', changed: '~', removed: '-' } as const;

export function formatText(plan: Plan): string {
  const lines: string[] = [`mcpo plan: ${echo(plan.base.label)} → ${echo(plan.head.label)}`];
  const d = plan.declarations;
  const o = plan.objects;
  if (d.added.length + d.changed.length + d.removed.length === 0 && plan.files.length === 0) {
    lines.push('', 'no change: merging changes nothing in dist/');
    return `${lines.join('\n')}\n`;
  }
  lines.push('', `Declarations: ${d.added.length} added, ${d.changed.length} changed, ${d.removed.length} removed`);
  for (const [change, list] of [
    ['added', d.added],
    ['changed', d.changed],
    ['removed', d.removed],
  ] as const)
    for (const r of list) lines.push(`  ${SIGN[change]} ${r.kind} ${echo(declarationName(r))}  (${echo(r.file)})`);

  lines.push('', `Objects in dist/: ${o.created.length} created, ${o.updated.length} updated, ${o.deleted.length} deleted (pruned by Argo CD or Flux)`);
  for (const [sign, list] of [
    ['+', o.created],
    ['~', o.updated],
    ['-', o.deleted],
  ] as const)
    for (const x of list)
      lines.push(
        `  ${sign} ${x.kind} ${echo(objectName(x))}  ${echo(x.path)}${x.fields && x.fields.length > 0 ? `: ${x.fields.map((f) => echo(f)).join(', ')}` : ''}`,
      );

  lines.push('', `Rollouts: ${plural(plan.rollouts.length, 'template')} whose pods roll`);
  for (const r of plan.rollouts) lines.push(`  ${echo(`${r.namespace}/${r.name}`)}: ${r.causes.map((c) => echo(causeText(c))).join('; ')}`);

  if (plan.totals.length > 0) {
    lines.push('', 'Requests and limits per namespace (templates × replicas, before → after):');
    for (const t of plan.totals) {
      lines.push(`  ${echo(t.namespace)}${t.before === null ? ' (new)' : t.after === null ? ' (removed)' : ''}`);
      for (const c of amountChanges(t.before, t.after)) lines.push(`    ${c.resource.padEnd(28)} ${c.before} → ${c.after}`);
    }
  }
  if (plan.secrets.length > 0) {
    lines.push('', 'Secrets whose keys change (names only):');
    for (const s of plan.secrets) {
      const parts = [
        s.added.length > 0 && `added ${s.added.map((k) => echo(k)).join(', ')}`,
        s.changed.length > 0 && `re-sealed ${s.changed.map((k) => echo(k)).join(', ')}`,
        s.removed.length > 0 && `removed ${s.removed.map((k) => echo(k)).join(', ')}`,
      ].filter(Boolean);
      lines.push(`  ${echo(`${s.namespace}/${s.name}`)} (${s.change}): ${parts.join('; ')}`);
    }
  }
  if (plan.warnings.length > 0) {
    lines.push('', `Warnings: ${plan.warnings.length}`);
    for (const w of plan.warnings) lines.push(`  ! ${echo(w.message, 400)}`);
  }
  lines.push(
    '',
    `${plural(plan.files.length, 'rendered file differs', 'rendered files differ')}; see them with: mcpo diff ${echo(plan.base.ref ?? '')}${plan.head.ref ? ` ${echo(plan.head.ref)}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

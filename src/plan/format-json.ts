/** The plan for programs: the contract of docs/plan.md (PLAN-CLI), without the diff text. */
import type { Plan } from './plan.js';

export function planJson(plan: Plan): Record<string, unknown> {
  return {
    base: { ref: plan.base.ref, sha: plan.base.sha },
    head: { ref: plan.head.ref, sha: plan.head.sha },
    declarations: plan.declarations,
    objects: plan.objects,
    rollouts: plan.rollouts,
    totals: plan.totals,
    secrets: plan.secrets,
    warnings: plan.warnings,
    files: plan.files.map((f) => ({ path: f.path, change: f.change })),
  };
}

export function formatJson(plan: Plan): string {
  return `${JSON.stringify(planJson(plan), null, 2)}\n`;
}

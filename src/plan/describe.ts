/** Words the formats share: how a declaration, an object, a cause and an amount read. */
import type { Cause, DeclarationRef } from './affected.js';
import type { ObjectChange, SideRef } from './plan.js';
import { RESOURCE_NAMES, type Amounts, type Sum } from './quantities.js';

export const declarationName = (d: DeclarationRef): string => (d.namespace === undefined ? d.name : `${d.namespace}/${d.name}`);
export const objectName = (o: ObjectChange): string => (o.namespace === undefined ? o.name : `${o.namespace}/${o.name}`);

export function causeText(c: Cause): string {
  switch (c.kind) {
    case 'template':
      return 'its declaration changed';
    case 'preset':
      return `ResourceLimit ${c.name} changed`;
    case 'secret':
      return `Secret ${c.namespace}/${c.name} changed`;
    case 'bridge-image':
      return `bridge image ${c.before} → ${c.after}`;
  }
}

export const sideText = (s: SideRef): string => s.label;

/** A total; pods without a value are counted beside it (a limit they lack bounds nothing). */
const sum = (s: Sum | undefined, pods: number): string => {
  if (s === undefined) return '–';
  if (pods > 0 && s.unset === pods) return 'not set';
  return `${s.total}${s.unset > 0 ? ` (+${s.unset} pod${s.unset === 1 ? '' : 's'} without)` : ''}`;
};

/** "cpu 500m → 750m" for each resource whose total differs (or every one, when asked). */
export function amountChanges(before: Amounts | null, after: Amounts | null): { resource: string; before: string; after: string }[] {
  const out: { resource: string; before: string; after: string }[] = [];
  const pods = (a: Amounts | null) => (a === null ? '–' : String(a.pods));
  if (pods(before) !== pods(after)) out.push({ resource: 'pods', before: pods(before), after: pods(after) });
  for (const side of ['requests', 'limits'] as const) {
    for (const name of RESOURCE_NAMES) {
      const b = sum(before?.[side][name], before?.pods ?? 0);
      const a = sum(after?.[side][name], after?.pods ?? 0);
      if (b !== a) out.push({ resource: `${side}.${name}`, before: b, after: a });
    }
  }
  return out;
}

export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

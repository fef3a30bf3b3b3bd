/**
 * One ordering of strings for everything whose order a person or a diff
 * sees: by UTF-16 code unit, as Array.prototype.sort does by default. It does
 * not depend on the locale (localeCompare does), and for the ASCII names
 * declarations use it is byte order.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A record with its keys in compareStrings order (so that it always serializes the same way). */
export function sortedRecord<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const key of Object.keys(record).sort(compareStrings)) out[key] = record[key]!;
  return out;
}

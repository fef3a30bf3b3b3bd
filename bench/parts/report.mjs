// @ts-check
/** The table and the JSON line bench/run.mjs prints at the end. */
import { round } from '../lib.mjs';

/** Targets the table judges results against (reported, not timed tests). @type {Record<string, ['<=' | '>=', number]>} */
export const TARGETS = {
  synth_ratio: ['<=', 1.2],
  synth_vs_helm_ratio: ['<=', 1.0],
  incremental_ratio: ['<=', 0.1],
  kustomize_slowest_unit_s: ['<=', 10],
  get_ratio: ['>=', 0.9],
  list_ratio: ['>=', 0.7],
  list_p99_ms: ['<=', 25],
  http_get_ratio: ['>=', 0.7],
  http_list_ratio: ['>=', 0.7],
  console_gzip_kb: ['<=', 150],
  plan_one_change_s: ['<=', 3],
  diff_one_change_s: ['<=', 3],
  serve_rss_mb: ['<=', 300],
  reload_s: ['<=', 10],
  created_at_s: ['<=', 5],
};

/**
 * @param {string} key
 * @param {number | undefined} value
 */
function verdict(key, value) {
  const t = TARGETS[key];
  if (!t || value === undefined) return '';
  const ok = t[0] === '<=' ? value <= t[1] : value >= t[1];
  return `${ok ? 'met' : 'MISSED'} (${t[0]} ${t[1]})`;
}

/** @param {number | undefined} x */
const fmt = (x) => (x === undefined || Number.isNaN(x) ? '' : String(round(x, x >= 100 ? 0 : x >= 10 ? 1 : 3)));

/**
 * The table of rows, columns aligned, with a rule under the header.
 * @param {import('./context.mjs').Row[]} rows
 * @param {Record<string, any>} results
 */
export function formatTable(rows, results) {
  const table = [
    ['measure', 'median', 'min–max', 'runs', 'CPU s', 'floor', 'ratio', 'CPU ratio', 'target', 'note'],
    ...rows.map((r) => [
      r.name,
      fmt(r.median),
      r.min === undefined ? '' : `${fmt(r.min)}–${fmt(r.max)}`,
      String(r.n),
      fmt(r.cpu),
      fmt(r.floor),
      fmt(r.ratio),
      fmt(r.cpuRatio),
      r.target ? verdict(r.target, results[r.target]) : '',
      r.note ?? '',
    ]),
  ];
  const header = /** @type {string[]} */ (table[0]);
  const widths = header.map((_, c) => Math.max(...table.map((line) => /** @type {string} */ (line[c]).length)));
  return table.map((line, i) => {
    const text = line
      .map((cell, c) => (c === 0 || c === line.length - 1 ? cell.padEnd(/** @type {number} */ (widths[c])) : cell.padStart(/** @type {number} */ (widths[c]))))
      .join('  ')
      .trimEnd();
    return i === 0 ? `${text}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : text;
  });
}

/**
 * The JSON line: the headline figures first, then every result and the machine.
 * @param {Record<string, any>} results
 * @param {Record<string, unknown>} machine
 */
export function summaryLine(results, machine) {
  return JSON.stringify({
    synth_ratio: results.synth_ratio,
    validate_s: results.validate_s,
    synth_s: results.synth_s,
    incremental_ratio: results.incremental_ratio,
    get_ratio: results.get_ratio,
    list_ratio: results.list_ratio,
    list_p99_ms: results.list_p99_ms,
    serve_rss_mb: results.serve_rss_mb,
    reload_s: results.reload_s,
    created_at_s: results.created_at_s,
    ...results,
    machine,
  });
}

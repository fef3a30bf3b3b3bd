#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the top functions by
 * self time, the top by inclusive (total) time, and self time by package or
 * source file, so "what dominates" can be read without a browser.
 *
 *   node bench/cpuprofile-top.mjs FILE.cpuprofile [--top N] [--from-ms MS] [--to-ms MS] [--json]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a frame comes from: an npm package, our build/ file, node: internals, or V8. */
export function origin(url) {
  if (!url) return '(v8/native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const build = url.indexOf('/build/');
  if (build >= 0) return `mcpo:${url.slice(build + '/build/'.length)}`;
  if (url.startsWith('node:')) return 'node:internal';
  const bench = url.indexOf('/bench/');
  if (bench >= 0) return `bench:${url.slice(bench + '/bench/'.length)}`;
  return url.replace(/^file:\/\//, '');
}

function frameName(cf) {
  const fn = cf.functionName || '(anonymous)';
  const where = cf.url ? `${origin(cf.url)}:${cf.lineNumber + 1}` : '';
  return where ? `${fn} ${where}` : fn;
}

/**
 * Self, inclusive and per-package time of the samples taken between fromMs
 * and toMs after the profile started (all samples by default).
 */
export function summarise(profile, top = 15, { fromMs = 0, toMs = Infinity } = {}) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map();
  const deltas = profile.timeDeltas ?? [];
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += deltas[i] ?? 0;
    if (at / 1000 < fromMs || at / 1000 > toMs) continue;
    const id = profile.samples[i];
    const dt = deltas[i + 1] ?? deltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const bySelf = new Map();
  const byOrigin = new Map();
  const byTotal = new Map();
  for (const [id, us] of selfUs) {
    const n = nodes.get(id);
    const name = frameName(n.callFrame);
    bySelf.set(name, (bySelf.get(name) ?? 0) + us);
    const o =
      n.callFrame.functionName === '(garbage collector)' ? '(garbage collector)' : n.callFrame.functionName === '(idle)' ? '(idle)' : origin(n.callFrame.url);
    byOrigin.set(o, (byOrigin.get(o) ?? 0) + us);
    // Inclusive: each distinct function on the stack once per sample.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const fname = frameName(nodes.get(cur).callFrame);
      if (seen.has(fname)) continue;
      seen.add(fname);
      byTotal.set(fname, (byTotal.get(fname) ?? 0) + us);
    }
  }
  const rank = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((1000 * us) / total) / 10 }));
  const skip = new Set(['(root)', '(program)', '(idle)']);
  return {
    total_ms: Math.round(total / 1000),
    self: rank(bySelf),
    inclusive: rank(new Map([...byTotal].filter(([k]) => !skip.has(k.split(' ')[0])))),
    by_origin: rank(byOrigin),
  };
}

export function formatSummary(s, title = '') {
  const lines = [];
  if (title) lines.push(`== ${title} (${s.total_ms} ms sampled)`);
  for (const [label, rows] of [
    ['self time', s.self],
    ['inclusive time', s.inclusive],
    ['self time by package / file', s.by_origin],
  ]) {
    lines.push(`-- ${label}`);
    for (const r of rows) lines.push(`${String(r.ms).padStart(8)} ms ${String(r.pct).padStart(5)}%  ${r.name}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const valued = new Set(['--top', '--from-ms', '--to-ms']);
  const file = args.find((a, i) => !a.startsWith('--') && !valued.has(args[i - 1]));
  if (!file) {
    console.error('usage: cpuprofile-top.mjs FILE.cpuprofile [--top N] [--json]');
    process.exit(2);
  }
  const topIdx = args.indexOf('--top');
  const top = topIdx >= 0 ? Number(args[topIdx + 1]) : 15;
  const num = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')), top, { fromMs: num('--from-ms', 0), toMs: num('--to-ms', Infinity) });
  console.log(args.includes('--json') ? JSON.stringify(s, null, 2) : formatSummary(s, file));
}

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkFile } from '../build/model/build.js';
import { parseYamlFast } from '../build/declarations/fast-yaml.js';
const root = '/tmp/lead-cache/bench/repo/resources';
const files = [];
const walk = (d) => { for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : files.push({ path: join(d, e.name), content: readFileSync(join(d, e.name)) }); };
walk(root);
let fast = 0, notEligible = 0; const reasons = new Map();
let t = performance.now();
for (const f of files) { const c = checkFile(f); if (!c.exact) fast++; else { const d = parseYamlFast(f.path, f.content.toString()); if (!d) notEligible++; else { const k = c.diagnostics.map(x=>x.code).join(',') || 'fast-diag'; reasons.set(k, (reasons.get(k)||0)+1); if (reasons.get(k) < 2) console.log(f.path); } } }
console.log('files', files.length, 'fast', fast, 'not eligible', notEligible, [...reasons], (performance.now()-t).toFixed(0), 'ms');

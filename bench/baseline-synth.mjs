#!/usr/bin/env node
/**
 * The floor for `mcpo synth`: plain cdk8s, no mcp-orchestrator code. The same
 * Kubernetes objects mcpo renders (read as JSON, see prepareBaselineInput in
 * run.mjs) are added as raw `ApiObject`s, one Chart per output folder (cluster,
 * and one per namespace, like mcpo), and cdk8s's own `app.synth()` writes one
 * file per object (YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE: cdk8s
 * resolves and validates the app once, then `Yaml.save`s every object).
 *
 * A separate node process, like `node bin/mcpo.js synth`, so both pay process
 * start and module loading.
 *
 *   node bench/baseline-synth.mjs --input objects.json --out DIR [--kinds Deployment,Service]
 *
 * DIR should not exist (run.mjs removes it, untimed, as it does for mcpo synth).
 */
import { readFileSync } from 'node:fs';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const input = arg('--input');
const out = arg('--out');
const kinds = arg('--kinds')?.split(',');
if (!input || !out) {
  console.error('usage: baseline-synth.mjs --input objects.json --out DIR [--kinds K1,K2]');
  process.exit(2);
}

/** [{ chart: 'cluster' | 'namespace-<ns>', object: {...} }] in mcpo's output order. */
const objects = JSON.parse(readFileSync(input, 'utf8'));

const app = new App({ outdir: out, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE, outputFileExtension: '.yaml' });
const charts = new Map();
let n = 0;
for (const { chart, object } of objects) {
  if (kinds && !kinds.includes(object.kind)) continue;
  let c = charts.get(chart);
  if (!c) {
    const namespace = chart.startsWith('namespace-') ? chart.slice('namespace-'.length) : undefined;
    charts.set(chart, (c = new Chart(app, chart, { disableResourceNameHashes: true, ...(namespace && { namespace }) })));
  }
  new ApiObject(c, `${object.kind}-${object.metadata.name}`, object);
  n++;
}
app.synth();
process.stdout.write(`baseline: ${n} objects in ${charts.size} charts written to ${out}\n`);

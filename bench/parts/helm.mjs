// @ts-check
/**
 * synth_vs_helm_ratio: full `mcpo synth` of the generated repository against `helm template` of an
 * equivalent hand-written chart (bench/fixtures/helm-chart) rendering the same objects, both
 * writing files into tmpfs, interleaved run by run. The chart's values file is written once, untimed,
 * from mcpo's model of the repository (one entry per namespace, secret and template, each
 * template's preset already resolved into its resources and volumes), so helm only renders; the
 * chart does the rest itself (labels, the stdio bridge, probes, volumes, the secrets digest).
 * helm_objects_identical: both outputs parsed, comments dropped, keys sorted, objects matched by
 * kind/namespace/name.
 *
 * helm is the version test/tools/install.sh pins, built by `go install` into the tool cache bin
 * (bench/setup.sh does it up front; this part does it on first use otherwise).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { importBuild, listFiles, MCPO, median, ROOT, round, timed, writeJson } from '../lib.mjs';
import { cpuMedian, requireRepo } from './context.mjs';

export const CHART_DIR = join(ROOT, 'bench', 'fixtures', 'helm-chart');
const RELEASE = 'mcp-servers';

/** @type {import('./context.mjs').Part} */
export const helmPart = {
  name: 'helm',
  needsRepo: true,
  async run({ opts, work, repo: maybeRepo, results, row, log }) {
    const repo = requireRepo(maybeRepo);
    const helm = ensureHelm();
    const node = process.execPath;
    const { runs, outBaseDir } = opts;
    mkdirSync(outBaseDir, { recursive: true });
    const outMcpo = join(outBaseDir, 'mcpo-bench-helm-mcpo');
    const outHelm = join(outBaseDir, 'mcpo-bench-helm-helm');
    const valuesFile = join(work, 'helm-values.json');
    // helm keeps no state for `template` of a local chart, but would create its config and cache in HOME.
    const helmHome = join(work, 'helm-home');
    const env = {
      ...process.env,
      HELM_CACHE_HOME: join(helmHome, 'cache'),
      HELM_CONFIG_HOME: join(helmHome, 'config'),
      HELM_DATA_HOME: join(helmHome, 'data'),
    };
    // A `go install`ed helm reports only its minor version; install.sh's stamp beside it has the pinned one.
    const stamp = join(dirname(helm), '.helm.version');
    results.helm_version = existsSync(stamp)
      ? readFileSync(stamp, 'utf8').trim()
      : execFileSync(helm, ['version', '--short'], { env, encoding: 'utf8' }).trim();

    const t0 = performance.now();
    const values = await helmValues(repo.dir);
    writeJson(valuesFile, values);
    log(
      `helm values: ${values.namespaces.length} namespaces, ${values.secrets.length} secrets, ${values.templates.length} templates in ${round((performance.now() - t0) / 1000, 1)} s (untimed)`,
    );

    const settle = () => execFileSync('sync');
    /** @type {number[]} */
    const synth = [];
    /** @type {number[]} */
    const tmpl = [];
    /** @type {{ synth: Array<number | undefined>, helm: Array<number | undefined> }} */
    const cpu = { synth: [], helm: [] };
    for (let i = 0; i < runs; i++) {
      rmSync(outMcpo, { recursive: true, force: true });
      settle();
      const m = await timed(node, [MCPO, 'synth', '--repo', repo.dir, '--out', outMcpo], { cpu: true });
      synth.push(m.seconds);
      cpu.synth.push(m.cpuSeconds);
      rmSync(outHelm, { recursive: true, force: true });
      settle();
      const h = await timed(helm, ['template', RELEASE, CHART_DIR, '-f', valuesFile, '--output-dir', outHelm], { cpu: true, env });
      tmpl.push(h.seconds);
      cpu.helm.push(h.cpuSeconds);
      if (h.stderr.trim()) log(`helm template: ${h.stderr.trim().slice(0, 500)}`);
      if (i === 0) {
        const cmp = compareOutputs(outMcpo, outHelm);
        results.helm_objects = cmp.helm;
        results.helm_objects_identical = cmp.differing === 0 && cmp.helm === cmp.mcpo;
        results.helm_objects_differing = cmp.differing;
        log(
          results.helm_objects_identical
            ? `helm check: all ${cmp.helm} objects identical to mcpo's after normalizing (YAML parsed, comments dropped, keys sorted)`
            : `helm check: ${cmp.differing} of ${cmp.mcpo} (mcpo) / ${cmp.helm} (helm) objects differ or are missing; first: ${cmp.examples.join('; ')}`,
        );
      }
      log(`helm run ${i + 1}: mcpo synth ${round(m.seconds)} s, helm template ${round(h.seconds)} s`);
    }
    rmSync(outMcpo, { recursive: true, force: true });
    rmSync(outHelm, { recursive: true, force: true });
    results.helm_template_s = round(median(tmpl));
    results.helm_template_cpu_s = cpuMedian(cpu.helm);
    results.helm_synth_s = round(median(synth));
    results.helm_synth_cpu_s = cpuMedian(cpu.synth);
    results.synth_vs_helm_ratio = round(median(synth) / median(tmpl));
    results.synth_vs_helm_cpu_ratio = results.helm_synth_cpu_s && results.helm_template_cpu_s && round(results.helm_synth_cpu_s / results.helm_template_cpu_s);
    row('helm template, same objects (s)', tmpl, {
      cpu: results.helm_template_cpu_s,
      note: `helm ${results.helm_version}; objects identical: ${results.helm_objects_identical}`,
    });
    row('mcpo synth, against helm (s)', synth, {
      cpu: results.helm_synth_cpu_s,
      floor: median(tmpl),
      ratio: results.synth_vs_helm_ratio,
      target: 'synth_vs_helm_ratio',
      cpuRatio: results.synth_vs_helm_cpu_ratio,
      note: 'mcpo also validates',
    });
  },
};

/** The pinned helm, installed by test/tools/install.sh (go install) when it is not yet in the tool cache. */
export function ensureHelm() {
  if (process.env.HELM) return process.env.HELM;
  const out = execFileSync('bash', [join(ROOT, 'test', 'tools', 'install.sh'), 'helm'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = out.trim().split('\n').pop();
  if (!path) throw new Error('helm was not installed');
  return path;
}

const TRANSPORTS = { TRANSPORT_STDIO: 'stdio', TRANSPORT_STREAMABLE_HTTP: 'streamable-http', TRANSPORT_SSE: 'sse' };

/**
 * The chart's values for the repository's working tree: mcpo's model (so defaults and the
 * preset of each template are resolved as mcpo resolves them), written in the chart's terms.
 * @param {string} repoDir
 */
export async function helmValues(repoDir) {
  /** @type {typeof import('../../src/source/working-tree.js')} */
  const { readWorkingTreeFiles } = await importBuild('source/working-tree.js');
  /** @type {typeof import('../../src/model/build.js')} */
  const { buildModel } = await importBuild('model/build.js');
  /** @type {typeof import('../../src/model/queries.js')} */
  const { containerResources } = await importBuild('model/queries.js');
  /** @type {typeof import('../../src/declarations/repo-config.js')} */
  const { bridgeImage, readRepoConfig } = await importBuild('declarations/repo-config.js');
  /** @type {typeof import('../../src/declarations/canonical-quantity.js')} */
  const { canonicalQuantity } = await importBuild('declarations/canonical-quantity.js');
  const { model, diagnostics } = buildModel(await readWorkingTreeFiles(repoDir));
  if (!model) throw new Error(`the repository does not validate (${diagnostics.length} diagnostics, first ${diagnostics[0]?.code})`);

  // In the form the API server stores, as mcpo renders them: a chart's values written that way render the same objects.
  /** @param {string} text @param {'ResourceList' | 'Quantity'} field */
  const stored = (text, field) => canonicalQuantity(text, field) ?? text;
  /** @param {Readonly<Record<string, string | undefined>>} side */
  const quantities = (side) => {
    /** @type {Record<string, string>} */
    const out = {};
    for (const [key, value] of Object.entries(side)) if (value !== undefined && value !== '') out[key] = stored(value, 'ResourceList');
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const templates = [...model.templates.values()].map((t) => {
    const preset = model.presets.get(t.resource_limit_name);
    if (!preset) throw new Error(`template ${t.namespace}/${t.name}: no preset ${t.resource_limit_name}`);
    const r = containerResources(preset, t);
    return {
      name: t.name,
      namespace: t.namespace,
      labels: t.labels,
      displayName: t.display_name,
      description: t.description,
      image: t.image,
      transport: TRANSPORTS[t.transport],
      command: t.command,
      args: t.args,
      port: t.port,
      path: t.path,
      replicas: t.replicas,
      env: t.env_vars.map((e) =>
        e.secret_key_ref
          ? { name: e.name, valueFrom: { secretKeyRef: { name: e.secret_key_ref.name, key: e.secret_key_ref.key } } }
          : { name: e.name, value: e.value ?? '' },
      ),
      resources: { requests: quantities(r.requests), limits: quantities(r.limits) },
      volumes: preset.volumes.map((v) => ({
        name: v.name,
        mountPath: v.mount_path,
        emptyDir: {
          ...(v.empty_dir?.memory && { medium: 'Memory' }),
          ...(v.empty_dir?.size_limit && { sizeLimit: stored(v.empty_dir.size_limit, 'Quantity') }),
        },
      })),
    };
  });
  return {
    bridge: { image: bridgeImage(readRepoConfig(repoDir)) },
    namespaces: [...model.namespaces.values()].map((n) => ({ name: n.name, labels: n.labels, displayName: n.display_name, description: n.description })),
    secrets: [...model.secrets.values()].map((s) => ({
      name: s.name,
      namespace: s.namespace,
      labels: s.labels,
      type: s.type,
      scope: s.scope,
      encryptedData: s.encrypted_data,
    })),
    templates,
  };
}

/** JSON with every object's keys sorted, so that equal objects give equal text. @param {unknown} value @returns {string} */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const record = /** @type {Record<string, unknown>} */ (value);
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The first path (keys and indices only: values can be ciphertexts) at which two parsed objects differ.
 * @param {unknown} a @param {unknown} b @param {string} [at]
 * @returns {string}
 */
function firstDifference(a, b, at = '') {
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const ra = /** @type {Record<string, unknown>} */ (a);
    const rb = /** @type {Record<string, unknown>} */ (b);
    for (const k of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
      if (!(k in ra) || !(k in rb)) return `${at}.${k} (${k in ra ? 'only mcpo' : 'only helm'})`;
      if (canonical(ra[k]) !== canonical(rb[k])) return firstDifference(ra[k], rb[k], `${at}.${k}`);
    }
  }
  return at || '.';
}

/**
 * Objects by kind/namespace/name → canonical JSON (and the parsed object), from mcpo's one
 * object per file (kustomization files left out) or helm's files of `---`-separated documents.
 * @param {string} dir
 * @param {boolean} multiDocument
 */
function objectsOf(dir, multiDocument) {
  /** @type {Map<string, unknown>} */
  const out = new Map();
  for (const path of listFiles(dir)) {
    if (path.endsWith('kustomization.yaml')) continue;
    const text = readFileSync(join(dir, path), 'utf8');
    // helm starts every document with a `---` line; yaml's parseAllDocuments is several times slower on 45 MB.
    const docs = (multiDocument ? text.split(/^---[ \t]*$/m) : [text]).map((doc) => parseYaml(doc));
    for (const object of docs) {
      if (object === null || object === undefined) continue;
      const key = `${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;
      if (out.has(key)) throw new Error(`${dir}: ${key} rendered twice`);
      out.set(key, object);
    }
  }
  return out;
}

/**
 * How many objects differ between mcpo's dist and helm's output dir (missing on either side counts).
 * @param {string} mcpoDir
 * @param {string} helmDir
 */
export function compareOutputs(mcpoDir, helmDir) {
  const mine = objectsOf(mcpoDir, false);
  const theirs = objectsOf(helmDir, true);
  let differing = 0;
  /** @type {string[]} */
  const examples = [];
  for (const key of new Set([...mine.keys(), ...theirs.keys()])) {
    const a = mine.get(key);
    const b = theirs.get(key);
    if (a !== undefined && b !== undefined && canonical(a) === canonical(b)) continue;
    differing++;
    if (examples.length < 3) examples.push(`${key} ${a === undefined ? 'only in helm' : b === undefined ? 'only in mcpo' : `at ${firstDifference(a, b)}`}`);
  }
  return { mcpo: mine.size, helm: theirs.size, differing, examples };
}

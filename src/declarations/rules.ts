/**
 * Semantic rules over the whole set of declarations: names, quantities,
 * references between resources, duplicates, labels and secret material.
 * They run even when some documents had shape errors, so that one run
 * reports every problem.
 *
 * Each rule is either local (it reads one declaration: a name's syntax, a
 * quantity, an image reference, a sealed value) or cross (it reads others
 * too: a namespace or preset that must be declared, a duplicate, a request
 * against its preset's limit, a secret key). A declaration `checked` says
 * was kept by the check cache (model/check-cache.ts) had nothing reported
 * by the same rules: its local rules, which read only it, are skipped, and
 * its cross rules run as for any other.
 */
import type { Diagnostic, DiagnosticCode } from '../core/diagnostic.js';
import { echo, quoted } from '../core/echo.js';
import { DEFAULTS, enumOrDefault, REQUIRED_SECRET_KEYS, type SecretType, type Transport } from '../core/enums.js';
import { RESERVED_LABEL_KEYS, RESERVED_VOLUME_NAMES, reservedMountPath } from '../core/names.js';
import { checkSealedValue } from './sealed-value.js';
import type { RawDeclaration } from './documents.js';
import type { PlainMessage, PlainValue } from './check-shape.js';
import { KINDS } from '../core/kinds.js';
import { checkEndpointPath, checkEnvVarName, checkImageReference, checkLabelKey, checkLabelValue, checkName, checkSecretKey, nearest } from './names.js';
import { compareQuantities, isPositive, parseQuantity, type Quantity } from './quantity.js';
import { MAX_QUANTITY_CHARS } from '../core/limits.js';

/** Names listed in a hint ("its keys: ...") before the rest is only counted. */
const MAX_LISTED = 20;

const listedCache = new WeakMap<object, string>();

/** `names` sorted, the first MAX_LISTED shown; computed once per set. */
function listed(names: ReadonlySet<string> | Iterable<string>): string {
  const cached = typeof names === 'object' ? listedCache.get(names) : undefined;
  if (cached !== undefined) return cached;
  const text = listedNow(names);
  if (names instanceof Set) listedCache.set(names, text);
  return text;
}

function listedNow(names: Iterable<string>): string {
  const all = [...names].sort();
  const shown = all.slice(0, MAX_LISTED).map((n) => echo(n, 64));
  return all.length > MAX_LISTED ? `${shown.join(', ')} and ${all.length - MAX_LISTED} more` : shown.join(', ');
}

type Report = (decl: RawDeclaration, code: DiagnosticCode, path: string, message: string, hint?: string) => void;

/**
 * What the cross rules read of all declarations: the declared namespaces,
 * each preset's limits, each secret's keys and the secret names of each
 * namespace. Made from every declaration (ruleIndex), or kept from a run in
 * which nothing was reported (render/synth-state.ts) for a check of a few
 * changed declarations that declare the same names with the same facts.
 */
export interface RuleIndex {
  readonly namespaces: ReadonlySet<string>;
  readonly presets: ReadonlyMap<string, PlainMessage>;
  readonly secretKeys: ReadonlyMap<string, ReadonlySet<string>>;
  readonly secretNames: ReadonlyMap<string, readonly string[]>;
}

/** A preset's limits, as the cross rules read them (a template's request is checked against them). */
export function presetLimits(d: RawDeclaration): PlainMessage {
  return obj(d.value.limits);
}

/** A secret's keys, as the cross rules read them (a template's secret_key_ref must name one). */
export function secretKeyNames(d: RawDeclaration): string[] {
  return Object.keys(obj(obj(d.value.sealed).encrypted_data));
}

export function ruleIndex(declarations: readonly RawDeclaration[]): RuleIndex {
  const namespaces = new Set<string>();
  const presets = new Map<string, PlainMessage>();
  const secretKeys = new Map<string, Set<string>>();
  const secretNames = new Map<string, string[]>();
  for (const d of declarations) {
    const name = str(d.value.name);
    if (d.kind === 'Namespace' && name) namespaces.add(name);
    if (d.kind === 'ResourceLimit' && name) presets.set(name, presetLimits(d));
    if (d.kind === 'Secret' && name) {
      const namespace = str(d.value.namespace) ?? '';
      secretKeys.set(`${namespace}/${name}`, new Set(secretKeyNames(d)));
      const names = secretNames.get(namespace) ?? [];
      if (names.push(name) === 1) secretNames.set(namespace, names);
    }
  }
  return { namespaces, presets, secretKeys, secretNames };
}

/**
 * The rules over `declarations`. `checked`: declarations whose local rules found nothing before
 * (the check cache's). `index`: what the cross rules read of all declarations, when `declarations`
 * are only some of them (duplicates are then found among these only: the caller knows the others).
 */
export function checkRules(
  declarations: readonly RawDeclaration[],
  checked: (d: RawDeclaration) => boolean = () => false,
  index: RuleIndex = ruleIndex(declarations),
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report: Report = (decl, code, path, message, hint) => {
    if (code === 'field.required' && alreadyReported(decl, path)) return;
    const position = locate(decl, path);
    diagnostics.push({
      code,
      severity: 'error',
      message,
      file: decl.file,
      line: position.line,
      column: position.column,
      kind: decl.kind,
      name: decl.displayName,
      path: path || undefined,
      hint,
    });
  };

  const { namespaces, presets, secretKeys, secretNames } = index;
  const presetList = listed(presets.keys());

  const seen = new Map<string, RawDeclaration>();
  for (const d of declarations) {
    const local = !checked(d);
    checkIdentity(d, report, namespaces, local);
    if (local) checkLabels(d, report, d.kind === 'McpTemplate');
    const key = `${d.kind}/${d.displayName}`;
    const first = seen.get(key);
    if (first && !d.displayName.includes('?')) {
      report(
        d,
        'resource.duplicate',
        'name',
        `${d.kind} ${quoted(d.displayName)} is declared twice`,
        `first declared at ${first.file}:${first.start.line}:${first.start.column}`,
      );
    } else {
      seen.set(key, d);
    }
    if (d.kind === 'ResourceLimit' && local) checkPreset(d, report);
    if (d.kind === 'McpTemplate') checkTemplate(d, report, presets, presetList, secretKeys, secretNames, local);
    if (d.kind === 'Secret' && local) checkSecret(d, report);
  }
  return diagnostics;
}

function checkIdentity(d: RawDeclaration, report: Report, namespaces: ReadonlySet<string>, local: boolean): void {
  const info = KINDS[d.kind];
  const name = str(d.value.name);
  if (name === undefined) report(d, 'field.required', 'name', '"name" is required');
  else if (local) {
    const problem = checkName(name, info.nameRule);
    if (problem) report(d, 'name.invalid', 'name', problem);
  }
  if (!info.namespaced) return;
  const namespace = str(d.value.namespace);
  if (namespace === undefined) {
    report(d, 'field.required', 'namespace', '"namespace" is required', 'name a namespace declared with kind: Namespace');
    return;
  }
  const problem = local ? checkName(namespace, 'dns1123-label') : undefined;
  if (problem) report(d, 'name.invalid', 'namespace', problem);
  else if (!namespaces.has(namespace)) {
    const guess = nearest(namespace, namespaces);
    report(
      d,
      'reference.missing',
      'namespace',
      `namespace ${quoted(namespace)} is not declared`,
      guess ? `did you mean "${guess}"?` : `declare it with kind: Namespace`,
    );
  }
}

function checkLabels(d: RawDeclaration, report: Report, reserved: boolean): void {
  for (const [key, value] of Object.entries(obj(d.value.labels))) {
    const path = `labels[${JSON.stringify(key)}]`;
    const problem = checkLabelKey(key) ?? checkLabelValue(String(value));
    if (problem) report(d, 'label.invalid', path, problem);
    else if (reserved && RESERVED_LABEL_KEYS.has(key))
      report(d, 'label.invalid', path, `label ${quoted(key)} is set by mcp-orchestrator and cannot be declared`);
  }
}

function quantity(d: RawDeclaration, report: Report, path: string, text: PlainValue | undefined, required: boolean): Quantity | undefined {
  if (typeof text !== 'string') {
    if (required) report(d, 'field.required', path, `"${path.split('.').pop()}" is required`);
    return undefined;
  }
  if (text.length > MAX_QUANTITY_CHARS) {
    report(
      d,
      'quantity.invalid',
      path,
      `a quantity of ${text.length} characters is over the limit of ${MAX_QUANTITY_CHARS}`,
      'write it like "100m", "0.5", "256Mi" or "1Gi"',
    );
    return undefined;
  }
  const q = parseQuantity(text);
  if (!q) {
    report(d, 'quantity.invalid', path, `${quoted(text)} is not a Kubernetes quantity`, 'write it like "100m", "0.5", "256Mi" or "1Gi", with no spaces');
    return undefined;
  }
  if (!isPositive(q)) {
    report(d, 'quantity.invalid', path, `${quoted(text)} must be greater than zero`);
    return undefined;
  }
  return q;
}

function checkPreset(d: RawDeclaration, report: Report): void {
  if (d.value.limits === undefined) {
    report(d, 'field.required', 'limits', '"limits" is required', 'set at least limits.cpu and limits.memory');
  } else {
    const limits = obj(d.value.limits);
    const cpu = quantity(d, report, 'limits.cpu', limits.cpu, true);
    const memory = quantity(d, report, 'limits.memory', limits.memory, true);
    const cpuLimit = quantity(d, report, 'limits.cpu_limit', limits.cpu_limit, false);
    const memoryLimit = quantity(d, report, 'limits.memory_limit', limits.memory_limit, false);
    quantity(d, report, 'limits.ephemeral_storage', limits.ephemeral_storage, false);
    if (cpu && cpuLimit && compareQuantities(cpu, cpuLimit) > 0)
      report(
        d,
        'quantity.request-over-limit',
        'limits.cpu_limit',
        `cpu_limit ${echo(String(limits.cpu_limit))} is below the cpu request ${echo(String(limits.cpu))}`,
        'a limit must be at least its request',
      );
    if (memory && memoryLimit && compareQuantities(memory, memoryLimit) > 0)
      report(
        d,
        'quantity.request-over-limit',
        'limits.memory_limit',
        `memory_limit ${echo(String(limits.memory_limit))} is below the memory request ${echo(String(limits.memory))}`,
        'a limit must be at least its request',
      );
  }
  const names = new Set<string>();
  const paths = new Set<string>();
  arr(d.value.volumes).forEach((raw, i) => {
    const v = obj(raw);
    const path = `volumes[${i}]`;
    const name = str(v.name);
    if (name === undefined) report(d, 'field.required', `${path}.name`, '"name" is required');
    else {
      const problem = checkName(name, 'dns1123-label');
      if (problem) report(d, 'name.invalid', `${path}.name`, problem);
      else if (RESERVED_VOLUME_NAMES.has(name))
        report(
          d,
          'name.invalid',
          `${path}.name`,
          `volume name ${quoted(name)} is used by mcp-orchestrator (the writable home and /tmp of every pod, the bridge of a stdio server)`,
          'pick another name; to replace one of them, mount your volume at its path',
        );
      else if (names.has(name)) report(d, 'resource.duplicate', `${path}.name`, `volume ${quoted(name)} is declared twice`);
      names.add(name);
    }
    const mountPath = str(v.mount_path);
    if (mountPath === undefined) report(d, 'field.required', `${path}.mount_path`, '"mount_path" is required');
    else if (!mountPath.startsWith('/') || mountPath.split('/').includes('..'))
      report(d, 'field.type', `${path}.mount_path`, `${quoted(mountPath)} must be an absolute path without ".."`);
    else if (reservedMountPath(mountPath))
      report(
        d,
        'field.type',
        `${path}.mount_path`,
        `mount path ${quoted(mountPath)} is inside ${reservedMountPath(mountPath)}, where mcp-orchestrator puts the stdio bridge`,
        `mount the volume somewhere else; ${reservedMountPath(mountPath)} is reserved in every pod`,
      );
    else if (paths.has(mountPath)) report(d, 'resource.duplicate', `${path}.mount_path`, `mount path ${quoted(mountPath)} is used twice`);
    else paths.add(mountPath);
    if (v.empty_dir === undefined) report(d, 'field.required', path, 'a volume needs a source', 'set empty_dir: {}');
    else quantity(d, report, `${path}.empty_dir.size_limit`, obj(v.empty_dir).size_limit, false);
  });
}

function checkTemplate(
  d: RawDeclaration,
  report: Report,
  presets: ReadonlyMap<string, PlainMessage>,
  presetList: string,
  secretKeys: ReadonlyMap<string, ReadonlySet<string>>,
  secretNames: ReadonlyMap<string, readonly string[]>,
  local: boolean,
): void {
  const v = d.value;
  const image = str(v.image);
  if (image === undefined) report(d, 'field.required', 'image', '"image" is required');
  else if (local) {
    const problem = checkImageReference(image);
    if (problem) report(d, 'field.type', 'image', problem, 'write it like "ghcr.io/org/server:1.2.3" or "python:3.12-slim@sha256:<64 hex digits>"');
  }

  const preset = str(v.resource_limit_name);
  if (preset === undefined)
    report(
      d,
      'field.required',
      'resource_limit_name',
      '"resource_limit_name" is required',
      presets.size ? `one of: ${presetList}` : 'declare a kind: ResourceLimit preset',
    );
  else if (!presets.has(preset)) {
    const guess = nearest(preset, presets.keys());
    report(
      d,
      'reference.missing',
      'resource_limit_name',
      `resource limit preset ${quoted(preset)} is not declared`,
      guess ? `did you mean "${guess}"?` : 'declare it with kind: ResourceLimit',
    );
  }
  const own = obj(v.resources);
  const limits = preset === undefined ? undefined : presets.get(preset);
  for (const [field, limitField] of [
    ['cpu', 'cpu_limit'],
    ['memory', 'memory_limit'],
  ] as const) {
    // Checked before, a request is a valid quantity: only read here.
    const request = local
      ? quantity(d, report, `resources.${field}`, own[field], false)
      : typeof own[field] === 'string'
        ? parseQuantity(own[field])
        : undefined;
    const limitText = limits?.[limitField];
    const limit = typeof limitText === 'string' ? parseQuantity(limitText) : undefined;
    if (request && limit && compareQuantities(request, limit) > 0)
      report(
        d,
        'quantity.request-over-limit',
        `resources.${field}`,
        `${field} request ${echo(String(own[field]))} is above the ${field} limit ${echo(String(limitText))} of preset ${quoted(preset ?? '')}`,
        'a request must not exceed its limit',
      );
  }

  if (local) checkTemplateFields(d, report);

  const namespace = str(v.namespace);
  const envNames = new Set<string>();
  arr(v.env_vars).forEach((raw, i) => {
    const env = obj(raw);
    const path = `env_vars[${i}]`;
    const name = str(env.name);
    if (name === undefined) report(d, 'field.required', `${path}.name`, '"name" is required');
    else if (local) {
      const problem = checkEnvVarName(name);
      if (problem) report(d, 'name.invalid', `${path}.name`, problem);
      else if (envNames.has(name)) report(d, 'resource.duplicate', `${path}.name`, `environment variable ${quoted(name)} is set twice`);
      envNames.add(name);
    }
    if (env.value === undefined && env.secret_key_ref === undefined)
      report(d, 'field.required', path, 'an environment variable needs "value" or "secret_key_ref"');
    if (env.secret_key_ref !== undefined) {
      const ref = obj(env.secret_key_ref);
      const secret = str(ref.name);
      const key = str(ref.key);
      if (secret === undefined) report(d, 'field.required', `${path}.secret_key_ref.name`, '"name" is required');
      if (key === undefined) report(d, 'field.required', `${path}.secret_key_ref.key`, '"key" is required');
      if (secret === undefined || key === undefined || namespace === undefined) return;
      const keys = secretKeys.get(`${namespace}/${secret}`);
      if (!keys) {
        const guess = nearest(secret, secretNames.get(namespace) ?? []);
        report(
          d,
          'reference.missing',
          `${path}.secret_key_ref.name`,
          `secret ${quoted(secret)} is not declared in namespace ${quoted(namespace)}`,
          guess ? `did you mean ${quoted(guess)}?` : undefined,
        );
      } else if (!keys.has(key)) {
        const guess = nearest(key, keys);
        report(
          d,
          'reference.missing',
          `${path}.secret_key_ref.key`,
          `secret ${quoted(secret)} has no key ${quoted(key)}`,
          guess ? `did you mean ${quoted(guess)}?` : `its keys: ${listed(keys)}`,
        );
      }
    }
  });
}

/** A template's local rules beyond its image and requests: command, path, port, replicas. */
function checkTemplateFields(d: RawDeclaration, report: Report): void {
  const v = d.value;
  if (enumOrDefault<Transport>(v.transport, DEFAULTS.transport) === 'TRANSPORT_STDIO' && arr(v.command).length === 0)
    report(
      d,
      'field.required',
      'command',
      'a stdio MCP server needs "command"',
      "the stdio bridge replaces the image's entrypoint and starts the server with command + args, e.g. command: [uvx], args: [mcp-server-fetch]; " +
        'for a catalog image whose server is its entrypoint, put that entrypoint in command and its CMD in args ' +
        "(`docker inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' IMAGE` shows them)",
    );
  if (v.path !== undefined) {
    const problem = typeof v.path === 'string' ? checkEndpointPath(v.path) : undefined;
    if (problem) report(d, 'field.type', 'path', problem, 'write the MCP endpoint path like "/mcp"');
  }
  if (typeof v.port === 'number' && (v.port < 1 || v.port > 65535)) report(d, 'field.range', 'port', `port ${v.port} must be between 1 and 65535`);
  if (typeof v.replicas === 'number' && v.replicas < 0) report(d, 'field.range', 'replicas', `replicas must not be negative, got ${v.replicas}`);
}

function checkSecret(d: RawDeclaration, report: Report): void {
  if (d.value.sealed === undefined) {
    report(d, 'field.required', 'sealed', 'a secret needs its sealed values', 'create it with `mcpo secret create NAME -n NAMESPACE --from-literal KEY=VALUE`');
    return;
  }
  const data = obj(obj(d.value.sealed).encrypted_data);
  const keys = Object.keys(data);
  if (keys.length === 0) report(d, 'field.required', 'sealed.encrypted_data', 'a secret needs at least one key');
  for (const key of keys) {
    const path = `sealed.encrypted_data[${JSON.stringify(key)}]`;
    const problem = checkSecretKey(key);
    if (problem) report(d, 'name.invalid', path, problem);
    else {
      // Never echo the value: if it is not sealed, it may be plaintext.
      const notSealed = checkSealedValue(String(data[key]));
      if (notSealed)
        report(
          d,
          'secret.sealing',
          path,
          `the value of ${quoted(key)} is not a Sealed Secrets ciphertext: ${notSealed}`,
          'never commit plaintext: seal it with `mcpo secret update` or `mcpo secret create`',
        );
    }
  }
  const declared = str(d.value.type);
  const type = enumOrDefault<SecretType>(declared, DEFAULTS.secretType);
  const missing = REQUIRED_SECRET_KEYS[type].filter((k) => !keys.includes(k));
  if (missing.length > 0)
    report(
      d,
      'secret.type-keys',
      'sealed.encrypted_data',
      `a ${type} secret needs the key${missing.length > 1 ? 's' : ''} ${missing.map((k) => `"${k}"`).join(', ')}`,
    );
}

function alreadyReported(d: RawDeclaration, path: string): boolean {
  return d.reported.has(path) || d.reportedUnder.has(path);
}

/** The position of a field, or of its nearest declared parent, or of the document. */
function locate(d: RawDeclaration, path: string) {
  for (let p = path; p; p = p.replace(/(\.[^.[\]]+|\[[^\]]*\])$/, '')) {
    const position = d.positions.get(p);
    if (position) return position;
    if (!/[.[]/.test(p)) break;
  }
  return d.start;
}

function str(v: PlainValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function obj(v: PlainValue | undefined): PlainMessage {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

function arr(v: PlainValue | undefined): PlainValue[] {
  return Array.isArray(v) ? v : [];
}

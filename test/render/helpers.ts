/** Shared bits of the render tests: models from real YAML declarations, parsed output. */
import { parseAllDocuments } from 'yaml';
import { check } from '../declarations/fixtures.js';
import type { Model } from '../../src/model/types.js';
import { DEFAULT_BRIDGE_IMAGE } from '../../src/core/names.js';
import { renderModel } from '../../src/render/app.js';

/** A model from the seed declarations (namespace, preset, my-memory-server) plus `files`; fails on any error. */
export function model(files: Record<string, string> = {}, base = true): Model {
  const result = check(files, base);
  if (!result.model) throw new Error(`declarations are invalid:\n${result.lines.join('\n')}`);
  return result.model;
}

export function render(files: Record<string, string> = {}, base = true, bridgeImage = DEFAULT_BRIDGE_IMAGE): Map<string, string> {
  return renderModel(model(files, base), { bridgeImage });
}

/** The one YAML document of a rendered file, as plain data. */
export function object(files: Map<string, string>, path: string): Record<string, any> {
  const text = files.get(path);
  if (text === undefined) throw new Error(`not rendered: ${path}; rendered: ${[...files.keys()].join(', ')}`);
  const docs = parseAllDocuments(text);
  if (docs.length !== 1) throw new Error(`${path} holds ${docs.length} documents`);
  const doc = docs[0]!;
  if ('errors' in doc && doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]!.message}`);
  return doc.toJS() as Record<string, any>;
}

/**
 * Stands in for the kubelet: its expansion of `$(VAR)` in a container's command and args,
 * written from the rules the Kubernetes API documents for Container.args, not from src/:
 * "Variable references $(VAR_NAME) are expanded using the container's environment. If a
 * variable cannot be resolved, the reference in the input string will be unchanged. Double $$
 * are reduced to a single $, which allows for escaping the $(VAR_NAME) syntax: i.e.
 * "$$(VAR_NAME)" will produce the string literal "$(VAR_NAME)". Escaped references will never
 * be expanded, regardless of whether the variable exists or not." A `$(` with no `)` is not a
 * reference.
 */
export function kubeletExpand(input: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === '$' && input[i + 1] === '$') {
      out += '$';
      i++;
    } else if (c === '$' && input[i + 1] === '(' && input.indexOf(')', i + 2) >= 0) {
      const close = input.indexOf(')', i + 2);
      const name = input.slice(i + 2, close);
      out += Object.hasOwn(env, name) ? env[name] : `$(${name})`;
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

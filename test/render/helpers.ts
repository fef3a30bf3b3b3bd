/** Shared bits of the render tests: models from real YAML declarations, parsed output. */
import { parseAllDocuments } from 'yaml';
import { check } from '../declarations/fixtures.js';
import type { Model } from '../../src/model/types.js';
import { renderModel } from '../../src/render/app.js';

/** A model from the seed declarations (namespace, preset, my-memory-server) plus `files`; fails on any error. */
export function model(files: Record<string, string> = {}, base = true): Model {
  const result = check(files, base);
  if (!result.model) throw new Error(`declarations are invalid:\n${result.lines.join('\n')}`);
  return result.model;
}

export function render(files: Record<string, string> = {}, base = true): Map<string, string> {
  return renderModel(model(files, base));
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
 * Splits a POSIX shell command line into words, for the subset shellQuote
 * writes (bare words and '...' quoting). Throws on anything else, so a test
 * cannot pass by accident on a string the shell would read differently.
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    let word = '';
    while (i < line.length && line[i] !== ' ') {
      if (line[i] === "'") {
        const end = line.indexOf("'", i + 1);
        if (end < 0) throw new Error(`unterminated quote in ${line}`);
        word += line.slice(i + 1, end);
        i = end + 1;
      } else if (line[i] === '\\' && line[i + 1] === "'") {
        word += "'";
        i += 2;
      } else if (/[A-Za-z0-9@%+=:,./_-]/.test(line[i]!)) {
        word += line[i];
        i++;
      } else {
        throw new Error(`unexpected ${JSON.stringify(line[i])} in ${line}`);
      }
    }
    words.push(word);
  }
  return words;
}

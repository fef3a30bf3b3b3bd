/**
 * A fast first read of a declaration file, for the plain YAML nearly every
 * declaration is written in. The `yaml` package (parse-yaml.ts) keeps the
 * source range of every node, which file:line:col diagnostics need, and that
 * costs ten times what js-yaml takes to read the same text: at 10,000
 * templates, most of a validate or a plan. So a file is read here first, into
 * the same node classes without ranges, and checked as usual; only when that
 * check finds nothing to report is its result kept (model/build.ts). Anything
 * that would be reported, and any file using YAML beyond the plain subset
 * below, is read again by parse-yaml.ts, whose diagnostics are the only ones
 * ever shown.
 *
 * The two readers must agree on every value this one returns. Plain scalars
 * are typed by the `yaml` package's own core-schema tags (js-yaml only says
 * which scalars are plain); everything where the two libraries' grammars
 * could part (anchors and aliases, tags, directives, flow collections,
 * block scalars, complex keys, escapes, tabs, control and Unicode line
 * break characters, several documents) is left to parse-yaml.ts by
 * SLOW_SYNTAX; keys that `yaml` would not read as strings are too.
 * test/declarations/fast-yaml.test.ts holds the two readers to that over
 * real and generated files.
 */
import jsYaml from 'js-yaml';
import { type Document, isScalar, LineCounter, type Node, Pair, Scalar, Schema, type ScalarTag, YAMLMap, YAMLSeq } from 'yaml';
import { MAX_EXPANDED_NODES } from '../core/limits.js';
import type { ParsedDocument } from './parse-yaml.js';

/**
 * Syntax this reader leaves to parse-yaml.ts: one linear scan of the text. A
 * scalar starting with `@` or a backquote (reserved in YAML) is caught by the
 * character before it.
 */
const SLOW_SYNTAX = /[&*!%{}[\]?|>\\`\t\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff]|(?:^|[\s:,-])@|^(?:---|\.\.\.)/m;

/** A document start line may open the file; anywhere else `---` means several documents. */
const LEADING_DOCUMENT_START = '---\n';

/** Keys the `yaml` package would read as null, a boolean or a number: js-yaml makes every key a string. */
const NON_STRING_KEY =
  /^(?:true|false|null|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

/** The scalar tags `yaml` tries on a plain scalar, in its order (the core schema of YAML 1.2, as parse-yaml.ts reads). */
const PLAIN_TAGS = new Schema({ schema: 'core' }).tags.filter((tag): tag is ScalarTag => tag.default === true && 'test' in tag && tag.test !== undefined);

class NotPlain extends Error {}

function notPlain(): never {
  throw new NotPlain();
}

/**
 * A Scalar js-yaml can use as a key: it turns every key into a string, and
 * one without its own toStringTag into "[object Object]".
 */
class PlainScalar extends Scalar {
  get [Symbol.toStringTag](): string {
    return 'PlainScalar';
  }
}

/** A plain scalar as `yaml` composes it: the first default tag whose test matches, else a string; `source` is the text. */
function plainScalar(text: string): Scalar {
  const tag = PLAIN_TAGS.find((t) => t.test!.test(text));
  const value = tag ? tag.resolve(text, notPlain, { intAsBigInt: false }) : text;
  const scalar = new PlainScalar(isScalar(value) ? (value as Scalar).value : value);
  scalar.source = text;
  return scalar;
}

const PLAIN = new jsYaml.Type('tag:mcp-orchestrator.io,2026:plain', { kind: 'scalar', resolve: () => true, construct: plainScalar });
/** Failsafe (every scalar a string) but for plain scalars, which PLAIN types. */
const SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({ implicit: [PLAIN] });

/** js-yaml's value (objects, arrays, strings from quoted scalars, Scalars from plain ones, null) as `yaml` nodes. */
function toNode(value: unknown, budget: { nodes: number }): Node {
  if (--budget.nodes < 0) notPlain();
  if (value instanceof Scalar) return value;
  if (typeof value === 'string') {
    const scalar = new Scalar(value);
    scalar.source = value;
    return scalar;
  }
  if (value === null || value === undefined) return new Scalar(null);
  if (Array.isArray(value)) {
    const seq = new YAMLSeq();
    for (const item of value) seq.items.push(toNode(item, budget));
    return seq;
  }
  if (typeof value !== 'object') notPlain();
  const map = new YAMLMap();
  for (const key of Object.keys(value)) {
    if (NON_STRING_KEY.test(key)) notPlain();
    const keyNode = new Scalar(key);
    keyNode.source = key;
    map.items.push(new Pair(keyNode, toNode((value as Record<string, unknown>)[key], budget)));
  }
  return map;
}

/**
 * The file's one document, read by js-yaml, or undefined when the file is
 * not in the plain subset (or js-yaml refuses it): then parse-yaml.ts reads
 * it. Only the document's start has a position; every other node has none.
 */
export function parseYamlFast(file: string, text: string): ParsedDocument[] | undefined {
  const body = text.startsWith(LEADING_DOCUMENT_START) ? text.slice(LEADING_DOCUMENT_START.length) : text;
  if (SLOW_SYNTAX.test(body)) return undefined;
  let start: number | undefined;
  let value: unknown;
  try {
    value = jsYaml.load(text, {
      schema: SCHEMA,
      // The root node opens first, at its first character (js-yaml's State has `depth`; its types do not say so).
      listener(event, state) {
        if (start === undefined && event === 'open' && (state as jsYaml.State & { depth: number }).depth === 1) start = state.position;
      },
    });
  } catch {
    return undefined;
  }
  if (value === undefined || value === null) return [];
  let contents: Node;
  try {
    contents = toNode(value, { nodes: MAX_EXPANDED_NODES / 2 });
  } catch (err) {
    if (err instanceof NotPlain) return undefined;
    throw err;
  }
  const offset = start ?? 0;
  contents.range = [offset, offset, offset];
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) lineCounter.addNewLine(nl + 1);
  // readDeclaration and the shape check read only `contents` of the document.
  const doc = { contents } as unknown as Document.Parsed;
  return [{ file, doc, lineCounter }];
}

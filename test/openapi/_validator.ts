/**
 * Validates JSON answers against the schemas of an OpenAPI 3.0 document with
 * Ajv. The document's schemas are taken as closed: an object schema that lists
 * its properties and says nothing about others gets `additionalProperties:
 * false`, so a field the document does not describe fails, as a wrong type does.
 */
import { Ajv, type FormatDefinition, type ValidateFunction } from 'ajv';

const INT32 = 2 ** 31;
const UINT32 = 2 ** 32;
/** The formats gnostic writes; an unknown one fails compilation (strict mode) rather than pass silently. */
const FORMATS: Record<string, FormatDefinition<string> | FormatDefinition<number>> = {
  int32: { type: 'number', validate: (v: number) => Number.isInteger(v) && v >= -INT32 && v < INT32 },
  uint32: { type: 'number', validate: (v: number) => Number.isInteger(v) && v >= 0 && v < UINT32 },
  float: { type: 'number', validate: (v: number) => Number.isFinite(v) },
  double: { type: 'number', validate: (v: number) => Number.isFinite(v) },
  // The proto3 JSON mapping writes 64-bit integers as decimal strings.
  int64: { type: 'string', validate: (v: string) => /^-?\d{1,19}$/.test(v) },
  uint64: { type: 'string', validate: (v: string) => /^\d{1,20}$/.test(v) },
  bytes: { type: 'string', validate: (v: string) => /^[A-Za-z0-9+/_-]*={0,2}$/.test(v) },
  'date-time': { type: 'string', validate: (v: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v) },
  // gnostic marks enums written by name (enum_type=string); `enum` itself lists them.
  enum: { type: 'string', validate: () => true },
};

function closed(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace(/^#\/components\/schemas\//, 'openapi#/$defs/');
    else if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as object).map(([name, s]) => [name, closed(s)]));
    else out[k] = closed(v);
  }
  if (out.type === 'object' && out.properties && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

export class OpenapiValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: any) {
    if (!/^3\.0\./.test(document.openapi)) throw new Error(`expected OpenAPI 3.0, got ${document.openapi}`);
    this.ajv = new Ajv({ strict: true, allErrors: true, discriminator: true });
    // OpenAPI 3.0 schema keywords that are not JSON Schema (nullable is Ajv's own).
    this.ajv.addVocabulary(['example', 'xml', 'externalDocs']);
    for (const [name, f] of Object.entries(FORMATS)) this.ajv.addFormat(name, f);
    this.ajv.addSchema({ $id: 'openapi', $defs: closed(document.components?.schemas ?? {}) });
  }

  /** The schema of an operation's answer for `status` (its own entry, else `default`), as a validator. */
  forResponse(path: string, verb: string, status: number): { validate: ValidateFunction; documented: string } {
    const responses = this.document.paths[path]?.[verb]?.responses;
    if (!responses) throw new Error(`${verb.toUpperCase()} ${path} is not in the document`);
    const key = String(status) in responses ? String(status) : 'default';
    const schema = responses[key]?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`${verb.toUpperCase()} ${path} documents no JSON answer for ${status} (nor a default)`);
    const id = `${path} ${verb} ${key}`;
    let validate = this.compiled.get(id);
    if (!validate) {
      validate = this.ajv.compile(closed(schema));
      this.compiled.set(id, validate);
    }
    return { validate, documented: key };
  }

  /** The problems Ajv finds in `body` as the answer `status` of the operation (empty when it conforms). */
  check(path: string, verb: string, status: number, body: unknown): string[] {
    const { validate } = this.forResponse(path, verb, status);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }
}

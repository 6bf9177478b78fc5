import { ErrorDetail } from '@tidings/common';
import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { bodySchema } from './body-schema';
import { EVENT_TYPES } from './event-registry';
import { EventTypeEntry } from './event-type';
import { EVENT_FORMATS, FORMAT_MESSAGES } from './formats';
import { JsonSchema } from './json-schema';

/**
 * An Ajv set up as every body checker of Tidings needs it: all errors at
 * once, strict schemas, the registry's formats. The event validator below
 * and the ingestion validators each compile their schemas on one of these.
 */
export function createBodyAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true, // every problem at once, not the first
    verbose: true, // errors carry their schema: a missing object is reported as its missing fields
    strict: true,
    allowUnionTypes: true, // optional fields are `[type, "null"]`
    strictNumbers: true, // NaN and ±Infinity are not numbers
    inlineRefs: false, // a referenced schema's code is shared by every schema that refers to it
  });
  for (const [name, format] of Object.entries(EVENT_FORMATS)) ajv.addFormat(name, format);
  return ajv;
}

/**
 * The one validator of event bodies: each type's body schema compiled once,
 * by one Ajv instance, the first time any is needed (EventsModule asks at
 * startup). Used by POST /v1/events and /v1/events/batch, the ingestion
 * APIs and in-process `create()` alike.
 */
class EventBodyValidator {
  private readonly byType = new Map<string, ValidateFunction>();
  private readonly layers = new Map<string, JsonSchema>();

  constructor(entries: readonly EventTypeEntry[]) {
    const ajv = createBodyAjv();
    // Many types share a layer: each layer schema is compiled once and referenced (the published schemas stay inline).
    const layerIds = new Map<JsonSchema, string>();
    for (const entry of entries) {
      for (const layer of entry.layers) {
        if (layerIds.has(layer.schema)) continue;
        const id = `tidings:layer:${layerIds.size}:${layer.key}`;
        layerIds.set(layer.schema, id);
        this.layers.set(id, layer.schema);
        ajv.addSchema({ $id: id, ...layer.schema });
      }
    }
    for (const entry of entries) {
      const schema = bodySchema(entry);
      const properties = { ...(schema.properties as Record<string, JsonSchema>) };
      for (const layer of entry.layers) properties[layer.key] = { $ref: layerIds.get(layer.schema)! };
      this.byType.set(entry.type, ajv.compile({ ...schema, properties }));
    }
  }

  /** Every problem of `body` as a body of `type`, `[{field, message}]` with dotted paths; empty when valid. */
  errors(type: string, body: Record<string, unknown>): ErrorDetail[] {
    const validate = this.byType.get(type);
    if (!validate) throw new Error(`${type} is not a type of the event registry`);
    if (validate(body)) return [];
    const resolve = (schema: JsonSchema | undefined) => (typeof schema?.$ref === 'string' ? this.layers.get(schema.$ref) : schema);
    return toErrorDetails(type, validate.errors ?? [], body, { resolve });
  }
}

let validator: EventBodyValidator | undefined;

/** The validator of every registry type, compiled on first use. */
export function eventBodyValidator(): EventBodyValidator {
  validator ??= new EventBodyValidator(EVENT_TYPES);
  return validator;
}

/**
 * Ajv's errors as `{field, message}`: `field` is a dotted path with array
 * indexes in brackets (`pipeline_run.failed_steps[0].uuid`). A missing object
 * whose schema requires fields is reported as those fields (`pipeline_run`
 * missing → `pipeline_run.uuid is required`), so a producer sees every id it
 * owes at once.
 */
export function toErrorDetails(
  type: string,
  errors: readonly ErrorObject[],
  body: unknown,
  options: ErrorDetailOptions = {},
): ErrorDetail[] {
  const resolve = options.resolve ?? ((schema) => schema);
  const formats: Record<string, string> = { ...FORMAT_MESSAGES, ...options.formats };
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  const add = (field: string, message: string) => {
    const id = `${field}\u0000${message}`;
    if (seen.has(id)) return;
    seen.add(id);
    details.push({ field, message });
  };
  for (const error of errors) {
    const at = dottedPath(error.instancePath, body);
    const child = (key: string) => (at ? `${at}.${key}` : key);
    switch (error.keyword) {
      case 'required': {
        const missing = String(error.params.missingProperty);
        const schema = resolve((error.parentSchema?.properties as Record<string, JsonSchema> | undefined)?.[missing]);
        const inner = schema?.type === 'object' && Array.isArray(schema.required) ? (schema.required as string[]) : [];
        if (inner.length) for (const field of inner) add(`${child(missing)}.${field}`, `${child(missing)}.${field} is required`);
        else add(child(missing), `${child(missing)} is required`);
        break;
      }
      case 'additionalProperties': {
        const field = child(String(error.params.additionalProperty));
        add(field, `${field} is not a field of ${type} events`);
        break;
      }
      default:
        add(at, `${at || 'the event'} ${describe(error, formats)}`);
    }
  }
  return details;
}

export interface ErrorDetailOptions {
  /** Resolves a `$ref` schema to the schema it names (where schemas are shared by reference). */
  resolve?: (schema: JsonSchema | undefined) => JsonSchema | undefined;
  /** What a value of each further format must be, as the end of a sentence (`must be …`). */
  formats?: Record<string, string>;
}

function describe(error: ErrorObject, formats: Record<string, string>): string {
  const p = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'type': {
      const types = (Array.isArray(p.type) ? p.type : String(p.type).split(',')).filter((t: string) => t !== 'null');
      // A field that takes text in a format says which (a number or a decimal string, not "a number or a string").
      const format = typeof error.parentSchema?.format === 'string' ? formats[error.parentSchema.format] : undefined;
      return format ?? `must be ${types.map(article).join(' or ')}`;
    }
    case 'format':
      return formats[p.format] ?? `must be in ${p.format} format`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).filter((v) => v !== null).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${p.limit} characters long`;
    case 'maxLength':
      return `must be at most ${p.limit} characters long`;
    case 'minimum':
      return `must be at least ${p.limit}`;
    case 'maximum':
      return `must be at most ${p.limit}`;
    case 'minItems':
      return `must hold at least ${p.limit} item${p.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must hold at most ${p.limit} item${p.limit === 1 ? '' : 's'}`;
    default:
      return error.message ?? 'is invalid';
  }
}

const article = (type: string) => (type === 'object' || type === 'array' || type === 'integer' ? `an ${type}` : `a ${type}`);

/** A JSON pointer into `body` as a dotted path; a segment is an index in brackets where the value there is an array. */
function dottedPath(pointer: string, body: unknown): string {
  if (!pointer) return '';
  let path = '';
  let node: unknown = body;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = Array.isArray(node) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return path;
}

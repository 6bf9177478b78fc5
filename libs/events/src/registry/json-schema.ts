/*
 * A small JSON Schema builder for the registry's layers. Each builder returns
 * the plain JSON Schema (draft 2020-12, the subset Ajv, OpenAPI and a SQL
 * mirror all read alike) and carries its TypeScript type, so a layer is
 * declared once and both its schema and `Static<typeof layer>` follow.
 */

declare const STATIC: unique symbol;

/** A JSON Schema object, as published and as compiled by Ajv. */
export type JsonSchema = { [keyword: string]: unknown };

/** A JSON Schema that also names the TypeScript type of the values it accepts. */
export type Schema<T> = JsonSchema & { readonly [STATIC]?: T };

export type Static<S> = S extends Schema<infer T> ? T : never;

type Fields = Record<string, Schema<unknown>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ObjectOf<R extends Fields, O extends Fields> = Simplify<
  { [K in keyof R]: Static<R[K]> } & { [K in keyof O]?: Static<O[K]> | null }
>;

/** A string of `minLength`–`maxLength` characters (counted as code points). */
export function text(maxLength: number, minLength = 0): Schema<string> {
  return { type: 'string', ...(minLength > 0 ? { minLength } : {}), maxLength };
}

/** Any string (its length is bounded by the request size only). */
export function anyText(): Schema<string> {
  return { type: 'string' };
}

/** A UUID of any version, in its 8-4-4-4-12 hex form (see formats.ts). */
export function uuid(): Schema<string> {
  return { type: 'string', format: 'uuid' };
}

/** An ISO 8601 date-time with a time zone (see formats.ts). */
export function dateTime(): Schema<string> {
  return { type: 'string', format: 'date-time' };
}

export function integer(minimum?: number): Schema<number> {
  return { type: 'integer', ...(minimum !== undefined ? { minimum } : {}) };
}

/** A finite number (JSON has no NaN or Infinity; Ajv's strictNumbers refuses them in-process too). */
export function number(): Schema<number> {
  return { type: 'number' };
}

export function oneOf<const T extends readonly string[]>(values: T): Schema<T[number]> {
  return { type: 'string', enum: [...values] };
}

/** An open map: any keys, any values (parameters, metadata…). */
export function openMap(): Schema<Record<string, unknown>> {
  return { type: 'object' };
}

/** Any JSON value. */
export function anyValue(): Schema<unknown> {
  return {};
}

export function list<T>(items: Schema<T>, bounds: { minItems?: number; maxItems?: number } = {}): Schema<T[]> {
  return { type: 'array', items, ...bounds };
}

/**
 * A closed object: `required` fields must be present, `optional` ones may be
 * absent or null (null means absent, as it always has for these bodies), and
 * no other key is allowed.
 */
export function object<R extends Fields, O extends Fields = {}>(required: R, optional?: O): Schema<ObjectOf<R, O>> {
  const properties: Record<string, JsonSchema> = { ...required };
  for (const [key, schema] of Object.entries(optional ?? {})) properties[key] = nullable(schema);
  const names = Object.keys(required);
  return { type: 'object', properties, ...(names.length ? { required: names } : {}), additionalProperties: false };
}

/** The same schema, accepting null as well. */
export function nullable(schema: JsonSchema): JsonSchema {
  if (schema.type === undefined) return schema; // already accepts anything
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const out: JsonSchema = { ...schema, type: types.includes('null') ? types : [...types, 'null'] };
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
  return out;
}

/** Extends a closed object schema with more fields (the object builder's result only). */
export function extend<A, R extends Fields, O extends Fields = {}>(
  base: Schema<A>,
  required: R,
  optional?: O,
): Schema<Simplify<A & ObjectOf<R, O>>> {
  const more = object(required, optional);
  const baseRequired = (base.required as string[] | undefined) ?? [];
  const moreRequired = (more.required as string[] | undefined) ?? [];
  const requiredNames = [...baseRequired, ...moreRequired];
  return {
    type: 'object',
    properties: { ...(base.properties as object), ...(more.properties as object) },
    ...(requiredNames.length ? { required: requiredNames } : {}),
    additionalProperties: false,
  };
}

import { isPlatformType } from '@tidings/common';
import { bodySchema } from './body-schema';
import { EVENT_TYPES } from './event-registry';
import { EventTypeEntry } from './event-type';
import { JsonSchema } from './json-schema';
import { openApiSchemaName } from './openapi';

/*
 * TypeScript declarations of every type's input body, generated from the
 * registry's schemas (for @tidings/client's typed inputs): one interface per
 * type, `EventBodies` mapping each name to its body, and `EventInput`, the
 * union discriminated on `type`, so `{type: 'project:created', ...}` only
 * accepts that type's body.
 */

/** The declarations as one module's source text. */
export function eventTypeDeclarations(entries: readonly EventTypeEntry[] = EVENT_TYPES): string {
  const lines = ['// Generated from the Tidings event registry (libs/events/src/registry): do not edit.', ''];
  for (const entry of entries) {
    const name = bodyInterfaceName(entry.type);
    lines.push(`/** ${entry.description} */`, `export interface ${name} ${tsType(bodySchema(entry), '')}`, '');
  }
  lines.push('/** Each type name with its body. */', 'export interface EventBodies {');
  for (const entry of entries) lines.push(`  ${property(entry.type)}: ${bodyInterfaceName(entry.type)};`);
  lines.push(
    '}',
    '',
    'export type EventTypeName = keyof EventBodies;',
    '',
    '/** An event with its type: the body of that type and nothing else. */',
    'export type EventInput<T extends EventTypeName = EventTypeName> = { [K in T]: EventBodies[K] & { type: K } }[T];',
    '',
  );
  return lines.join('\n');
}

/**
 * The declarations `@tidings/client` ships (packages/client/src/event-types.ts,
 * written by scripts/generate-client-types.js): only the types another service
 * may register (POST /v1/events and the SQL entry point refuse the others).
 */
export function clientEventTypeDeclarations(): string {
  return eventTypeDeclarations(EVENT_TYPES.filter((entry) => isPlatformType(entry.type)));
}

/** `project:created` → `ProjectCreatedBody`. */
export function bodyInterfaceName(type: string): string {
  return openApiSchemaName(type).replace(/Event$/, 'Body');
}

/** The TypeScript type a value valid against `schema` has (for the subset of JSON Schema the registry writes). */
function tsType(schema: JsonSchema, indent: string): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  if (types.length === 0) return 'unknown';
  const nullable = types.includes('null');
  const parts = types.filter((type) => type !== 'null').map((type) => single(type, schema, indent));
  if (nullable) parts.push('null');
  return parts.join(' | ');
}

function single(type: string, schema: JsonSchema, indent: string): string {
  switch (type) {
    case 'string':
      return Array.isArray(schema.enum)
        ? schema.enum
            .filter((value) => value !== null)
            .map((value) => JSON.stringify(value))
            .join(' | ')
        : 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const item = schema.items ? tsType(schema.items as JsonSchema, indent) : 'unknown';
      return /[|&]/.test(item) ? `Array<${item}>` : `${item}[]`;
    }
    case 'object': {
      const properties = schema.properties as Record<string, JsonSchema> | undefined;
      if (!properties) return 'Record<string, unknown>';
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const inner = `${indent}  `;
      const fields = Object.entries(properties).map(([key, value]) => {
        const doc = typeof value.description === 'string' ? `${inner}/** ${value.description} */\n` : '';
        return `${doc}${inner}${property(key)}${required.has(key) ? '' : '?'}: ${tsType(value, inner)};`;
      });
      return `{\n${fields.join('\n')}\n${indent}}`;
    }
    default:
      return 'unknown';
  }
}

function property(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
}

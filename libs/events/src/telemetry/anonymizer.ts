/*
 * The telemetry anonymizer (DESIGN §5): the one place that decides what of an
 * event may leave the installation for the analytics backend.
 *
 * It is an allow-list. Each payload layer declares, beside its LayerSpec, the
 * fields it keeps and the kind of value each must hold, plus counts derived
 * from the rest. A field is kept only if its layer names it AND its value has
 * the declared kind (a `status` holding a sentence, or a `uuid` field holding a
 * name, is dropped). Anything not named — names, titles, URLs, parameter
 * values, SQL, log messages, dataset names, environment variables, free text,
 * fields added to a layer later — is dropped.
 *
 * Client events carry open property maps from the front end; those are kept
 * by value instead (see anonymizeClientProperties).
 */

/** A value kind a kept or derived field must have. */
export type ScalarKind =
  /** A UUID (any version), sent lower-case. */
  | 'uuid'
  /** An upper-case constant such as FAILURE or COMPLETED_WITH_WARNINGS (at most 64 characters). */
  | 'status'
  /** A safe integer. */
  | 'integer'
  /** A non-negative safe integer. */
  | 'count'
  /** A finite number. */
  | 'number'
  /** An ISO 8601 date-time with a time zone (or a Date), sent as UTC ISO. */
  | 'timestamp'
  | 'boolean'
  /** A type of the event catalogue (registered by defineEventType). */
  | 'event_type'
  /** A release version such as 0.1.0 or 1.24.2-rc.1. */
  | 'version'
  /** One of a fixed list, matched case-insensitively and sent as the list spells it. */
  | { oneOf: readonly string[] };

/** A list of small objects, each reduced to the fields named (at most `max` items, default 100). */
export interface ListKind {
  list: Readonly<Record<string, ScalarKind>>;
  max?: number;
}

export type TelemetryKind = ScalarKind | ListKind;

export type TelemetryScalar = string | number | boolean;
export type TelemetryValue = TelemetryScalar | Record<string, TelemetryScalar>[];
export type TelemetryProperties = Record<string, TelemetryValue>;

/** A count or flag computed from a layer (and, when needed, the rest of the event's data). */
export interface DerivedField {
  kind: TelemetryKind;
  from: (layer: any, data: Record<string, any>) => unknown;
}

/** How one payload layer appears in telemetry; lives beside the layer's LayerSpec. */
export interface LayerTelemetry {
  /** Property name prefix: `job` makes `job_uuid`, `job_status`, `job_parameters_count`. */
  prefix: string;
  /** Fields kept as they are (dotted paths into the layer), with the kind each must have. */
  keep?: Readonly<Record<string, TelemetryKind>>;
  /** Counts and flags derived from the layer instead of its contents. */
  derive?: Readonly<Record<string, DerivedField>>;
  /** Client events: the layer's `properties` map is kept by value (anonymizeClientProperties). */
  clientProperties?: boolean;
}

/** The telemetry being built, layer by layer (the counterpart of the notification tree). */
export interface TelemetryTree {
  event_properties: TelemetryProperties;
  derived_properties: TelemetryProperties;
  /** The layer keys applied so far, in order (tests check that every layer of a class is covered). */
  layers: string[];
}

/** Facts about the sending installation, never about its data. */
export interface AppProperties {
  version?: string;
  node_version?: string;
  os?: string;
}

/** What the telemetry exporter sends for one event, before the batch flattens it (DESIGN §5). */
export interface TelemetryPayload {
  event_properties: TelemetryProperties;
  derived_properties: TelemetryProperties;
  app_properties: TelemetryProperties;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUS = /^[A-Z][A-Z0-9_]{0,63}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const VERSION = /^v?\d{1,6}(\.\d{1,6}){0,3}([-+][0-9A-Za-z.-]{1,32})?$/;
const LIST_MAX = 100;

const knownEventTypes = new Set<string>();

/** Called by defineEventType: only catalogue types pass as `event_type`. */
export function registerTelemetryEventType(type: string): void {
  knownEventTypes.add(type);
}

/** The value if it has `kind` (normalised), else undefined: the field is then dropped. */
export function conform(kind: TelemetryKind, value: unknown): TelemetryValue | undefined {
  if (typeof kind === 'object' && 'list' in kind) return conformList(kind, value);
  switch (kind) {
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : undefined;
    case 'status':
      return typeof value === 'string' && STATUS.test(value) ? value : undefined;
    case 'integer':
      return Number.isSafeInteger(value) ? (value as number) : undefined;
    case 'count':
      return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'timestamp':
      return timestamp(value);
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'event_type':
      return typeof value === 'string' && knownEventTypes.has(value) ? value : undefined;
    case 'version':
      return typeof value === 'string' && VERSION.test(value) ? value : undefined;
    default:
      if (typeof value !== 'string') return undefined;
      return kind.oneOf.find((allowed) => allowed.toLowerCase() === value.toLowerCase());
  }
}

function timestamp(value: unknown): string | undefined {
  const date = value instanceof Date ? value : typeof value === 'string' && TIMESTAMP.test(value) ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

function conformList(kind: ListKind, value: unknown): Record<string, TelemetryScalar>[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items: Record<string, TelemetryScalar>[] = [];
  for (const item of value.slice(0, kind.max ?? LIST_MAX)) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    const kept: Record<string, TelemetryScalar> = {};
    for (const [field, fieldKind] of Object.entries(kind.list)) {
      const conformed = conform(fieldKind, (item as Record<string, unknown>)[field]);
      if (conformed !== undefined && !Array.isArray(conformed)) kept[field] = conformed;
    }
    items.push(kept);
  }
  return items;
}

/** An empty tree with the event's own facts (id, type, time, source). */
export function telemetryRoot(event: { id: string; type: string; occurredAt: Date; source: string }): TelemetryTree {
  const tree: TelemetryTree = { event_properties: {}, derived_properties: {}, layers: [] };
  put(tree.event_properties, 'event_id', conform('uuid', event.id));
  put(tree.event_properties, 'event_type', conform('event_type', event.type));
  put(tree.event_properties, 'occurred_at', conform('timestamp', event.occurredAt));
  put(tree.event_properties, 'source', conform({ oneOf: ['internal', 'api', 'openlineage', 'observability', 'client'] }, event.source));
  return tree;
}

/**
 * Adds one layer's allow-listed fields (to event_properties) and derived
 * counts (to derived_properties), each under `<prefix>_<name>`. An absent
 * layer adds nothing but is still marked as covered.
 */
export function applyLayerTelemetry(
  tree: TelemetryTree,
  layerKey: string,
  telemetry: LayerTelemetry,
  layer: unknown,
  data: Record<string, any>,
): TelemetryTree {
  tree.layers.push(layerKey);
  if (layer === null || typeof layer !== 'object' || Array.isArray(layer)) return tree;
  const { keep, derive } = compiledTelemetry(telemetry);
  for (const field of keep) put(tree.event_properties, field.property, conform(field.kind, readPath(layer, field.path)));
  for (const field of derive) {
    let value: unknown;
    try {
      value = field.derived.from(layer, data);
    } catch {
      value = undefined; // a derivation that cannot read malformed stored data simply drops its field
    }
    put(tree.derived_properties, field.property, conform(field.derived.kind, value));
  }
  if (telemetry.clientProperties) {
    const properties = anonymizeClientProperties((layer as { properties?: unknown }).properties);
    for (const [key, value] of Object.entries(properties)) {
      // The event's own facts (event_type, occurred_at…) win over a front-end property of the same name.
      if (!(key in tree.event_properties)) tree.event_properties[key] = value;
    }
  }
  return tree;
}

/** app_properties: only the known facts, each of its kind. */
export function appTelemetry(app: AppProperties): TelemetryProperties {
  const out: TelemetryProperties = {};
  put(out, 'version', conform('version', app.version));
  put(out, 'node_version', conform('version', app.node_version));
  put(out, 'os', conform({ oneOf: ['linux', 'darwin', 'win32', 'freebsd', 'openbsd', 'sunos', 'aix', 'android'] }, app.os));
  return out;
}

function put(target: TelemetryProperties, key: string, value: TelemetryValue | undefined): void {
  if (value !== undefined) target[key] = value;
}

/** A layer's telemetry with property names and paths worked out once (it runs for every event). */
interface CompiledTelemetry {
  keep: { property: string; path: string[]; kind: TelemetryKind }[];
  derive: { property: string; derived: DerivedField }[];
}

const compiledTelemetries = new WeakMap<LayerTelemetry, CompiledTelemetry>();

function compiledTelemetry(telemetry: LayerTelemetry): CompiledTelemetry {
  let compiled = compiledTelemetries.get(telemetry);
  if (!compiled) {
    const name = (field: string) => (telemetry.prefix ? `${telemetry.prefix}_${field.replace(/\./g, '_')}` : field.replace(/\./g, '_'));
    compiled = {
      keep: Object.entries(telemetry.keep ?? {}).map(([field, kind]) => ({ property: name(field), path: field.split('.'), kind })),
      derive: Object.entries(telemetry.derive ?? {}).map(([field, derived]) => ({ property: name(field), derived })),
    };
    compiledTelemetries.set(telemetry, compiled);
  }
  return compiled;
}

function readPath(data: unknown, path: readonly string[]): unknown {
  let value: unknown = data;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

// ---------------------------------------------------------------------------
// Helpers for derived fields

/** Number of keys of an object, of items of an array; undefined for anything else. */
export function sizeOf(value: unknown): number | undefined {
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return undefined;
}

/** Whether a value is present (not undefined, null or an empty string). */
export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/**
 * Data tools and integrations whose name may be sent: a known token is not
 * data about the customer. Anything else (a custom producer, a company's own
 * tool name) is dropped.
 */
export const KNOWN_INTEGRATIONS = [
  'airflow',
  'airbyte',
  'bigquery',
  'dagster',
  'databricks',
  'datakitchen',
  'dbt',
  'fivetran',
  'flink',
  'glue',
  'great_expectations',
  'hive',
  'jupyter',
  'kafka',
  'looker',
  'luigi',
  'marquez',
  'openlineage',
  'orchest',
  'power_bi',
  'prefect',
  'python',
  'redshift',
  'snowflake',
  'spark',
  'sql',
  'tableau',
  'trino',
] as const;

const INTEGRATION = { oneOf: KNOWN_INTEGRATIONS };

/** A known integration token from a declared name (`SPARK`, `great-expectations`), or undefined. */
export function knownIntegration(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const token = value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return conform(INTEGRATION, token) as string | undefined;
}

/**
 * The integration named by an OpenLineage `producer` URI, never the URI:
 * `…/OpenLineage/tree/1.24.2/integration/spark` → spark,
 * `https://github.com/apache/airflow/tree/providers-openlineage/1.14.0` → airflow.
 */
export function integrationFromProducer(producer: unknown): string | undefined {
  if (typeof producer !== 'string') return undefined;
  const segments = producer
    .split(/[/?#]+/)
    .filter(Boolean)
    .map((s) => s.toLowerCase());
  const afterIntegration = segments.indexOf('integration');
  if (afterIntegration >= 0) {
    const named = knownIntegration(segments[afterIntegration + 1]);
    if (named) return named;
  }
  const known = segments.map((s) => knownIntegration(s.replace(/-(core|providers?)$/, ''))).filter((s): s is string => !!s);
  return known.find((s) => s !== 'openlineage') ?? known[0];
}

// ---------------------------------------------------------------------------
// Client (front-end) properties

const CLIENT_KEY = /^[A-Za-z_$][A-Za-z0-9_$.-]{0,63}$/;
const TOKEN = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Keys that say their string value is someone's text: a name is a name, whatever it looks like. */
const NAMED_KEY =
  /name|title|label|mail|url|uri|href|link|path|file|dir|folder|message|text|description|comment|note|query|sql|search|password|secret|token|auth|cookie|env|address|phone|host|ip$/i;
export const MAX_CLIENT_PROPERTIES = 50;

export function looksLikeEmail(value: string): boolean {
  return /[^\s@]+@[^\s@]+/.test(value) || /^mailto:/i.test(value);
}

export function looksLikeUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^(www\.|mailto:|file:|data:|javascript:)/i.test(value) || /\/\//.test(value);
}

export function looksLikePath(value: string): boolean {
  return (
    /[/\\]/.test(value) || // any separator: /home/…, C:\…, ./x, relative/dir
    /^~/.test(value) ||
    /^[A-Za-z]:/.test(value) || // drive letter
    /\.[A-Za-z][A-Za-z0-9]{0,5}$/.test(value) // a file name or host name: report.csv, example.com
  );
}

/**
 * Front-end properties, kept by value: booleans, finite numbers, UUIDs and
 * short tokens (1–64 letters, digits, `_ . : -`, such as a view id or a
 * button key). Dropped: strings that look like emails, URLs or file paths,
 * free text (spaces, other characters, longer than 64), strings under keys
 * that name text (`*name*`, `*title*`, `*url*`, `*path*`, `*message*`, …),
 * nested objects and arrays, keys that are not plain identifiers, and
 * anything beyond the first 50 properties.
 */
export function anonymizeClientProperties(properties: unknown): Record<string, TelemetryScalar> {
  const kept: Record<string, TelemetryScalar> = {};
  if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) return kept;
  let count = 0;
  for (const [key, value] of Object.entries(properties)) {
    if (count >= MAX_CLIENT_PROPERTIES) break;
    if (!CLIENT_KEY.test(key) || key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const conformed = clientValue(key, value);
    if (conformed === undefined) continue;
    Object.defineProperty(kept, key, { value: conformed, enumerable: true, writable: true, configurable: true });
    count++;
  }
  return kept;
}

function clientValue(key: string, value: unknown): TelemetryScalar | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (UUID.test(value)) return value.toLowerCase();
  if (NAMED_KEY.test(key)) return undefined;
  if (!TOKEN.test(value) || looksLikeEmail(value) || looksLikeUrl(value) || looksLikePath(value)) return undefined;
  return value;
}

import { LayerTelemetry } from '../telemetry/anonymizer';
import { Schema } from './json-schema';

/** The scoping columns of `events`; subscriptions filter on some of them. */
export const SCOPE_COLUMNS = [
  'project_uuid',
  'job_uuid',
  'pipeline_uuid',
  'pipeline_run_uuid',
  'environment_uuid',
  'pipeline_key',
  'run_key',
  'task_key',
  'lineage_namespace',
  'lineage_job',
  'lineage_run_id',
  'lineage_parent_run_id',
] as const;
export type ScopeColumn = (typeof SCOPE_COLUMNS)[number];

/** A scope column filled from a layer field; `field` may be a dotted path (`job.namespace`). */
export interface LayerScope {
  column: ScopeColumn;
  field: string;
}

/**
 * One part of an event body (`project`, `job`, `pipeline_run`…): its JSON
 * Schema, what it contributes to the event (scope columns, ordering key) and
 * to its two payloads (where the notification puts it, what telemetry keeps).
 * An event type is a list of layers; everything about a type is folded from them.
 */
export interface LayerDefinition<T = any> {
  /** The body key, which is also the layer's key in `data` and in the notification. */
  key: string;
  schema: Schema<T>;
  /** An optional layer may be left out of a body; a required one must be present. */
  required: boolean;
  /**
   * Where the notification puts this layer: `nest` (default) under the previous
   * nested layer, which it then becomes; `root` on the event itself; `merge`
   * its fields onto the event itself (ping's message).
   */
  placement?: 'nest' | 'root' | 'merge';
  /** A nested optional layer that is absent still opens its level (as `{}`), so the layers below keep their place. */
  keepLevel?: boolean;
  scope?: LayerScope | readonly LayerScope[];
  /**
   * Body paths naming the entity this layer is about (`job.uuid`, or
   * `pipeline.key` + `run.key`); a type's default ordering key is the identity
   * of its most specific layer that has one.
   */
  identity?: readonly string[];
  /** A value the schema accepts, for documentation and tests. */
  example: NoInfer<T>;
  /** What telemetry keeps of this layer (allow-listed fields) and derives (counts); see telemetry/anonymizer. */
  telemetry: LayerTelemetry;
}

/** Declares a layer; its example is checked against the schema's type. */
export function layer<T>(definition: LayerDefinition<T>): LayerDefinition<T> {
  return definition;
}

/** The same layer, optional in the types that use it so. */
export function optional<T>(definition: LayerDefinition<T>): LayerDefinition<T> {
  return { ...definition, required: false };
}

/** The scope columns a layer fills, as a list. */
export function layerScopes(layer: LayerDefinition): readonly LayerScope[] {
  if (!layer.scope) return [];
  return 'column' in layer.scope ? [layer.scope] : layer.scope;
}

/** Reads a dotted path (`run.parent.id`) from a value; undefined when any step is missing. */
export function readLayerField(data: unknown, field: string): unknown {
  let value: unknown = data;
  for (const part of field.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

import { ErrorDetail, jsonCopy, plainErrors } from '@tidings/common';
import { Column, Entity, PrimaryColumn, TableInheritance } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { EventError } from './event-error';
import { UpdateLayer } from './layers/layer-dtos';
import {
  AppProperties,
  appTelemetry,
  applyLayerTelemetry,
  LayerTelemetry,
  sizeOf,
  TelemetryPayload,
  TelemetryTree,
  telemetryRoot,
} from './telemetry/anonymizer';

export const EVENT_SOURCES = ['internal', 'api', 'openlineage', 'observability', 'client'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

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
export type EventScope = Partial<Record<ScopeColumn, string>>;

/** The filters a subscription may carry (DESIGN §3). */
export const SUBSCRIPTION_FILTERS = ['project_uuid', 'job_uuid', 'pipeline_key'] as const;
export type SubscriptionFilter = (typeof SUBSCRIPTION_FILTERS)[number];

/** A scope column filled from a layer field; `field` may be a dotted path (`job.namespace`). */
export interface LayerScope {
  column: ScopeColumn;
  field: string;
}

/** A payload layer: the input key it reads, its DTO, and the scope column(s) its ids fill. */
export interface LayerSpec {
  key: string;
  dto: new () => object;
  /** Absent optional layers are simply left out; a required one is validated as `{}`. */
  required: boolean;
  scope?: LayerScope | readonly LayerScope[];
  /** `root`: the notification puts this layer on the event itself instead of nesting it under the previous one. */
  placement?: 'root';
  example: Record<string, unknown>;
  /** What of this layer telemetry keeps (allow-listed fields with their kinds) and derives (counts); see telemetry/anonymizer. */
  telemetry: LayerTelemetry;
}

/** The scope columns a layer fills, as a list. */
export function layerScopes(layer: LayerSpec): readonly LayerScope[] {
  if (!layer.scope) return [];
  return 'column' in layer.scope ? [layer.scope] : layer.scope;
}

/** Reads a dotted path (`run.parent.id`) from a layer's data; undefined when any step is missing. */
export function readLayerField(data: unknown, field: string): unknown {
  let value: unknown = data;
  for (const part of field.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export interface NotificationEvent {
  id: string;
  type: string;
  occurred_at: string;
  [layer: string]: unknown;
}

/** The notification object being built: `leaf` is where the next layer nests. */
export interface NotificationTree {
  root: NotificationEvent;
  leaf: Record<string, unknown>;
}

export interface EventInput {
  occurred_at?: string | Date;
  idempotency_key?: string;
  [layer: string]: unknown;
}

export type EventClass<T extends TidingsEvent = TidingsEvent> = (new () => T) & typeof TidingsEvent;

/**
 * The root of the event hierarchy, stored with single-table inheritance in
 * `events` (discriminator `type`). Layer classes below it each add one payload
 * layer; `defineEventType` makes the concrete, per-type classes.
 */
@Entity('events')
@TableInheritance({ column: { type: 'text', name: 'type' } })
export class TidingsEvent {
  /** Set on every concrete class by `defineEventType`. */
  static readonly TYPE: string = '';
  /** The layers of this class, parents first. Each layer class appends its own. */
  static readonly LAYERS: readonly LayerSpec[] = [];
  /** `*:updated` types carry an `update` layer with the list of changes. */
  static readonly HAS_UPDATE: boolean = false;

  @PrimaryColumn('uuid') id: string;
  type: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt?: Date;
  @Column('text', { name: 'idempotency_key', nullable: true }) idempotencyKey: string | null = null;
  @Column('text') source: EventSource = 'internal';
  /** The HTTP request that recorded it, when one did (`x-request-id`). */
  @Column('text', { name: 'request_id', nullable: true }) requestId?: string;
  @Column('jsonb') data: Record<string, any> = {};
  @Column('uuid', { name: 'project_uuid', nullable: true }) project_uuid?: string;
  @Column('uuid', { name: 'job_uuid', nullable: true }) job_uuid?: string;
  @Column('uuid', { name: 'pipeline_uuid', nullable: true }) pipeline_uuid?: string;
  @Column('uuid', { name: 'pipeline_run_uuid', nullable: true }) pipeline_run_uuid?: string;
  @Column('uuid', { name: 'environment_uuid', nullable: true }) environment_uuid?: string;
  @Column('text', { name: 'pipeline_key', nullable: true }) pipeline_key?: string;
  @Column('text', { name: 'run_key', nullable: true }) run_key?: string;
  @Column('text', { name: 'task_key', nullable: true }) task_key?: string;
  @Column('text', { name: 'lineage_namespace', nullable: true }) lineage_namespace?: string;
  @Column('text', { name: 'lineage_job', nullable: true }) lineage_job?: string;
  @Column('uuid', { name: 'lineage_run_id', nullable: true }) lineage_run_id?: string;
  @Column('uuid', { name: 'lineage_parent_run_id', nullable: true }) lineage_parent_run_id?: string;

  /**
   * Validates `input` layer by layer and builds the event. Throws an
   * `EventError` listing every offending field; nothing is half-built.
   */
  static create<T extends TidingsEvent>(this: EventClass<T>, input: EventInput, source: EventSource = 'internal'): T {
    if (!this.TYPE) throw new Error(`${this.name} is a layer class; create a concrete event type instead`);
    const errors: ErrorDetail[] = [];
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new EventError('validation_failed', 'An event must be a JSON object');
    }
    const { allowed, layers } = inputShape(this);
    for (const key of Object.keys(input)) {
      if (!allowed.has(key)) errors.push({ field: key, message: `${key} is not a field of ${this.TYPE} events` });
    }

    const event = new this();
    event.id = uuidv7();
    event.type = this.TYPE;
    event.source = source;
    event.occurredAt = parseOccurredAt(input.occurred_at, errors);
    if (input.idempotency_key !== undefined) {
      if (typeof input.idempotency_key !== 'string' || input.idempotency_key.length < 1 || input.idempotency_key.length > 255) {
        errors.push({ field: 'idempotency_key', message: 'idempotency_key must be a string of 1 to 255 characters' });
      } else {
        event.idempotencyKey = input.idempotency_key;
      }
    }

    for (const layer of layers) {
      const raw = input[layer.key];
      if (raw === undefined && !layer.required) continue;
      const layerErrors = plainErrors(layer.dto, raw, layer.key);
      if (layerErrors.length) {
        errors.push(...layerErrors);
        continue;
      }
      // Keep the caller's own JSON (already whitelisted), not the DTO instance.
      event.data[layer.key] = jsonCopy(raw ?? {});
      for (const scope of layerScopes(layer)) {
        const value = readLayerField(event.data[layer.key], scope.field);
        if (value != null) (event as any)[scope.column] = value;
      }
    }
    if (errors.length) {
      throw new EventError('validation_failed', `Invalid ${this.TYPE} event: ${errors.map((e) => e.field).join(', ')}`, errors);
    }
    return event;
  }

  /** The subscription filters that can narrow this type (from its layers' scope columns). */
  static scopeFilters(): SubscriptionFilter[] {
    const columns = new Set(this.LAYERS.flatMap((l) => layerScopes(l).map((s) => s.column)));
    return SUBSCRIPTION_FILTERS.filter((f) => columns.has(f));
  }

  /** An input that `create()` accepts, built from each layer's example. */
  static exampleInput(): EventInput {
    const input: EventInput = { occurred_at: '2026-11-20T10:00:00.000Z' };
    for (const layer of this.LAYERS) input[layer.key] = layer.example;
    if (this.HAS_UPDATE) input.update = UPDATE_LAYER.example;
    return input;
  }

  get scope(): EventScope {
    const scope: EventScope = {};
    for (const column of SCOPE_COLUMNS) if (this[column] != null) scope[column] = this[column];
    return scope;
  }

  /** The `event` object of a webhook body (DESIGN §5), built layer by layer. */
  toNotificationPayload(): NotificationEvent {
    const { root } = this.notificationTree();
    if (this.data.update) root.update = this.data.update;
    return root;
  }

  /** Each layer class overrides this: call the parent, then nest its own layer. */
  protected notificationTree(): NotificationTree {
    const root: NotificationEvent = { id: this.id, type: this.type, occurred_at: this.occurredAt.toISOString() };
    return { root, leaf: root };
  }

  /**
   * The anonymized payload for the analytics backend (DESIGN §5), built layer
   * by layer like the notification: ids, types, statuses, numbers and times
   * each layer allow-lists, plus counts derived from what is left out.
   */
  toTelemetryPayload(app: AppProperties = {}): TelemetryPayload {
    const tree = this.telemetryTree();
    if (this.data.update) addTelemetryLayer(tree, UPDATE_LAYER, this.data);
    return { event_properties: tree.event_properties, derived_properties: tree.derived_properties, app_properties: appTelemetry(app) };
  }

  /** The layer keys the telemetry covered (a class whose layer has no telemetry override shows here). */
  telemetryLayers(): string[] {
    const tree = this.telemetryTree();
    if (this.data.update) tree.layers.push(UPDATE_LAYER.key);
    return tree.layers;
  }

  /** Each layer class overrides this: call the parent, then add its own layer's allow-listed properties. */
  protected telemetryTree(): TelemetryTree {
    return telemetryRoot(this);
  }
}

const inputShapes = new WeakMap<typeof TidingsEvent, { allowed: ReadonlySet<string>; layers: readonly LayerSpec[] }>();

/** The top-level keys an input of `cls` may have, and the layers create() validates, worked out once per class. */
function inputShape(cls: typeof TidingsEvent): { allowed: ReadonlySet<string>; layers: readonly LayerSpec[] } {
  let shape = inputShapes.get(cls);
  if (!shape) {
    const layers = cls.HAS_UPDATE ? [...cls.LAYERS, UPDATE_LAYER] : cls.LAYERS;
    shape = { allowed: new Set(['type', 'occurred_at', 'idempotency_key', ...layers.map((l) => l.key)]), layers };
    inputShapes.set(cls, shape);
  }
  return shape;
}

/** Nests `layer` under the current leaf and makes it the new leaf. */
export function nestLayer(tree: NotificationTree, key: string, layer: unknown): NotificationTree {
  const node = { ...(layer as Record<string, unknown>) };
  tree.leaf[key] = node;
  return { root: tree.root, leaf: node };
}

/** Adds the telemetry of one layer (read from the event's `data` by the spec's key). */
export function addTelemetryLayer(tree: TelemetryTree, spec: LayerSpec, data: Record<string, any>): TelemetryTree {
  return applyLayerTelemetry(tree, spec.key, spec.telemetry, data[spec.key], data);
}

const UPDATE_LAYER: LayerSpec = {
  key: 'update',
  dto: UpdateLayer,
  required: true,
  example: { changes: [{ type: 'UPDATED', changed_object: 'schedule', old_value: '0 * * * *', new_value: '0 2 * * *' }] },
  // What changed is free text (changed_object, old and new values): only how many changes of each type.
  telemetry: {
    prefix: 'update',
    derive: {
      changes_count: { kind: 'count', from: (update) => sizeOf(update.changes) },
      changes_created_count: { kind: 'count', from: (update) => countChanges(update, 'CREATED') },
      changes_updated_count: { kind: 'count', from: (update) => countChanges(update, 'UPDATED') },
      changes_deleted_count: { kind: 'count', from: (update) => countChanges(update, 'DELETED') },
    },
  },
};

function countChanges(update: { changes?: { type?: string }[] }, type: string): number | undefined {
  return Array.isArray(update.changes) ? update.changes.filter((change) => change?.type === type).length : undefined;
}

const OFFSET_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

function parseOccurredAt(value: unknown, errors: ErrorDetail[]): Date {
  if (value === undefined) return new Date();
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'string' && OFFSET_DATE_TIME.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  errors.push({ field: 'occurred_at', message: 'occurred_at must be an ISO 8601 date-time with a time zone (e.g. 2026-11-20T10:00:00Z)' });
  return new Date(0);
}

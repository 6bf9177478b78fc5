import { jsonCopy } from '@tidings/common';
import { Column, Entity, PrimaryColumn, TableInheritance } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { EventError } from './event-error';
import { OccurredAtBounds, occurredAtSkew } from './occurred-at-bounds';
import { EventTypeEntry, NotificationEvent } from './registry/event-type';
import { eventBodyValidator } from './registry/event-validator';
import { exampleBody } from './registry/body-schema';
import { LayerDefinition, layerScopes, readLayerField, SCOPE_COLUMNS, ScopeColumn } from './registry/layer';
import { AppProperties, appTelemetry, applyLayerTelemetry, TelemetryPayload, TelemetryTree, telemetryRoot } from './telemetry/anonymizer';

export { SCOPE_COLUMNS } from './registry/layer';
export type { ScopeColumn } from './registry/layer';
export type { NotificationEvent } from './registry/event-type';

export const EVENT_SOURCES = ['internal', 'api', 'sql', 'openlineage', 'observability', 'client'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export type EventScope = Partial<Record<ScopeColumn, string>>;

/** The filters a subscription may carry (DESIGN §3). */
export const SUBSCRIPTION_FILTERS = ['project_uuid', 'job_uuid', 'pipeline_key'] as const;
export type SubscriptionFilter = (typeof SUBSCRIPTION_FILTERS)[number];

export interface EventInput {
  occurred_at?: string | Date;
  idempotency_key?: string;
  ordering_key?: string;
  [layer: string]: unknown;
}

export type EventClass<T extends TidingsEvent = TidingsEvent> = (new () => T) & typeof TidingsEvent;

/**
 * The root of the event hierarchy, stored with single-table inheritance in
 * `events` (discriminator `type`). Each registry type has a concrete class
 * (event-classes.ts) carrying its entry; validation, scope columns and both
 * payloads are folds over the entry's layers.
 */
@Entity('events')
@TableInheritance({ column: { type: 'text', name: 'type' } })
export class TidingsEvent {
  /** Set on every concrete class from its registry entry. */
  static readonly TYPE: string = '';
  static readonly ENTRY: EventTypeEntry | undefined = undefined;
  /** The entry's layers, from the root of the notification down. */
  static readonly LAYERS: readonly LayerDefinition[] = [];

  @PrimaryColumn('uuid') id: string;
  type: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt?: Date;
  @Column('text', { name: 'idempotency_key', nullable: true }) idempotencyKey: string | null = null;
  @Column('text') source: EventSource = 'internal';
  /**
   * Who registered it: idempotency keys are unique per producer. The calling
   * API key's id on the HTTP APIs, the database role on the SQL entry point;
   * in-process events default to their source.
   */
  @Column('text', { nullable: true }) producer: string | null = null;
  /** Orders its deliveries to ordered webhooks: the body's `ordering_key`, else the type's default (set when registered). */
  @Column('text', { name: 'ordering_key', nullable: true }) orderingKey: string | null = null;
  /** Whether the body named occurred_at (a repeat's body is compared with what it gave, not with a default). */
  occurredAtGiven = false;
  /** The HTTP request that recorded it, when one did (`x-request-id`). */
  @Column('text', { name: 'request_id', nullable: true }) requestId?: string;
  @Column('jsonb') data: Record<string, any> = {};
  /**
   * Members of `data` whose JSON text is at hand as it was received (parsed,
   * validated and unchanged since): the registrar writes that text instead of
   * serializing the member again. `data` still holds each member parsed.
   */
  dataText?: Readonly<Record<string, string>>;
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
   * Validates `input` against the type's body schema (the registry's Ajv
   * validator) and builds the event. Throws an `EventError` listing every
   * offending field; nothing is half-built. With `bounds` (a producer's
   * event), a valid `occurred_at` must also lie within them of this clock;
   * events Tidings records itself pass none.
   */
  static create<T extends TidingsEvent>(
    this: EventClass<T>,
    input: EventInput,
    source: EventSource = 'internal',
    bounds?: OccurredAtBounds,
  ): T {
    if (!this.TYPE) throw new Error(`${this.name} has no event type; create a concrete event type instead`);
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new EventError('validation_failed', 'An event must be a JSON object');
    }
    // In-process callers may give a Date; the schema reads the text of one.
    const occurredAt = input.occurred_at;
    const body: Record<string, unknown> = occurredAt instanceof Date ? { ...input, occurred_at: dateText(occurredAt) } : input;
    const errors = eventBodyValidator().errors(this.TYPE, body);
    if (bounds && typeof body.occurred_at === 'string' && !errors.some((e) => e.field === 'occurred_at')) {
      const skew = occurredAtSkew(new Date(body.occurred_at), bounds);
      if (skew) errors.push({ field: 'occurred_at', message: `occurred_at ${skew}` });
    }
    if (errors.length) {
      const fields = [...new Set(errors.map((e) => e.field))].join(', ');
      throw new EventError('validation_failed', `Invalid ${this.TYPE} event: ${fields}`, errors);
    }

    const event = new this();
    event.id = uuidv7();
    event.type = this.TYPE;
    event.source = source;
    event.occurredAtGiven = body.occurred_at !== undefined;
    event.occurredAt = event.occurredAtGiven ? new Date(body.occurred_at as string) : new Date();
    event.idempotencyKey = (body.idempotency_key as string | undefined) ?? null;
    event.orderingKey = (body.ordering_key as string | undefined) ?? null;
    for (const layer of this.LAYERS) {
      const raw = body[layer.key];
      if (raw === undefined) continue;
      // Keep the caller's own JSON (already checked to be closed), not a reference to it.
      const value = (event.data[layer.key] = jsonCopy(raw));
      for (const scope of layerScopes(layer)) {
        const column = readLayerField(value, scope.field);
        if (column != null) (event as any)[scope.column] = column;
      }
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
    if (!this.ENTRY) throw new Error(`${this.name} has no event type`);
    return exampleBody(this.ENTRY);
  }

  get scope(): EventScope {
    const scope: EventScope = {};
    for (const column of SCOPE_COLUMNS) if (this[column] != null) scope[column] = this[column];
    return scope;
  }

  /** The layers of this event's type. */
  protected get layers(): readonly LayerDefinition[] {
    return (this.constructor as typeof TidingsEvent).LAYERS;
  }

  /**
   * The `event` object of a webhook body (DESIGN §5), folded from the layers:
   * each nested layer under the previous one, the others on the event itself.
   */
  toNotificationPayload(): NotificationEvent {
    const root: NotificationEvent = { id: this.id, type: this.type, occurred_at: this.occurredAt.toISOString() };
    let leaf: Record<string, unknown> = root;
    for (const layer of this.layers) {
      const value = this.data[layer.key] as Record<string, unknown> | undefined;
      const present = value !== undefined && value !== null;
      switch (layer.placement ?? 'nest') {
        case 'nest':
          if (present || layer.required || layer.keepLevel) leaf = leaf[layer.key] = { ...value };
          break;
        case 'root':
          if (present) root[layer.key] = { ...value };
          break;
        case 'merge':
          if (present) for (const [key, field] of Object.entries(value)) if (!(key in root)) root[key] = field;
          break;
      }
    }
    return root;
  }

  /**
   * The anonymized payload for the analytics backend (DESIGN §5), folded from
   * the layers like the notification: ids, types, statuses, numbers and times
   * each layer allow-lists, plus counts derived from what is left out.
   */
  toTelemetryPayload(app: AppProperties = {}): TelemetryPayload {
    const tree = this.telemetryTree();
    return { event_properties: tree.event_properties, derived_properties: tree.derived_properties, app_properties: appTelemetry(app) };
  }

  /** The layer keys the telemetry covered, in order. */
  telemetryLayers(): string[] {
    return this.telemetryTree().layers;
  }

  private telemetryTree(): TelemetryTree {
    const tree = telemetryRoot(this);
    for (const layer of this.layers) applyLayerTelemetry(tree, layer.key, layer.telemetry, this.data[layer.key], this.data);
    return tree;
  }
}

/** A Date as the date-time text the schema reads; an invalid Date stays invalid. */
function dateText(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString();
}

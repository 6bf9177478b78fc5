import { Injectable, Optional } from '@nestjs/common';
import { currentRequestId, isClientType, preparedStatement, subscriptionPatternsFor } from '@tidings/common';
import { TidingsMetrics } from '@tidings/metrics';
import { SubscriptionMatcher } from './subscription-matcher';
import { EntityManager } from 'typeorm';
import { hydrateEvent } from './event-classes';
import { readLayerField } from './registry/layer';
import { SCOPE_COLUMNS, ScopeColumn, TidingsEvent } from './tidings-event.entity';

export interface RegisterResult<T extends TidingsEvent = TidingsEvent> {
  event: T;
  /** False when the idempotency key was seen before: `event` is then the original. */
  created: boolean;
  /** Webhook deliveries created. */
  deliveries: number;
}

/** The channel the relay LISTENs on; notified in the registering transaction, so only on commit. */
export const OUTBOX_CHANNEL = 'tidings_outbox';

const SCOPE_TYPES: Record<ScopeColumn, 'uuid' | 'text'> = {
  project_uuid: 'uuid',
  job_uuid: 'uuid',
  pipeline_uuid: 'uuid',
  pipeline_run_uuid: 'uuid',
  environment_uuid: 'uuid',
  pipeline_key: 'text',
  run_key: 'text',
  task_key: 'text',
  lineage_namespace: 'text',
  lineage_job: 'text',
  lineage_run_id: 'uuid',
  lineage_parent_run_id: 'uuid',
};

const EVENT_COLUMNS = [
  'id',
  'type',
  'occurred_at',
  'idempotency_key',
  'source',
  'data',
  'request_id',
  'ordering_key',
  ...SCOPE_COLUMNS,
].join(', ');

/** One event as the register statement reads it (a record of its JSON input). */
interface EventRecord {
  [column: string]: unknown;
  patterns: string[];
}

interface RegisteredRow {
  id: string;
  recorded_at: Date | null;
  webhooks: number;
}

/**
 * Records events and their outbox rows inside the caller's transaction: the
 * event row, then one thin pending delivery per matching enabled subscriber
 * (its body is rendered from the event when sent). Client events match no
 * webhook. Telemetry is exported from the event log later (libs/telemetry),
 * so it adds nothing here. A rollback leaves none of them.
 *
 *   await dataSource.transaction(async (tx) => {
 *     await tx.save(order);
 *     await events.register(tx, JobPipelineRunFailed.create({ project, job, pipeline_run }));
 *   });
 */
@Injectable()
export class EventRegistrar {
  private readonly statement: string;

  constructor(
    private readonly matcher: SubscriptionMatcher,
    @Optional() private readonly metrics?: TidingsMetrics,
  ) {
    this.statement = registerStatement(matcher);
  }

  async register<T extends TidingsEvent>(tx: EntityManager, event: T): Promise<RegisterResult<T>> {
    const [result] = await this.registerMany(tx, [event]);
    return result as RegisterResult<T>;
  }

  /**
   * register() for many events at once, in one statement (so one round trip,
   * and atomic even without a transaction), results in the order given. An
   * idempotency key seen before, or earlier in `events`, gives the original
   * event back (`created: false`) and creates no deliveries.
   */
  async registerMany(tx: EntityManager, events: readonly TidingsEvent[]): Promise<RegisterResult[]> {
    if (events.length === 0) return [];
    const requestId = currentRequestId();
    const firstWithKey = new Map<string, number>();
    const written: number[] = [];
    const records: EventRecord[] = [];
    events.forEach((event, index) => {
      event.requestId ??= requestId;
      if (event.idempotencyKey !== null) {
        if (firstWithKey.has(idempotencyScope(event))) return;
        firstWithKey.set(idempotencyScope(event), index);
      }
      written.push(index);
      records.push(this.record(event));
    });

    const rows: RegisteredRow[] = await tx.query(preparedStatement('tidings_register_events_v6', this.statement), [
      JSON.stringify(records),
    ]);

    const results: RegisterResult[] = new Array(events.length);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const taken: TidingsEvent[] = [];
    for (const index of written) {
      const event = events[index];
      const row = byId.get(event.id)!;
      if (row.recorded_at === null) {
        taken.push(event);
        continue;
      }
      event.recordedAt = row.recorded_at;
      this.metrics?.eventsRegistered.inc({ type: event.type, source: event.source });
      results[index] = { event, created: true, deliveries: row.webhooks };
    }
    const originals = taken.length ? await this.originals(tx, taken) : new Map<string, RegisterResult>();
    events.forEach((event, index) => {
      if (results[index]) return;
      const scope = idempotencyScope(event);
      const first = results[firstWithKey.get(scope)!];
      results[index] = originals.get(scope) ?? { event: first.event, created: false, deliveries: first.deliveries };
    });
    return results;
  }

  /** The statement's input for one event: its row and match patterns. */
  private record(event: TidingsEvent): EventRecord {
    const record: EventRecord = {
      id: event.id,
      type: event.type,
      occurred_at: event.occurredAt,
      idempotency_key: event.idempotencyKey,
      source: event.source,
      data: event.data,
      request_id: event.requestId ?? null,
      ordering_key: orderingKey(event),
      patterns: isClientType(event.type) ? [] : subscriptionPatternsFor(event.type),
    };
    for (const column of SCOPE_COLUMNS) if (event[column] != null) record[column] = event[column];
    return record;
  }

  /** The events that first took these events' idempotency keys, by idempotencyScope. */
  private async originals(tx: EntityManager, events: TidingsEvent[]): Promise<Map<string, RegisterResult>> {
    const rows: Record<string, any>[] = await tx.query(
      `SELECT e.*, (SELECT count(*)::int FROM deliveries d WHERE d.event_id = e.id) AS delivery_count
         FROM event_idempotency k JOIN events e ON e.id = k.event_id
        WHERE (k.producer, k.key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [events.map((event) => event.source), events.map((event) => event.idempotencyKey)],
    );
    return new Map(
      rows.map((row) => {
        const event = hydrateEvent(row);
        return [idempotencyScope(event), { event, created: false, deliveries: row.delivery_count }];
      }),
    );
  }
}

/**
 * The event's ordering key: its type's default from the registry (DESIGN §4),
 * the values at the entry's paths joined by `/`; null when the type has none
 * or a value is missing. A stand-in until the SQL entry point computes it.
 */
function orderingKey(event: TidingsEvent): string | null {
  const paths = (event.constructor as typeof TidingsEvent).ENTRY?.orderingKey ?? [];
  const values = paths.map((path) => readLayerField(event.data, path));
  return paths.length > 0 && values.every((v) => v != null) ? values.join('/') : null;
}

/** Idempotency keys are unique per producer: the source an event came in through (api, openlineage, client, …). */
function idempotencyScope(event: TidingsEvent): string {
  return `${event.source}\n${event.idempotencyKey}`;
}

/**
 * The one statement registering a set of events ($1: a JSON array of
 * EventRecord). Its text never changes, so it is prepared once per
 * connection. In order: read the records, match subscriptions for all of
 * them, claim idempotency keys (per producer, for the idempotency window),
 * insert the events whose key was free or absent (`xid`
 * defaults to this transaction's id, for the telemetry export), one thin
 * delivery per match (no body: the worker renders it when sending), and
 * NOTIFY the relay, which hears it on commit. One row back per record.
 */
function registerStatement(matcher: SubscriptionMatcher): string {
  const scopeColumns = SCOPE_COLUMNS.map((column) => `${column} ${SCOPE_TYPES[column]}`).join(', ');
  return `
    WITH input AS MATERIALIZED (
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
        id uuid, type text, occurred_at timestamptz, idempotency_key text, source text, data jsonb, request_id text, ordering_key text,
        ${scopeColumns},
        patterns text[])),
    matched AS (${matcher.sql('input')}),
    keys AS (
      INSERT INTO event_idempotency (producer, key, event_id, body_hash)
      SELECT source, idempotency_key, id, md5(data::text) FROM input WHERE idempotency_key IS NOT NULL
      ON CONFLICT (producer, key) DO NOTHING
      RETURNING event_id),
    new_events AS (
      INSERT INTO events (${EVENT_COLUMNS})
      SELECT ${EVENT_COLUMNS} FROM input WHERE idempotency_key IS NULL OR id IN (SELECT event_id FROM keys)
      RETURNING id, recorded_at),
    inserted AS (
      INSERT INTO deliveries (id, event_id, event_type, subscriber_id, next_attempt_at, ordering_key, occurred_at)
      -- A delivery is keyed (with its event's time) only for an ordered webhook: an unordered one's rows stay thin.
      SELECT tidings_uuid_v7(), i.id, i.type, m.id, now(), k.ordering_key, CASE WHEN k.ordering_key IS NOT NULL THEN i.occurred_at END
        FROM matched m JOIN new_events n ON n.id = m.event_id JOIN input i ON i.id = m.event_id
        CROSS JOIN LATERAL (SELECT CASE WHEN (SELECT s.ordered FROM subscribers s WHERE s.id = m.id) THEN i.ordering_key END AS ordering_key) k
      RETURNING event_id),
    counted AS (
      SELECT event_id, count(*)::int AS webhooks FROM inserted GROUP BY event_id)
    SELECT i.id, n.recorded_at, COALESCE(c.webhooks, 0) AS webhooks,
           (SELECT count(*) FROM (SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM inserted LIMIT 1) AS notify) AS notified
      FROM input i LEFT JOIN new_events n ON n.id = i.id LEFT JOIN counted c ON c.event_id = i.id`;
}

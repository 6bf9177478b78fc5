import { Injectable, Optional } from '@nestjs/common';
import { currentRequestId, preparedStatement } from '@tidings/common';
import { TidingsMetrics } from '@tidings/metrics';
import { EntityManager } from 'typeorm';
import { hydrateEvent } from './event-classes';
import { EventError } from './event-error';
import { SCOPE_COLUMNS, TidingsEvent } from './tidings-event.entity';

export interface RegisterResult<T extends TidingsEvent = TidingsEvent> {
  event: T;
  /** False when the idempotency key was seen before: `event` is then the original. */
  created: boolean;
  /** Webhook deliveries created. */
  deliveries: number;
  /** The key was seen before with a different body: `event` is the original, nothing was registered. */
  conflict?: boolean;
}

/** The channel the relay LISTENs on; notified in the registering transaction, so only on commit. */
export const OUTBOX_CHANNEL = 'tidings_outbox';

/** Who registered an event: the API key or database role, else (in-process events) its source. Idempotency keys are scoped to it. */
export function producerOf(event: TidingsEvent): string {
  return event.producer ?? event.source;
}

/** One event as `register_events_trusted` reads it (a record of its JSON input): validated and shaped. */
interface EventRecord {
  [column: string]: unknown;
}

interface RegisteredRow {
  id: string;
  recorded_at: Date | null;
  webhooks: number;
  original_id: string | null;
  conflict: boolean | null;
  body_hash: string;
}

/**
 * Records events and their outbox rows inside the caller's transaction,
 * through the SQL entry point's trusted function `register_events_trusted`
 * (migrations/1764700100000-SqlEntryPoint.ts; the one implementation every
 * path ends in): the event row, its ordering key, its idempotency key (per
 * producer), then one thin pending delivery per matching enabled subscriber
 * (its body is rendered from the event when sent), and a NOTIFY heard on
 * commit. Client events match no webhook. A rollback leaves none of them.
 *
 *   await dataSource.transaction(async (tx) => {
 *     await tx.save(order);
 *     await events.register(tx, JobPipelineRunFailed.create({ project, job, pipeline_run }));
 *   });
 */
@Injectable()
export class EventRegistrar {
  constructor(@Optional() private readonly metrics?: TidingsMetrics) {}

  /** Registers one event; an idempotency key seen before with a different body is an `idempotency_conflict` EventError. */
  async register<T extends TidingsEvent>(tx: EntityManager, event: T): Promise<RegisterResult<T>> {
    const [result] = await this.registerMany(tx, [event]);
    if (result.conflict) throw idempotencyConflict(event, result.event);
    return result as RegisterResult<T>;
  }

  /**
   * register() for many events at once, in one statement (so one round trip,
   * and atomic even without a transaction), results in the order given. An
   * idempotency key seen before, or earlier in `events`, gives the original
   * event back (`created: false`) and creates no deliveries; with a different
   * body, `conflict: true` as well.
   */
  async registerMany(tx: EntityManager, events: readonly TidingsEvent[]): Promise<RegisterResult[]> {
    if (events.length === 0) return [];
    const requestId = currentRequestId();
    for (const event of events) event.requestId ??= requestId;
    const rows: RegisteredRow[] = await tx.query(
      preparedStatement('tidings_register_events_v5', 'SELECT * FROM register_events_trusted($1::jsonb)'),
      [registrationParameter(events)],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const repeats = events.map((event) => byId.get(event.id)!).filter((row) => row.recorded_at === null);
    const originals = repeats.length ? await this.originals(tx, events, repeats) : new Map<string, { event: TidingsEvent; deliveries: number; hash: string }>();
    return events.map((event): RegisterResult => {
      const row = byId.get(event.id)!;
      if (row.recorded_at !== null) {
        event.recordedAt = row.recorded_at;
        this.metrics?.eventsRegistered.inc({ type: event.type, source: event.source });
        return { event, created: true, deliveries: row.webhooks };
      }
      const original = originals.get(row.original_id ?? idempotencyScope(event));
      if (!original) throw new Error(`The idempotency key of event ${event.id} is held by an event that cannot be found`);
      return { event: original.event, created: false, deliveries: original.deliveries, conflict: original.hash !== row.body_hash };
    });
  }

  /**
   * The events holding the keys of `repeats`, by id, and by idempotencyScope
   * for keys claimed by a transaction that committed while this one waited
   * (the trusted function's snapshot did not see them).
   */
  private async originals(tx: EntityManager, events: readonly TidingsEvent[], repeats: RegisteredRow[]) {
    const unseen = events.filter((event) => repeats.some((row) => row.id === event.id && row.original_id === null));
    const rows: Record<string, any>[] = await tx.query(
      `SELECT e.*, k.body_hash AS held_hash, (SELECT count(*)::int FROM deliveries d WHERE d.event_id = e.id) AS delivery_count
         FROM events e JOIN event_idempotency k ON k.event_id = e.id
        WHERE e.id = ANY($1::uuid[]) OR (k.producer, k.key) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [repeats.map((row) => row.original_id).filter((id) => id !== null), unseen.map(producerOf), unseen.map((event) => event.idempotencyKey)],
    );
    const found = new Map<string, { event: TidingsEvent; deliveries: number; hash: string }>();
    for (const row of rows) {
      const original = { event: hydrateEvent(row), deliveries: row.delivery_count, hash: row.held_hash };
      found.set(row.id, original);
      found.set(idempotencyScope(original.event), original);
    }
    return found;
  }
}

/**
 * The statement's `jsonb` parameter, the array of the events' records, as
 * bytes in jsonb's binary form: a version byte (1), then the JSON text. The
 * text is written piece by piece into one buffer: one JSON.stringify of a
 * batch made a string of hundreds of kB, which V8 allocates in fresh
 * large-object memory and the driver then flattens and encodes again (about
 * 1.3 ms per 400 kB on the bench machine, as much as serializing it).
 */
function registrationParameter(events: readonly TidingsEvent[]): Buffer {
  const pieces: string[] = ['['];
  events.forEach((event, i) => {
    if (i > 0) pieces.push(',');
    recordPieces(event, pieces);
  });
  pieces.push(']');
  let length = 1;
  for (const piece of pieces) length += Buffer.byteLength(piece);
  const parameter = Buffer.allocUnsafe(length);
  parameter[0] = 1;
  let offset = 1;
  for (const piece of pieces) offset += parameter.write(piece, offset);
  return parameter;
}

/**
 * One event's record as JSON text, in pieces. The members of `data` given as
 * text (`dataText`: received, validated and unchanged) are written as that
 * text, not serialized again from their parsed form.
 */
function recordPieces(event: TidingsEvent, pieces: string[]): void {
  const verbatim = event.dataText;
  if (!verbatim) {
    pieces.push(JSON.stringify(record(event, event.data)));
    return;
  }
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(event.data)) if (!(key in verbatim)) rest[key] = event.data[key];
  // The row's last member is `"data":{…}`: its two closing braces go after the verbatim members,
  // after a comma when the serialized rest holds a member (one whose value JSON drops does not count).
  const row = JSON.stringify(record(event, rest));
  let separator = row.endsWith('{}}') ? '' : ',';
  pieces.push(row.slice(0, -2));
  for (const [key, text] of Object.entries(verbatim)) {
    pieces.push(`${separator}${JSON.stringify(key)}:`, text);
    separator = ',';
  }
  pieces.push('}}');
}

/** The statement's input for one event: its validated row (scope columns included), `data` last. */
function record(event: TidingsEvent, data: Record<string, unknown>): EventRecord {
  const row: EventRecord = {
    id: event.id,
    type: event.type,
    occurred_at: event.occurredAt,
    occurred_at_given: event.occurredAtGiven,
    idempotency_key: event.idempotencyKey,
    ordering_key: event.orderingKey,
    source: event.source,
    producer: producerOf(event),
    request_id: event.requestId ?? null,
  };
  for (const column of SCOPE_COLUMNS) if (event[column] != null) row[column] = event[column];
  row.data = data;
  return row;
}

/** Idempotency keys are unique per producer. */
function idempotencyScope(event: TidingsEvent): string {
  return `${producerOf(event)}\n${event.idempotencyKey}`;
}

/** The answer to a repeated idempotency key whose body differs from the original's (409 on the API). */
export function idempotencyConflict(event: TidingsEvent, original: TidingsEvent): EventError {
  return new EventError(
    'idempotency_conflict',
    `Idempotency key ${JSON.stringify(event.idempotencyKey)} was used by this producer for event ${original.id} with a different body`,
    [{ field: 'idempotency_key', message: 'idempotency_key was used before with a different body; repeat the original body or use a new key' }],
  );
}

import { Injectable } from '@nestjs/common';
import { ErrorDetail } from '@tidings/common';
import { DataSource } from 'typeorm';
import { eventClassFor } from './event-classes';
import { EventError } from './event-error';
import { EventRegistrar, RegisterResult } from './event-registrar';
import { EventInput, TidingsEvent } from './tidings-event.entity';

export const MAX_BATCH_EVENTS = 1000;

export interface BatchSummary {
  status: 'success' | 'partial_success' | 'failure';
  summary: { received: number; successful: number; failed: number };
  failed_events: { index: number; reason: string; details?: ErrorDetail[] }[];
  events: { index: number; id: string; deliveries: number; duplicate: boolean }[];
}

/** `POST /v1/events` and `/v1/events/batch`: platform events from other processes. */
@Injectable()
export class RecordApiEvents {
  constructor(
    private readonly db: DataSource,
    private readonly registrar: EventRegistrar,
  ) {}

  /** Validates one request body into a typed event, or throws an EventError naming every bad field. */
  build(body: unknown, idempotencyHeader?: string): TidingsEvent {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new EventError('validation_failed', 'The body must be a JSON object describing one event');
    }
    const input = body as EventInput & { type?: unknown };
    const cls = eventClassFor(input.type, 'api');
    if (idempotencyHeader !== undefined) {
      if (input.idempotency_key !== undefined && input.idempotency_key !== idempotencyHeader) {
        throw new EventError('validation_failed', 'Idempotency-Key header and idempotency_key field differ', [
          { field: 'idempotency_key', message: 'idempotency_key must equal the Idempotency-Key header when both are given' },
        ]);
      }
      return cls.create({ ...input, idempotency_key: idempotencyHeader }, 'api');
    }
    return cls.create(input, 'api');
  }

  async one(body: unknown, idempotencyHeader?: string): Promise<RegisterResult> {
    const event = this.build(body, idempotencyHeader);
    // register() is a single statement: atomic without BEGIN/COMMIT, so one round trip.
    return this.registrar.register(this.db.manager, event);
  }

  /** Each event is validated alone; the valid ones are registered together in one transaction. */
  async batch(items: unknown): Promise<BatchSummary> {
    const wrapped = items !== null && typeof items === 'object' && !Array.isArray(items);
    if (wrapped && Object.keys(items).some((key) => key !== 'events')) {
      throw new EventError('validation_failed', 'A batch object holds only "events"', [{ field: 'body', message: 'only the events field is allowed' }]);
    }
    const list = wrapped ? (items as { events?: unknown }).events : items;
    if (!Array.isArray(list)) throw new EventError('validation_failed', 'The body must be a JSON array of events (or {"events": [...]})');
    if (list.length === 0) throw new EventError('validation_failed', 'The batch is empty');
    if (list.length > MAX_BATCH_EVENTS) {
      throw new EventError('validation_failed', `A batch holds at most ${MAX_BATCH_EVENTS} events; this one has ${list.length}`);
    }
    const valid: { index: number; event: TidingsEvent }[] = [];
    const failed: BatchSummary['failed_events'] = [];
    list.forEach((item, index) => {
      try {
        valid.push({ index, event: this.build(item) });
      } catch (error) {
        if (!(error instanceof EventError)) throw error;
        failed.push({ index, reason: error.details?.map((d) => d.message).join('; ') || error.message, details: error.details });
      }
    });
    const events: BatchSummary['events'] = [];
    if (valid.length) {
      // One statement for the whole batch; the transaction also covers looking up the originals of duplicates.
      const results = await this.db.transaction((tx) => this.registrar.registerMany(tx, valid.map(({ event }) => event)));
      results.forEach((result, i) => {
        events.push({ index: valid[i].index, id: result.event.id, deliveries: result.deliveries, duplicate: !result.created });
      });
    }
    const status = failed.length === 0 ? 'success' : valid.length === 0 ? 'failure' : 'partial_success';
    return { status, summary: { received: list.length, successful: valid.length, failed: failed.length }, failed_events: failed, events };
  }
}

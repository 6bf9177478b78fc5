import { Injectable, Optional } from '@nestjs/common';
import { currentRequestId, ErrorDetail, errorCode, GroupCommit } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { DataSource, EntityManager } from 'typeorm';
import { DeliveryAllowance } from './delivery-allowance';
import { eventClassFor } from './event-classes';
import { EventError } from './event-error';
import { eventSizeReason } from './event-size';
import { EventRegistrar, idempotencyConflict, producerOf, RegisterResult } from './event-registrar';
import { SubscriptionMatcher } from './subscription-matcher';
import { EventInput, TidingsEvent } from './tidings-event.entity';

export const MAX_BATCH_EVENTS = 1000;
/**
 * Most single-event requests one statement registers, and how many such statements run at once. Two
 * rather than four: fewer statements at once make bigger groups (the bench, 32 requests in flight:
 * about 0.18 statements per event under load), for 10–20 % less api CPU and about 20 % less
 * Postgres CPU per event (issue 13).
 */
const SINGLES_GROUP = 100;
const SINGLES_FLUSHES = 2;

type Outcome = { result: RegisterResult } | { error: unknown };

export interface BatchSummary {
  status: 'success' | 'partial_success' | 'failure';
  summary: { received: number; successful: number; failed: number };
  failed_events: { index: number; reason: string; details?: ErrorDetail[] }[];
  events: { index: number; id: string; deliveries: number; duplicate: boolean }[];
}

/** `POST /v1/events` and `/v1/events/batch`: platform events from other processes. */
@Injectable()
export class RecordApiEvents {
  private readonly singles = new GroupCommit<TidingsEvent, Outcome>((events) => this.registerGroup(events), {
    maxBatch: SINGLES_GROUP,
    maxConcurrent: SINGLES_FLUSHES,
  });

  constructor(
    private readonly db: DataSource,
    private readonly registrar: EventRegistrar,
    private readonly matcher: SubscriptionMatcher,
    private readonly config: TidingsConfig,
    @Optional() private readonly allowance?: DeliveryAllowance,
  ) {}

  /**
   * Validates one request body into a typed event (within EVENT_LIMITS: 413), or throws an EventError naming every
   * bad field. `producer` (the calling API key's id) scopes its idempotency key.
   */
  build(body: unknown, idempotencyHeader?: string, producer?: string): TidingsEvent {
    const event = this.validate(body, idempotencyHeader);
    event.producer = producer ?? null;
    return event;
  }

  private validate(body: unknown, idempotencyHeader?: string): TidingsEvent {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new EventError('validation_failed', 'The body must be a JSON object describing one event');
    }
    const tooLarge = eventSizeReason(body);
    if (tooLarge) throw new EventError('payload_too_large', tooLarge);
    const input = body as EventInput & { type?: unknown };
    const cls = eventClassFor(input.type, 'api');
    if (idempotencyHeader !== undefined) {
      if (input.idempotency_key !== undefined && input.idempotency_key !== idempotencyHeader) {
        throw new EventError('validation_failed', 'Idempotency-Key header and idempotency_key field differ', [
          { field: 'idempotency_key', message: 'idempotency_key must equal the Idempotency-Key header when both are given' },
        ]);
      }
      return cls.create({ ...input, idempotency_key: idempotencyHeader }, 'api', this.config.occurredAt);
    }
    return cls.create(input, 'api', this.config.occurredAt);
  }

  /**
   * Registers one event. Requests arriving together share one statement
   * (group commit): under load one round trip, one commit and one NOTIFY
   * serve many events, at a trickle each goes alone at once. Each event is
   * still all-or-nothing, and if a group's statement fails, its events are
   * registered again one by one, so an error belongs to its own request only.
   */
  async one(body: unknown, idempotencyHeader?: string, producer?: string): Promise<RegisterResult> {
    const event = this.build(body, idempotencyHeader, producer);
    event.requestId ??= currentRequestId();
    const outcome = await this.singles.submit(event);
    if ('error' in outcome) throw outcome.error;
    if (outcome.result.conflict) throw idempotencyConflict(event, outcome.result.event);
    return outcome.result;
  }

  private async registerGroup(group: TidingsEvent[]): Promise<Outcome[]> {
    const outcomes: (Outcome | undefined)[] = await this.takeAllowances(group);
    const events = group.filter((_, i) => outcomes[i] === undefined);
    const registered = events.length ? await this.registerAdmitted(events) : [];
    return outcomes.map((outcome) => outcome ?? registered.shift()!);
  }

  /**
   * Each single event's deliveries taken from its key's INGEST_DELIVERY_RATE_LIMIT (one count for the group):
   * the refusal of each refused one, undefined for the admitted.
   */
  private async takeAllowances(events: TidingsEvent[]): Promise<(Outcome | undefined)[]> {
    const allowance = this.allowance;
    if (!allowance) return events.map(() => undefined);
    let counts: number[];
    try {
      counts = await this.matcher.countDeliveries(this.db.manager, events);
    } catch (error) {
      return events.map(() => ({ error }));
    }
    return Promise.all(
      events.map((event, i) => allowance.take(producerOf(event), counts[i]).then(() => undefined, (error): Outcome => ({ error }))),
    );
  }

  private async registerAdmitted(events: TidingsEvent[]): Promise<Outcome[]> {
    try {
      // One statement: atomic without BEGIN/COMMIT.
      return (await this.registrar.registerMany(this.db.manager, events)).map((result) => ({ result }));
    } catch (error) {
      // Only an error some event's own data caused (nothing was written: one statement) is retried event by
      // event; anything else (Postgres away, a lost connection) is every event's answer, as it would be alone.
      if (events.length === 1 || !causedByData(error)) return events.map(() => ({ error }));
      return Promise.all(
        events.map((event) =>
          this.registrar.registerMany(this.db.manager, [event]).then(
            ([result]): Outcome => ({ result }),
            (alone): Outcome => ({ error: alone }),
          ),
        ),
      );
    }
  }

  /**
   * Each event is validated alone; the valid ones are registered together in one transaction. A repeated
   * idempotency key with a different body fails its own event only (`idempotency_conflict`).
   */
  async batch(items: unknown, producer?: string): Promise<BatchSummary> {
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
        valid.push({ index, event: this.build(item, undefined, producer) });
      } catch (error) {
        if (!(error instanceof EventError)) throw error;
        failed.push({ index, reason: error.details?.map((d) => d.message).join('; ') || error.message, details: error.details });
      }
    });
    const events: BatchSummary['events'] = [];
    if (valid.length) {
      const batch = valid.map(({ event }) => event);
      await this.checkDeliveries(batch, producer);
      // One statement for the whole batch; the transaction also covers looking up the originals of duplicates.
      const results = await this.db.transaction((tx) => this.registrar.registerMany(tx, batch));
      results.forEach((result, i) => {
        const { index, event } = valid[i];
        if (result.conflict) {
          const error = idempotencyConflict(event, result.event);
          failed.push({ index, reason: error.message, details: error.details });
        } else events.push({ index, id: result.event.id, deliveries: result.deliveries, duplicate: !result.created });
      });
      failed.sort((a, b) => a.index - b.index);
    }
    const status = failed.length === 0 ? 'success' : events.length === 0 ? 'failure' : 'partial_success';
    return { status, summary: { received: list.length, successful: events.length, failed: failed.length }, failed_events: failed, events };
  }

  /**
   * One request may not fan out into more deliveries than INGEST_DELIVERY_BUDGET (1,000 webhooks on `*`
   * would turn a 1,000-event batch into a million rows): 413. Nor may its key create more than
   * INGEST_DELIVERY_RATE_LIMIT per window with many small ones: 429. Either way nothing is written.
   * Counted before anything is written, repeats of earlier events included.
   */
  private async checkDeliveries(events: readonly TidingsEvent[], producer: string | undefined): Promise<void> {
    const budget = this.config.ingestDeliveryBudget;
    // A single event makes at most one delivery per webhook: no count needed for the budget alone.
    if (events.length === 1 && !(this.allowance && producer)) return;
    const deliveries = (await this.matcher.countDeliveries(this.db.manager, events)).reduce((sum, n) => sum + n, 0);
    if (deliveries > budget && events.length > 1) {
      throw new EventError(
        'payload_too_large',
        `This batch would create ${deliveries} deliveries; one request may create at most ${budget} (INGEST_DELIVERY_BUDGET). Send fewer events per request.`,
        [{ field: 'events', message: `would create ${deliveries} deliveries, more than ${budget}` }],
      );
    }
    if (this.allowance && producer) await this.allowance.take(producer, deliveries);
  }
}

/** A Postgres data exception (class 22) or integrity violation (class 23): a statement refused for what a row held. */
function causedByData(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}

import { Injectable, Optional } from '@nestjs/common';
import { currentRequestId, isClientType } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { TidingsMetrics } from '@tidings/metrics';
import { MatchedSubscriber, SubscriptionMatcher } from './subscription-matcher';
import { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { hydrateEvent } from './event-classes';
import { AnalyticsChannel } from './telemetry/analytics-channel';
import { ChatFormat, chatMessage } from './formats/chat-message';
import { NotificationEvent, SCOPE_COLUMNS, TidingsEvent } from './tidings-event.entity';

export interface RegisterResult<T extends TidingsEvent = TidingsEvent> {
  event: T;
  /** False when the idempotency key was seen before: `event` is then the original. */
  created: boolean;
  /** Webhook deliveries created (the analytics delivery, when telemetry is on, is not counted). */
  deliveries: number;
}

/** The channel the relay LISTENs on; notified in the registering transaction, so only on commit. */
export const OUTBOX_CHANNEL = 'tidings_outbox';

const EVENT_COLUMNS = ['id', 'type', 'occurred_at', 'idempotency_key', 'source', 'data', 'request_id', ...SCOPE_COLUMNS];

/**
 * Records an event and its outbox rows inside the caller's transaction: the
 * event row, then one pending delivery per matching enabled subscriber, each
 * with the payload snapshot of that moment, plus one analytics delivery with
 * the anonymized telemetry payload while telemetry is on. Client events go to
 * analytics only. A rollback leaves none of them.
 *
 *   await dataSource.transaction(async (tx) => {
 *     await tx.save(order);
 *     await events.register(tx, JobPipelineRunFailed.create({ project, job, pipeline_run }));
 *   });
 */
@Injectable()
export class EventRegistrar {
  constructor(
    private readonly matcher: SubscriptionMatcher,
    private readonly analytics: AnalyticsChannel,
    private readonly config: TidingsConfig,
    @Optional() private readonly metrics?: TidingsMetrics,
  ) {}

  async register<T extends TidingsEvent>(tx: EntityManager, event: T): Promise<RegisterResult<T>> {
    const values = [
      event.id,
      event.type,
      event.occurredAt,
      event.idempotencyKey,
      event.source,
      JSON.stringify(event.data),
      (event.requestId ??= currentRequestId()) ?? null,
      ...SCOPE_COLUMNS.map((column) => event[column] ?? null),
    ];
    const inserted: { recorded_at: Date }[] = await tx.query(
      `INSERT INTO events (${EVENT_COLUMNS.join(', ')})
       VALUES (${EVENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING recorded_at`,
      values,
    );
    if (inserted.length === 0) return this.original(tx, event.idempotencyKey!) as Promise<RegisterResult<T>>;
    event.recordedAt = inserted[0].recorded_at;
    this.metrics?.eventsRegistered.inc({ type: event.type, source: event.source });

    const webhooks = isClientType(event.type) ? [] : await this.matcher.match(tx, event.type, event.scope);
    const analytics = await this.analytics.subscriber();
    const subscribers = analytics ? [...webhooks, analytics] : webhooks;
    if (subscribers.length > 0) {
      const payloads = this.payloads(event, subscribers);
      // One statement: the rows, and the NOTIFY that wakes the relay when this transaction commits.
      await tx.query(
        `WITH inserted AS (
           INSERT INTO deliveries (id, event_id, event_type, subscriber_id, channel, payload, next_attempt_at)
           SELECT d.id, $1, $2, d.subscriber_id, d.channel, d.payload::jsonb, now()
             FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[]) AS d(id, subscriber_id, channel, payload)
           RETURNING 1)
         SELECT pg_notify($7, '') FROM (SELECT 1 FROM inserted LIMIT 1) AS any_row`,
        [
          event.id,
          event.type,
          subscribers.map(() => uuidv7()),
          subscribers.map((s) => s.id),
          subscribers.map((s) => (s.kind === 'analytics' ? 'analytics' : 'webhook')),
          payloads,
          OUTBOX_CHANNEL,
        ],
      );
    }
    return { event, created: true, deliveries: webhooks.length };
  }

  /** One payload per subscriber; the event part is serialised once per format. Analytics gets the telemetry payload. */
  private payloads(event: TidingsEvent, subscribers: MatchedSubscriber[]): string[] {
    const byFormat = new Map<string, string>();
    let notification: NotificationEvent | undefined;
    return subscribers.map((subscriber) => {
      if (subscriber.kind === 'analytics') return JSON.stringify(event.toTelemetryPayload(this.analytics.app));
      let body = byFormat.get(subscriber.format);
      if (body === undefined) {
        notification ??= event.toNotificationPayload();
        // Chat platforms get their own message shape; the standard format wraps the event with delivered_for.
        body = subscriber.format === 'standard' ? JSON.stringify(notification) : JSON.stringify(chatMessage(subscriber.format as ChatFormat, notification, this.config.publicUrl));
        byFormat.set(subscriber.format, body);
      }
      if (subscriber.format !== 'standard') return body;
      const deliveredFor = JSON.stringify({ id: subscriber.id, name: subscriber.name, type: subscriber.kind });
      return `{"delivered_for":${deliveredFor},"event":${body}}`;
    });
  }

  private async original(tx: EntityManager, idempotencyKey: string): Promise<RegisterResult> {
    const [row] = await tx.query(
      `SELECT e.*, (SELECT count(*)::int FROM deliveries d WHERE d.event_id = e.id AND d.channel = 'webhook') AS delivery_count
         FROM events e WHERE e.idempotency_key = $1`,
      [idempotencyKey],
    );
    return { event: hydrateEvent(row), created: false, deliveries: row.delivery_count };
  }
}

import { Injectable, Optional } from '@nestjs/common';
import { currentRequestId, isClientType } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { TidingsMetrics } from '@tidings/metrics';
import { SubscriptionMatcher } from './subscription-matcher';
import { EntityManager } from 'typeorm';
import { hydrateEvent } from './event-classes';
import { AnalyticsChannel } from './telemetry/analytics-channel';
import { ChatFormat, chatMessage } from './formats/chat-message';
import { SCOPE_COLUMNS, TidingsEvent } from './tidings-event.entity';

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

  /**
   * One statement, so one round trip (and atomic even without a transaction):
   * insert the event (or find its idempotency key taken), match subscriptions,
   * insert one delivery per match with its payload (plus the analytics one),
   * and NOTIFY the relay, which hears it when the caller's transaction commits.
   */
  async register<T extends TidingsEvent>(tx: EntityManager, event: T): Promise<RegisterResult<T>> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const eventValues = [
      event.id,
      event.type,
      event.occurredAt,
      event.idempotencyKey,
      event.source,
      JSON.stringify(event.data),
      (event.requestId ??= currentRequestId()) ?? null,
      ...SCOPE_COLUMNS.map((column) => event[column] ?? null),
    ].map(param);
    const analytics = await this.analytics.subscriber();
    const notification = event.toNotificationPayload();
    const webhooksWanted = !isClientType(event.type);
    // Payload per format, built once per event; the standard one gets delivered_for per subscriber in SQL.
    const chat = (format: ChatFormat) => param(JSON.stringify(chatMessage(format, notification, this.config.publicUrl)));
    const sql = `
      WITH new_event AS (
        INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${eventValues.join(', ')})
        ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
        RETURNING recorded_at),
      matched AS (${webhooksWanted ? this.matcher.sql(event.type, event.scope, param) : 'SELECT NULL::uuid AS id, NULL AS name, NULL AS kind, NULL AS format WHERE false'}),
      targets AS (
        SELECT m.id AS subscriber_id, 'webhook' AS channel,
               CASE m.format
                 WHEN 'slack' THEN ${webhooksWanted ? chat('slack') : 'NULL'}::jsonb
                 WHEN 'discord' THEN ${webhooksWanted ? chat('discord') : 'NULL'}::jsonb
                 WHEN 'teams' THEN ${webhooksWanted ? chat('teams') : 'NULL'}::jsonb
                 ELSE jsonb_build_object('delivered_for', jsonb_build_object('id', m.id, 'name', m.name, 'type', m.kind),
                                         'event', ${param(JSON.stringify(notification))}::jsonb)
               END AS payload
          FROM matched m WHERE EXISTS (SELECT 1 FROM new_event)
        UNION ALL
        SELECT ${param(analytics?.id ?? null)}::uuid, 'analytics',
               ${param(analytics ? JSON.stringify(event.toTelemetryPayload(this.analytics.app)) : null)}::jsonb
         WHERE ${param(analytics !== null)}::boolean AND EXISTS (SELECT 1 FROM new_event)),
      inserted AS (
        INSERT INTO deliveries (id, event_id, event_type, subscriber_id, channel, payload, next_attempt_at)
        SELECT tidings_uuid_v7(), ${eventValues[0]}::uuid, ${eventValues[1]}::text, t.subscriber_id, t.channel, t.payload, now() FROM targets t
        RETURNING channel)
      SELECT (SELECT recorded_at FROM new_event) AS recorded_at,
             (SELECT count(*) FROM inserted WHERE channel = 'webhook')::int AS webhooks,
             (SELECT count(*) FROM (SELECT pg_notify(${param(OUTBOX_CHANNEL)}, '') FROM inserted LIMIT 1) AS notified)::int AS notified`;
    const [row]: { recorded_at: Date | null; webhooks: number }[] = await tx.query(sql, params);
    if (row.recorded_at === null) return this.original(tx, event.idempotencyKey!) as Promise<RegisterResult<T>>;
    event.recordedAt = row.recorded_at;
    this.metrics?.eventsRegistered.inc({ type: event.type, source: event.source });
    return { event, created: true, deliveries: row.webhooks };
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

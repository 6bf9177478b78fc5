import { Injectable, Logger, Optional } from '@nestjs/common';
import { isEngineType, queryRows } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { DeliveryExhausted, EventRegistrar } from '@tidings/events';
import { TidingsMetrics } from '@tidings/metrics';
import { DeliverWebhookJob } from '@tidings/queue';
import { buildWebhookRequest, SecretBox, SendResult, StoredSecret, WebhookSender } from '@tidings/webhooks';
import { DataSource, EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AttemptTrigger } from './delivery.entity';
import { DisableWebhook } from './disable-webhook';
import { EndpointSlots } from './endpoint-slots';
import { OutboxRelay } from './outbox-relay';
import { parseRetryAfter, RetryPolicy } from './retry-policy';

/** A claimed delivery with what is needed to send it. */
interface DeliveryToSend {
  id: string;
  created_at: Date;
  /** The HTTP request that recorded the event, carried into this worker's log lines. */
  request_id: string | null;
  event_id: string | null;
  event_type: string;
  subscriber_id: string;
  payload: Record<string, unknown>;
  attempt_count: number;
  next_trigger: AttemptTrigger;
  name: string;
  url: string;
  secrets: StoredSecret[];
  content_type: string;
  verify_tls: boolean;
  headers: Record<string, string>;
  enabled: boolean;
  disabled_reason: string | null;
  deleted_at: Date | null;
}

const INSERT_ATTEMPT = `INSERT INTO delivery_attempts (id, delivery_id, number, trigger, started_at, duration_ms, response_status, response_headers, response_body, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

/**
 * Moves a claimed delivery on from attempt $3 (parameters continue the
 * attempt's: $12 status, $13 last error, $14 delay in ms). Guarded by status
 * and attempt count: if a cancel or a duplicate job got there first, nothing
 * changes (the attempt itself is still recorded).
 */
function settleSql(status: 'delivered' | 'pending'): string {
  return `UPDATE deliveries
             SET status = $12, attempt_count = $3, next_trigger = 'auto',
                 next_attempt_at = ${status === 'pending' ? `now() + make_interval(secs => $14::double precision / 1000)` : 'NULL'},
                 claimed_at = NULL, last_attempt_at = $5, last_response_status = $7, last_error = $13,
                 delivered_at = ${status === 'delivered' ? 'now()' : 'delivered_at'}, updated_at = now()
           WHERE id = $2 AND attempt_count = $3 - 1 AND status = 'claimed'`;
}

export type DeliverOutcome = 'delivered' | 'retrying' | 'failed' | 'cancelled' | 'skipped' | 'deferred';

/**
 * Makes one attempt of one delivery: signs (Standard Webhooks), POSTs, records
 * the attempt, then either marks the delivery delivered or lets the retry
 * policy act: the next attempt is scheduled in Postgres, or the delivery is
 * failed (the dead letter) and `tidings:delivery:exhausted` is recorded.
 * Errors are recorded, never swallowed.
 */
@Injectable()
export class DeliverWebhook {
  private readonly logger = new Logger(DeliverWebhook.name);

  constructor(
    private readonly db: DataSource,
    private readonly sender: WebhookSender,
    private readonly secrets: SecretBox,
    private readonly retry: RetryPolicy,
    private readonly events: EventRegistrar,
    private readonly disableWebhook: DisableWebhook,
    private readonly config: TidingsConfig,
    private readonly slots: EndpointSlots,
    private readonly relay: OutboxRelay,
    @Optional() private readonly metrics?: TidingsMetrics,
  ) {}

  async execute(job: DeliverWebhookJob): Promise<DeliverOutcome> {
    let outcome: DeliverOutcome = 'deferred';
    const slot = this.slots.acquire(job.subscriberId);
    if (!slot.granted) {
      await this.relay.defer(job, slot.deferMs);
    } else {
      let durationMs: number | undefined;
      try {
        ({ outcome, durationMs } = await this.attempt(job));
      } finally {
        this.slots.release(job.subscriberId, durationMs);
      }
    }
    this.metrics?.deliveries.inc({ outcome });
    return outcome;
  }

  private async attempt(job: DeliverWebhookJob): Promise<{ outcome: DeliverOutcome; durationMs?: number }> {
    const delivery = await this.start(job);
    if (!delivery) return { outcome: 'skipped' };
    if (delivery.deleted_at) return { outcome: await this.settleWithoutAttempt(delivery, 'cancelled', 'webhook deleted') };
    if (!delivery.enabled) {
      return { outcome: await this.settleWithoutAttempt(delivery, 'failed', `webhook disabled: ${delivery.disabled_reason ?? 'no reason given'}`) };
    }

    const { body, headers } = buildWebhookRequest({
      id: delivery.id,
      payload: delivery.payload,
      contentType: delivery.content_type,
      eventType: delivery.event_type,
      attempt: job.attempt,
      secrets: this.validSecrets(delivery.secrets),
      customHeaders: delivery.headers,
      version: this.config.version,
    });
    const result = await this.sender.send({ url: delivery.url, headers, body, verifyTls: delivery.verify_tls });
    const outcome = await this.record(delivery, job.attempt, result);
    this.observe(delivery, job.attempt, result, outcome);
    return { outcome, durationMs: result.durationMs };
  }

  /** One structured log line per attempt (with the request that recorded the event), and the metrics. */
  private observe(d: DeliveryToSend, attempt: number, result: SendResult, outcome: DeliverOutcome): void {
    this.metrics?.attemptDuration.observe({ result: outcome === 'delivered' ? 'success' : 'failure' }, result.durationMs / 1000);
    if (outcome === 'delivered') this.metrics?.deliveryLatency.observe((Date.now() - new Date(d.created_at).getTime()) / 1000);
    const line = {
      msg: 'webhook attempt',
      delivery_id: d.id,
      webhook_id: d.subscriber_id,
      event_id: d.event_id,
      event_type: d.event_type,
      request_id: d.request_id,
      attempt,
      trigger: d.next_trigger,
      outcome,
      response_status: result.status ?? null,
      duration_ms: result.durationMs,
      error: result.error ?? null,
    };
    if (outcome === 'delivered') this.logger.log(line);
    else this.logger.warn(line);
  }

  /**
   * Takes the delivery for this attempt and renews its claim. A stale job
   * (already attempted, cancelled, delivered) finds nothing and is skipped.
   */
  private async start(job: DeliverWebhookJob): Promise<DeliveryToSend | undefined> {
    const rows: DeliveryToSend[] = await this.db.query(
      `WITH d AS (
         UPDATE deliveries SET status = 'claimed', claimed_at = now(), updated_at = now()
          WHERE id = $1 AND attempt_count = $2
            AND (status = 'claimed' OR (status = 'pending' AND next_attempt_at <= now()))
      RETURNING id, event_id, event_type, subscriber_id, payload, attempt_count, next_trigger, created_at)
       SELECT d.*, s.name, s.url, s.secrets, s.content_type, s.verify_tls, s.headers, s.enabled, s.disabled_reason, s.deleted_at, e.request_id
         FROM d JOIN subscribers s ON s.id = d.subscriber_id
         LEFT JOIN events e ON e.id = d.event_id`,
      [job.deliveryId, job.attempt - 1],
    );
    return rows[0];
  }

  private validSecrets(stored: StoredSecret[]): string[] {
    const now = Date.now();
    return stored.filter((s) => !s.expires_at || Date.parse(s.expires_at) > now).map((s) => this.secrets.open(s.value));
  }

  /**
   * Records the attempt and moves the delivery on. The two common outcomes,
   * delivered and a retry scheduled, are one statement each (a data-modifying
   * CTE is atomic on its own): two round trips per successful delivery in all,
   * with the claim. Dead letters, 410 and disabling take a transaction.
   */
  private async record(d: DeliveryToSend, attempt: number, result: SendResult): Promise<DeliverOutcome> {
    const ok = result.status !== undefined && result.status >= 200 && result.status < 300 && !result.error;
    const lastError = ok ? null : (result.error ?? `HTTP ${result.status}`);
    const attemptValues = [
      uuidv7(),
      d.id,
      attempt,
      d.next_trigger,
      result.startedAt,
      result.durationMs,
      result.status ?? null,
      result.headers ? JSON.stringify(result.headers) : null,
      result.body ?? null,
      result.error ?? null,
    ];
    if (ok) {
      const [row] = await this.db.query(
        `WITH attempt AS (${INSERT_ATTEMPT}),
              settled AS (${settleSql('delivered')} RETURNING id),
              healthy AS (UPDATE subscribers SET failing_since = NULL WHERE id = $11 AND failing_since IS NOT NULL)
         SELECT (SELECT count(*) FROM settled)::int AS settled`,
        [...attemptValues, d.subscriber_id, 'delivered', null],
      );
      if (!row.settled) this.logger.warn(`Delivery ${d.id} changed during attempt ${attempt}; attempt recorded, status left as is`);
      return 'delivered';
    }
    const retryAfter = result.status === 429 || result.status === 503 ? parseRetryAfter(result.headers?.['retry-after']) : undefined;
    const delay = result.status === 410 || d.next_trigger === 'manual' ? null : this.retry.nextDelayMs(attempt, retryAfter);
    if (delay !== null) {
      const [row] = await this.db.query(
        `WITH attempt AS (${INSERT_ATTEMPT}),
              settled AS (${settleSql('pending')} RETURNING id),
              failing AS (UPDATE subscribers SET failing_since = COALESCE(failing_since, $5) WHERE id = $11 RETURNING failing_since)
         SELECT (SELECT count(*) FROM settled)::int AS settled, (SELECT failing_since FROM failing) AS failing_since`,
        [...attemptValues, d.subscriber_id, 'pending', lastError, delay],
      );
      if (!row.settled) this.logger.warn(`Delivery ${d.id} changed during attempt ${attempt}; attempt recorded, status left as is`);
      if (row.failing_since && Date.now() - new Date(row.failing_since).getTime() >= this.config.webhook.disableAfterMs) {
        await this.db.transaction((tx) =>
          this.disableWebhook.execute(tx, d.subscriber_id, `Failing continuously since ${new Date(row.failing_since).toISOString()}`),
        );
      }
      return 'retrying';
    }
    return this.db.transaction((tx) => this.recordTerminal(tx, d, attempt, result, lastError, attemptValues));
  }

  /** The delivery is done with, failed: the dead letter (exhausted), a manual replay that failed, or 410 Gone. */
  private async recordTerminal(
    tx: EntityManager,
    d: DeliveryToSend,
    attempt: number,
    result: SendResult,
    lastError: string | null,
    attemptValues: unknown[],
  ): Promise<DeliverOutcome> {
    await tx.query(INSERT_ATTEMPT, attemptValues);
    if (result.status === 410) {
      await this.settle(tx, d, attempt, result, 'failed', lastError);
      await this.disableWebhook.execute(tx, d.subscriber_id, 'The endpoint answered 410 Gone');
      return 'failed';
    }

    const settled = await this.settle(tx, d, attempt, result, 'failed', lastError);

    const [{ failing_since }] = await queryRows(
      tx,
      `UPDATE subscribers SET failing_since = COALESCE(failing_since, $2) WHERE id = $1 RETURNING failing_since`,
      [d.subscriber_id, result.startedAt],
    );
    if (Date.now() - new Date(failing_since).getTime() >= this.config.webhook.disableAfterMs) {
      await this.disableWebhook.execute(tx, d.subscriber_id, `Failing continuously since ${new Date(failing_since).toISOString()}`);
    }
    // A manual replay that fails is simply failed again; loops are avoided for engine events.
    if (settled && d.next_trigger === 'auto' && !isEngineType(d.event_type)) {
      await this.events.register(
        tx,
        DeliveryExhausted.create({
          webhook: { id: d.subscriber_id, name: d.name, url_host: new URL(d.url).host },
          delivery: {
            id: d.id,
            event_id: d.event_id ?? undefined,
            event_type: d.event_type,
            attempts: attempt,
            last_response_status: result.status,
            last_error: lastError ?? undefined,
          },
        }),
      );
    }
    return 'failed';
  }

  /**
   * Moves the delivery on from this attempt. Guarded by status and attempt
   * count: if a cancel or a duplicate job got there first, nothing changes
   * (the attempt itself is still recorded).
   */
  private async settle(
    tx: EntityManager,
    d: DeliveryToSend,
    attempt: number,
    result: SendResult,
    status: 'delivered' | 'failed' | 'pending',
    lastError: string | null,
    delayMs?: number,
  ): Promise<boolean> {
    const rows = await queryRows(
      tx,
      `UPDATE deliveries
          SET status = $3, attempt_count = $2, next_trigger = 'auto',
              next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $4::double precision / 1000) END,
              claimed_at = NULL, last_attempt_at = $5, last_response_status = $6, last_error = $7,
              delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END,
              updated_at = now()
        WHERE id = $1 AND attempt_count = $2 - 1 AND status = 'claimed'
    RETURNING id`,
      [d.id, attempt, status, delayMs ?? 0, result.startedAt, result.status ?? null, lastError],
    );
    if (rows.length === 0) this.logger.warn(`Delivery ${d.id} changed during attempt ${attempt}; attempt recorded, status left as is`);
    return rows.length > 0;
  }

  private async settleWithoutAttempt(d: DeliveryToSend, status: 'failed' | 'cancelled', reason: string): Promise<DeliverOutcome> {
    await this.db.query(
      `UPDATE deliveries SET status = $2, last_error = $3, claimed_at = NULL, next_attempt_at = NULL, updated_at = now()
        WHERE id = $1 AND status = 'claimed'`,
      [d.id, status, reason],
    );
    return status;
  }
}

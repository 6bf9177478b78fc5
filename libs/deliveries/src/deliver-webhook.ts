import { Injectable, Logger, Optional } from '@nestjs/common';
import { GroupCommit, isEngineType, preparedStatement, queryRows, retryOnDeadlock } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { DeliveryExhausted, EventRegistrar } from '@tidings/events';
import { TidingsMetrics } from '@tidings/metrics';
import { DeliverWebhookJob } from '@tidings/queue';
import { buildWebhookRequest, SecretBox, SendResult, StoredSecret, WebhookSender } from '@tidings/webhooks';
import { DataSource, EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AttemptSlots } from './attempt-slots';
import { attemptResultValues } from './delivery-attempt.entity';
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
 * Loads claimed deliveries for their attempts, with their webhooks: one
 * statement for a whole job. A stale job (already attempted, cancelled,
 * delivered, returned to pending) finds nothing for that delivery and skips
 * it. A claim older than a third of the lease (its job waited in Redis) is
 * renewed on the way.
 */
const START_SQL = `
  WITH job AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS j(id, attempt_count)),
  renewed AS (
    UPDATE deliveries d SET claimed_at = now()
      FROM job WHERE d.id = job.id AND d.attempt_count = job.attempt_count AND d.status = 'claimed'
       AND d.claimed_at < now() - make_interval(secs => $3::double precision / 1000))
  SELECT d.id, d.event_id, d.event_type, d.subscriber_id, d.payload, d.attempt_count, d.next_trigger, d.created_at,
         s.name, s.url, s.secrets, s.content_type, s.verify_tls, s.headers, s.enabled, s.disabled_reason, s.deleted_at, e.request_id
    FROM job
    JOIN deliveries d ON d.id = job.id AND d.attempt_count = job.attempt_count AND d.status = 'claimed'
    JOIN subscribers s ON s.id = d.subscriber_id
    LEFT JOIN events e ON e.id = d.event_id`;

/**
 * Records a group of attempts that were delivered or get a retry, in one
 * statement: every attempt row, every delivery moved on (guarded by status
 * and attempt count: if a cancel or a duplicate job got there first, that
 * delivery is left as it is, its attempt still recorded), and each webhook's
 * failure streak: cleared by a success, started by a failure (the first
 * failure after the group's last success; an earlier-started failure that is
 * recorded later moves the start back). Answers the deliveries settled and,
 * for webhooks that failed, since when they have been failing.
 */
const RECORD_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::timestamptz[], $6::int[], $7::int[],
                         $8::jsonb[], $9::text[], $10::text[], $11::text[], $12::text[], $13::float8[], $14::uuid[])
      AS i(attempt_id, delivery_id, number, trigger, started_at, duration_ms, response_status,
           response_headers, response_body, error, status, last_error, delay_ms, subscriber_id)),
  attempts AS (
    INSERT INTO delivery_attempts (id, delivery_id, number, trigger, started_at, duration_ms, response_status, response_headers, response_body, error)
    SELECT attempt_id, delivery_id, number, trigger, started_at, duration_ms, response_status, response_headers, response_body, error FROM input),
  settled AS (
    UPDATE deliveries d
       SET status = i.status, attempt_count = i.number, next_trigger = 'auto',
           next_attempt_at = CASE WHEN i.status = 'pending' THEN now() + make_interval(secs => i.delay_ms / 1000) END,
           claimed_at = NULL, last_attempt_at = i.started_at, last_response_status = i.response_status, last_error = i.last_error,
           delivered_at = CASE WHEN i.status = 'delivered' THEN now() ELSE d.delivered_at END, updated_at = now()
      FROM input i
     WHERE d.id = i.delivery_id AND d.attempt_count = i.number - 1 AND d.status = 'claimed'
    RETURNING d.id),
  last_ok AS (
    SELECT subscriber_id, max(started_at) FILTER (WHERE status = 'delivered') AS at FROM input GROUP BY subscriber_id),
  streak AS (
    SELECT o.subscriber_id, o.at IS NULL AS only_failures,
           (SELECT min(i.started_at) FROM input i
             WHERE i.subscriber_id = o.subscriber_id AND i.status = 'pending' AND (o.at IS NULL OR i.started_at > o.at)) AS failing_from
      FROM last_ok o),
  marked AS (
    UPDATE subscribers s
       SET failing_since = CASE WHEN t.only_failures THEN LEAST(s.failing_since, t.failing_from) ELSE t.failing_from END
      FROM streak t
     WHERE s.id = t.subscriber_id
       AND s.failing_since IS DISTINCT FROM (CASE WHEN t.only_failures THEN LEAST(s.failing_since, t.failing_from) ELSE t.failing_from END)
    RETURNING s.id, s.failing_since)
  SELECT (SELECT coalesce(array_agg(id), '{}') FROM settled) AS settled,
         (SELECT coalesce(json_agg(json_build_object('id', t.subscriber_id, 'failing_since', COALESCE(m.failing_since, s.failing_since))), '[]')
            FROM streak t JOIN subscribers s ON s.id = t.subscriber_id LEFT JOIN marked m ON m.id = t.subscriber_id
           WHERE t.failing_from IS NOT NULL) AS failing`;

/** An attempt that was delivered or gets a retry, waiting for its group to be written. */
interface Settlement {
  delivery: DeliveryToSend;
  attempt: number;
  result: SendResult;
  status: 'delivered' | 'pending';
  lastError: string | null;
  delayMs: number | null;
}

interface Settled {
  /** False when the delivery had changed meanwhile (a cancel, a duplicate job): the attempt is recorded, the status left. */
  settled: boolean;
  /** For a failed attempt: since when its webhook has been failing. */
  failingSince: Date | null;
}

export type DeliverOutcome = 'delivered' | 'retrying' | 'failed' | 'cancelled' | 'skipped' | 'deferred';

/** Most attempts one group-commit statement records. */
const RECORD_GROUP = 500;

/**
 * Makes the attempts of claimed deliveries: signs (Standard Webhooks), POSTs,
 * records each attempt, then either marks the delivery delivered or lets the
 * retry policy act: the next attempt is scheduled in Postgres, or the
 * delivery is failed (the dead letter) and `tidings:delivery:exhausted` is
 * recorded. Errors are recorded, never swallowed.
 *
 * Work is shared where it is per round trip, not per delivery: a job's
 * deliveries are loaded with one statement, and attempts finishing together
 * are recorded together (group commit), so under load a statement carries
 * many deliveries while at a trickle each is written at once. At most
 * WORKER_CONCURRENCY attempts are in flight (sending or being recorded), and
 * a slow endpoint holds at most its share of them (EndpointSlots).
 */
@Injectable()
export class DeliverWebhook {
  private readonly logger = new Logger(DeliverWebhook.name);
  private readonly slotsInFlight: AttemptSlots;
  /** Deliveries this process holds, from loading to recorded: a duplicate job for one of them skips it. */
  private readonly held = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  /** When an attempt last failed to be recorded (Postgres away): deliveries loaded before that are not sent. */
  private lastRecordFailure = 0;
  private readonly recorder = new GroupCommit<Settlement, Settled>((group) => this.recordGroup(group), {
    maxBatch: RECORD_GROUP,
    maxConcurrent: 1,
  });

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
  ) {
    this.slotsInFlight = new AttemptSlots(config.worker.concurrency);
  }

  /**
   * Starts the attempts of a job's deliveries and resolves once each one is
   * under way, deferred (its endpoint has its share of slots already: back to
   * Postgres, no attempt spent) or skipped; the attempts finish in the
   * background (see `drain`). After `stop`, what was not started goes back
   * to `pending` at once.
   */
  async dispatch(jobs: DeliverWebhookJob[]): Promise<void> {
    const mine = jobs.filter((job) => !this.held.has(job.deliveryId));
    for (const job of mine) this.held.add(job.deliveryId);
    const handedOver = new Set<string>();
    const back: string[] = [];
    const deferred: { job: DeliverWebhookJob; delayMs: number }[] = [];
    try {
      const rows = await this.start(mine);
      const loadedAt = Date.now();
      const loaded = new Map(rows.map((row) => [row.id, row]));
      this.count('skipped', mine.length - rows.length);
      for (const job of mine) {
        const delivery = loaded.get(job.deliveryId);
        if (!delivery) continue;
        if (delivery.deleted_at || !delivery.enabled) {
          this.count(await this.settleUnsendable(delivery));
          continue;
        }
        if (!(await this.slotsInFlight.acquire())) {
          back.push(job.deliveryId);
          continue;
        }
        if (this.lastRecordFailure >= loadedAt) {
          // An attempt could not be recorded since this one was loaded: sending it now would likely make one more
          // unrecorded (so repeated) attempt. It stays claimed and comes back when the claim's lease runs out.
          this.slotsInFlight.release();
          continue;
        }
        const slot = this.slots.acquire(job.subscriberId);
        if (!slot.granted) {
          this.slotsInFlight.release();
          deferred.push({ job, delayMs: slot.deferMs });
          continue;
        }
        handedOver.add(job.deliveryId);
        this.track(this.attemptInSlot(job, delivery));
      }
    } finally {
      for (const job of mine) if (!handedOver.has(job.deliveryId)) this.held.delete(job.deliveryId);
    }
    if (deferred.length) {
      await this.relay.deferMany(deferred);
      this.count('deferred', deferred.length);
    }
    if (back.length) await this.relay.release(back);
  }

  /** Stops starting attempts (shutdown): deliveries not yet started are handed back by `dispatch`. */
  stop(): void {
    this.slotsInFlight.close();
  }

  /** Resolves when every attempt started so far has finished and been recorded. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    await this.recorder.settled();
  }

  private track(attempt: Promise<void>): void {
    this.running.add(attempt);
    void attempt.finally(() => this.running.delete(attempt));
  }

  /** One attempt in its slots; a failure to record is logged here (the claim's lease brings the delivery back). */
  private async attemptInSlot(job: DeliverWebhookJob, delivery: DeliveryToSend): Promise<void> {
    let durationMs: number | undefined;
    try {
      const done = await this.attempt(job, delivery);
      durationMs = done.durationMs;
      this.count(done.outcome);
    } catch (error) {
      this.lastRecordFailure = Date.now();
      this.logger.error(`Attempt ${job.attempt} of delivery ${job.deliveryId} could not be recorded: ${(error as Error).message}`);
    } finally {
      this.slots.release(job.subscriberId, durationMs);
      this.slotsInFlight.release();
      this.held.delete(job.deliveryId);
    }
  }

  private count(outcome: DeliverOutcome, n = 1): void {
    if (n > 0) this.metrics?.deliveries.inc({ outcome }, n);
  }

  private async attempt(job: DeliverWebhookJob, delivery: DeliveryToSend): Promise<{ outcome: DeliverOutcome; durationMs?: number }> {
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

  private async start(jobs: DeliverWebhookJob[]): Promise<DeliveryToSend[]> {
    if (jobs.length === 0) return [];
    return retryOnDeadlock(() =>
      this.db.query(preparedStatement('tidings_start_deliveries_v1', START_SQL), [
        jobs.map((j) => j.deliveryId),
        jobs.map((j) => j.attempt - 1),
        this.config.worker.claimLeaseMs / 3,
      ]),
    );
  }

  private validSecrets(stored: StoredSecret[]): string[] {
    const now = Date.now();
    return stored.filter((s) => !s.expires_at || Date.parse(s.expires_at) > now).map((s) => this.secrets.open(s.value));
  }

  /**
   * Records the attempt and moves the delivery on. The two common outcomes,
   * delivered and a retry scheduled, go through the group commit (one
   * statement for every attempt finishing meanwhile). Dead letters, 410 and
   * disabling take a transaction of their own.
   */
  private async record(d: DeliveryToSend, attempt: number, result: SendResult): Promise<DeliverOutcome> {
    const ok = result.status !== undefined && result.status >= 200 && result.status < 300 && !result.error;
    const lastError = ok ? null : (result.error ?? `HTTP ${result.status}`);
    if (ok) {
      await this.settleInGroup({ delivery: d, attempt, result, status: 'delivered', lastError, delayMs: null });
      return 'delivered';
    }
    const retryAfter = result.status === 429 || result.status === 503 ? parseRetryAfter(result.headers?.['retry-after']) : undefined;
    const delay = result.status === 410 || d.next_trigger === 'manual' ? null : this.retry.nextDelayMs(attempt, retryAfter);
    if (delay !== null) {
      const { failingSince } = await this.settleInGroup({ delivery: d, attempt, result, status: 'pending', lastError, delayMs: delay });
      if (failingSince && Date.now() - failingSince.getTime() >= this.config.webhook.disableAfterMs) {
        await this.db.transaction((tx) =>
          this.disableWebhook.execute(tx, d.subscriber_id, `Failing continuously since ${failingSince.toISOString()}`),
        );
      }
      return 'retrying';
    }
    return this.db.transaction((tx) => this.recordTerminal(tx, d, attempt, result, lastError, this.attemptValues(d, attempt, result)));
  }

  private async settleInGroup(settlement: Settlement): Promise<Settled> {
    const settled = await this.recorder.submit(settlement);
    if (!settled.settled) {
      this.logger.warn(
        `Delivery ${settlement.delivery.id} changed during attempt ${settlement.attempt}; attempt recorded, status left as is`,
      );
    }
    return settled;
  }

  private attemptValues(d: DeliveryToSend, attempt: number, result: SendResult): unknown[] {
    return [uuidv7(), d.id, attempt, d.next_trigger, ...attemptResultValues(result)];
  }

  /** Writes a group of settlements with RECORD_SQL; one result per settlement, in order. */
  private async recordGroup(group: Settlement[]): Promise<Settled[]> {
    const column = <T>(pick: (s: Settlement) => T) => group.map(pick);
    const [row]: { settled: string[]; failing: { id: string; failing_since: string }[] }[] = await retryOnDeadlock(() =>
      this.db.query(preparedStatement('tidings_record_attempts_v1', RECORD_SQL), [
        column(() => uuidv7()),
        column((s) => s.delivery.id),
        column((s) => s.attempt),
        column((s) => s.delivery.next_trigger),
        column((s) => s.result.startedAt),
        column((s) => s.result.durationMs),
        column((s) => s.result.status ?? null),
        column((s) => (s.result.headers ? JSON.stringify(s.result.headers) : null)),
        column((s) => s.result.body ?? null),
        column((s) => s.result.error ?? null),
        column((s) => s.status),
        column((s) => s.lastError),
        column((s) => s.delayMs),
        column((s) => s.delivery.subscriber_id),
      ]),
    );
    const settled = new Set(row.settled);
    const failing = new Map(row.failing.map((f) => [f.id, new Date(f.failing_since)]));
    return group.map((s) => ({
      settled: settled.has(s.delivery.id),
      failingSince: s.status === 'pending' ? (failing.get(s.delivery.subscriber_id) ?? null) : null,
    }));
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

  /** A deleted webhook's delivery is cancelled, a disabled one's failed; no attempt is made. */
  private async settleUnsendable(d: DeliveryToSend): Promise<DeliverOutcome> {
    const [status, reason]: ['cancelled' | 'failed', string] = d.deleted_at
      ? ['cancelled', 'webhook deleted']
      : ['failed', `webhook disabled: ${d.disabled_reason ?? 'no reason given'}`];
    await this.db.query(
      `UPDATE deliveries SET status = $2, last_error = $3, claimed_at = NULL, next_attempt_at = NULL, updated_at = now()
        WHERE id = $1 AND status = 'claimed'`,
      [d.id, status, reason],
    );
    return status;
  }
}

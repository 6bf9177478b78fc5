import { Injectable, Logger, Optional } from '@nestjs/common';
import { GroupCommit, isDatabaseUnavailable, isEngineType, queryRows } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { DeliveryExhausted, EventRegistrar, hydrateEvent } from '@tidings/events';
import { TidingsMetrics } from '@tidings/metrics';
import { DeliverWebhookJob } from '@tidings/queue';
import { buildWebhookRequest, renderPayload, SecretBox, SendResult, WebhookSender } from '@tidings/webhooks';
import { DataSource, EntityManager } from 'typeorm';
import { AttemptSlots } from './attempt-slots';
import { AttemptTrigger } from './delivery.entity';
import { DisableWebhook } from './disable-webhook';
import { EndpointSlots } from './endpoint-slots';
import { OutboxRelay } from './outbox-relay';
import { parseRetryAfter, RetryPolicy } from './retry-policy';
import { failDelivery } from './store/fail-delivery';
import { recordAttempts } from './store/record-attempts';
import { renewLeases } from './store/renew-leases';
import { settleUnsendable, StartedAttempt, startAttempts } from './store/start-attempts';
import { RateDecision, WebhookRateLimiter } from './webhook-rate-limiter';

type DeliveryToSend = StartedAttempt;

/** While an attempt's result cannot be recorded (Postgres away or out of connections): first and longest wait between tries. */
const HOLD_FIRST_MS = 100;
const HOLD_MAX_MS = 2000;

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
 * An attempt is started in Postgres before it is sent (startAttempts), so
 * one delivery is never sent twice by two workers unless the first died; and
 * its result is held and recorded once Postgres takes it again (no new
 * attempt starts meanwhile), so an outage does not turn sent attempts into
 * repeated ones.
 *
 * Work is shared where it is per round trip, not per delivery: the
 * deliveries of a job that got slots are started with one statement, and attempts finishing together
 * are recorded together (group commit), so under load a statement carries
 * many deliveries while at a trickle each is written at once. At most
 * WORKER_CONCURRENCY attempts are in flight (sending or being recorded), and
 * a slow endpoint holds at most its share of them (EndpointSlots). A
 * webhook's rate_limit_per_s is applied across workers before its attempts
 * start (WebhookRateLimiter).
 */
@Injectable()
export class DeliverWebhook {
  private readonly logger = new Logger(DeliverWebhook.name);
  private readonly slotsInFlight: AttemptSlots;
  /** Deliveries this process holds, from loading to recorded: a duplicate job for one of them skips it. */
  private readonly held = new Set<string>();
  /** Attempts started and not yet recorded (delivery id → attempt number): their leases are renewed while they last. */
  private readonly inFlight = new Map<string, number>();
  private readonly leaseRenewal: NodeJS.Timeout;
  private readonly running = new Set<Promise<void>>();
  /** Attempts whose results wait for Postgres to record them; while there are any, no attempt starts. */
  private holding = 0;
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
    private readonly rateLimiter: WebhookRateLimiter,
    @Optional() private readonly metrics?: TidingsMetrics,
  ) {
    this.slotsInFlight = new AttemptSlots(config.worker.concurrency);
    // A third of the lease: two renewals can fail (a slow or absent Postgres) before another worker may take the delivery.
    this.leaseRenewal = setInterval(() => void this.renewLeases(), Math.max(1000, config.worker.claimLeaseMs / 3)).unref();
  }

  /**
   * Starts the attempts of a job's deliveries and resolves once each one is
   * under way, deferred (its endpoint has its share of slots already: back to
   * Postgres, no attempt spent), settled unsendable or skipped (stale); the
   * attempts finish in the background (see `drain`). Slots come first, then
   * one start statement for the deliveries that got them, so nothing is
   * started that then waits. After `stop`, or while results are held, what
   * was not started goes back to `pending` at once.
   */
  async dispatch(jobs: DeliverWebhookJob[]): Promise<void> {
    const mine = jobs.filter((job) => !this.held.has(job.deliveryId));
    for (const job of mine) this.held.add(job.deliveryId);
    const handedOver = new Set<string>();
    const deferred: { job: DeliverWebhookJob; delayMs: number }[] = [];
    let next = 0;
    try {
      while (next < mine.length && this.holding === 0) {
        const { granted, taken } = await this.takeSlots(mine.slice(next), deferred);
        if (taken === 0) break; // closed for shutdown
        next += taken;
        const sendAt = await this.rateLimit(granted, deferred);
        for (const [job, delivery] of await this.startGranted([...sendAt.keys()])) {
          handedOver.add(job.deliveryId);
          this.inFlight.set(job.deliveryId, job.attempt);
          this.track(this.attemptInSlot(job, delivery, sendAt.get(job)!));
        }
      }
    } finally {
      for (const job of mine) if (!handedOver.has(job.deliveryId)) this.held.delete(job.deliveryId);
    }
    if (deferred.length) {
      await this.relay.deferMany(deferred);
      this.count('deferred', deferred.length);
    }
    if (next < mine.length) await this.relay.release(mine.slice(next));
  }

  /**
   * Slots for the next jobs, in order: waits for one attempt slot, then takes
   * those free at once. A job whose endpoint has its share already is
   * deferred (its attempt slot given back). Answers the jobs that got both
   * slots and how many jobs were looked at (0: closed for shutdown).
   */
  private async takeSlots(
    jobs: DeliverWebhookJob[],
    deferred: { job: DeliverWebhookJob; delayMs: number }[],
  ): Promise<{ granted: DeliverWebhookJob[]; taken: number }> {
    const granted: DeliverWebhookJob[] = [];
    let taken = 0;
    for (const job of jobs) {
      const free = granted.length === 0 ? await this.slotsInFlight.acquire() : this.slotsInFlight.tryAcquire();
      if (!free) break;
      taken++;
      const endpoint = this.slots.acquire(job.subscriberId);
      if (endpoint.granted) {
        granted.push(job);
      } else {
        this.slotsInFlight.release();
        deferred.push({ job, delayMs: endpoint.deferMs });
      }
    }
    return { granted, taken };
  }

  /**
   * Applies rate_limit_per_s to jobs that got slots: answers the jobs to start
   * now, each with the time its request may be sent (now, or its slot in the
   * webhook's schedule a little ahead: it waits in its slots, started, so
   * that the start statement's own time does not bunch requests together);
   * the others give their slots back and are deferred (no attempt spent).
   */
  private async rateLimit(granted: DeliverWebhookJob[], deferred: { job: DeliverWebhookJob; delayMs: number }[]): Promise<Map<DeliverWebhookJob, number>> {
    let decision: RateDecision;
    try {
      decision = await this.rateLimiter.admit(granted);
    } catch (error) {
      for (const job of granted) this.releaseSlots(job);
      throw error;
    }
    for (const late of decision.deferred) {
      this.releaseSlots(late.job);
      deferred.push(late);
    }
    const now = Date.now();
    return new Map(decision.admitted.map(({ job, waitMs }) => [job, now + waitMs]));
  }

  /** Starts the granted jobs' attempts in one statement; the ones that did not start give their slots back and are settled unsendable or skipped. */
  private async startGranted(granted: DeliverWebhookJob[]): Promise<[DeliverWebhookJob, DeliveryToSend][]> {
    let rows: DeliveryToSend[];
    try {
      rows = await startAttempts(this.db, granted);
    } catch (error) {
      for (const job of granted) this.releaseSlots(job);
      throw error;
    }
    const started = new Map(rows.map((row) => [row.id, row]));
    const notStarted = granted.filter((job) => !started.has(job.deliveryId));
    for (const job of notStarted) this.releaseSlots(job);
    if (notStarted.length) {
      const unsendable = await settleUnsendable(this.db, notStarted);
      for (const { status } of unsendable) this.count(status);
      this.count('skipped', notStarted.length - unsendable.length);
    }
    return granted.filter((job) => started.has(job.deliveryId)).map((job) => [job, started.get(job.deliveryId)!]);
  }

  private releaseSlots(job: DeliverWebhookJob, durationMs?: number): void {
    this.slots.release(job.subscriberId, durationMs);
    this.slotsInFlight.release();
  }

  /** Stops starting attempts (shutdown): deliveries not yet started are handed back by `dispatch`. */
  stop(): void {
    this.slotsInFlight.close();
  }

  /** Resolves when every attempt started so far has finished and been recorded; then lease renewal stops. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    await this.recorder.settled();
    clearInterval(this.leaseRenewal);
  }

  /** Keeps the leases of the attempts in flight (see renewLeases); a failure waits for the next turn. */
  private async renewLeases(): Promise<void> {
    try {
      await renewLeases(this.db, new Map(this.inFlight));
    } catch (error) {
      this.logger.warn(`Could not renew the leases of ${this.inFlight.size} attempts in flight: ${(error as Error).message}`);
    }
  }

  private track(attempt: Promise<void>): void {
    this.running.add(attempt);
    void attempt.finally(() => this.running.delete(attempt));
  }

  /** One attempt in its slots; a failure to record is logged here (the claim's lease brings the delivery back). */
  private async attemptInSlot(job: DeliverWebhookJob, delivery: DeliveryToSend, sendAt: number): Promise<void> {
    let durationMs: number | undefined;
    try {
      const done = await this.attempt(job, delivery, sendAt);
      durationMs = done.durationMs;
      this.count(done.outcome);
    } catch (error) {
      this.logger.error(`Attempt ${job.attempt} of delivery ${job.deliveryId} could not be recorded: ${(error as Error).message}`);
    } finally {
      this.releaseSlots(job, durationMs);
      this.held.delete(job.deliveryId);
      this.inFlight.delete(job.deliveryId);
    }
  }

  /**
   * Records the attempt, holding its result while Postgres is away or out of
   * connections and trying again (backing off to HOLD_MAX_MS) until it is
   * written: an attempt that was sent is recorded, not sent again after the
   * lease. Other errors are thrown. Bounded in the end by SHUTDOWN_GRACE.
   */
  private async recordHeld(d: DeliveryToSend, attempt: number, result: SendResult): Promise<DeliverOutcome> {
    let held = false;
    try {
      for (let waitMs = HOLD_FIRST_MS; ; waitMs = Math.min(HOLD_MAX_MS, waitMs * 2)) {
        try {
          return await this.record(d, attempt, result);
        } catch (error) {
          if (!isDatabaseUnavailable(error)) throw error;
          if (!held) {
            held = true;
            this.holding++;
            this.logger.warn(`Attempt ${attempt} of delivery ${d.id} is held until Postgres can record it: ${(error as Error).message}`);
          }
          await new Promise((resolve) => setTimeout(resolve, waitMs));
        }
      }
    } finally {
      if (held) this.holding--;
    }
  }

  private count(outcome: DeliverOutcome, n = 1): void {
    if (n > 0) this.metrics?.deliveries.inc({ outcome }, n);
  }

  private async attempt(job: DeliverWebhookJob, delivery: DeliveryToSend, sendAt: number): Promise<{ outcome: DeliverOutcome; durationMs?: number }> {
    const { body, headers } = buildWebhookRequest({
      id: delivery.id,
      payload: delivery.payload ?? renderPayload(hydrateEvent(delivery.event!), { ...delivery, id: delivery.subscriber_id }, this.config.publicUrl),
      contentType: delivery.content_type,
      eventType: delivery.event_type,
      attempt: job.attempt,
      secrets: this.secrets.signingSecrets(delivery.secrets),
      customHeaders: this.secrets.openHeaders(delivery.headers),
      version: this.config.version,
    });
    // Its rate-limit slot (see rateLimit), or a later one if this process was too busy to send on time.
    await this.rateLimiter.waitForSlot(delivery.subscriber_id, sendAt);
    const result = await this.sender.send({ url: delivery.url, headers, body, verifyTls: delivery.verify_tls });
    const outcome = await this.recordHeld(delivery, job.attempt, result);
    this.observe(delivery, job.attempt, result, outcome);
    return { outcome, durationMs: result.durationMs };
  }

  /** One structured log line per attempt (with the request that recorded the event), and the metrics. */
  private observe(d: DeliveryToSend, attempt: number, result: SendResult, outcome: DeliverOutcome): void {
    this.metrics?.attemptDuration.observe({ result: outcome === 'delivered' ? 'success' : 'failure' }, result.durationMs / 1000);
    this.metrics?.observeWebhookAttempt(d.subscriber_id, outcome === 'delivered', result.durationMs / 1000);
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
      if (this.failingLongEnough(failingSince)) {
        await this.db.transaction((tx) => this.disableWebhook.ifFailingFor(tx, d.subscriber_id, this.config.webhook.disableAfterMs));
      }
      return 'retrying';
    }
    return this.db.transaction((tx) => this.recordTerminal(tx, d, attempt, result, lastError));
  }

  /** A cheap first look before DisableWebhook.ifFailingFor, which decides on the row as it stands. */
  private failingLongEnough(failingSince: Date | null): boolean {
    return failingSince !== null && Date.now() - failingSince.getTime() >= this.config.webhook.disableAfterMs;
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

  /** Writes a group of settlements in one statement; one result per settlement, in order. */
  private async recordGroup(group: Settlement[]): Promise<Settled[]> {
    const recorded = await recordAttempts(
      this.db,
      group.map((s) => ({
        deliveryId: s.delivery.id,
        subscriberId: s.delivery.subscriber_id,
        number: s.attempt,
        trigger: s.delivery.next_trigger,
        result: s.result,
        status: s.status,
        lastError: s.lastError,
        delayMs: s.delayMs,
      })),
    );
    return group.map((s) => ({
      settled: recorded.settled.has(s.delivery.id),
      failingSince: s.status === 'pending' ? (recorded.failingSince.get(s.delivery.subscriber_id) ?? null) : null,
    }));
  }

  /** The delivery is done with, failed: the dead letter (exhausted), a manual replay that failed, or 410 Gone. */
  private async recordTerminal(
    tx: EntityManager,
    d: DeliveryToSend,
    attempt: number,
    result: SendResult,
    lastError: string | null,
  ): Promise<DeliverOutcome> {
    // The webhook's row first, as the group record statement takes it (its failure streak) before the
    // statistics rollup's row: taken after the dead letter's rollup upsert, the two deadlocked.
    await tx.query(`SELECT FROM subscribers WHERE id = $1 FOR NO KEY UPDATE`, [d.subscriber_id]);
    if (result.status === 410) {
      await this.fail(tx, d, attempt, result, lastError);
      await this.disableWebhook.execute(tx, d.subscriber_id, 'The endpoint answered 410 Gone');
      return 'failed';
    }

    const settled = await this.fail(tx, d, attempt, result, lastError);

    const [{ failing_since }] = await queryRows<{ failing_since: Date }>(
      tx,
      `UPDATE subscribers SET failing_since = COALESCE(failing_since, $2) WHERE id = $1 RETURNING failing_since`,
      [d.subscriber_id, result.startedAt],
    );
    if (this.failingLongEnough(new Date(failing_since))) {
      await this.disableWebhook.ifFailingFor(tx, d.subscriber_id, this.config.webhook.disableAfterMs);
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

  /** The dead letter, with the same warning as a group settle when the delivery changed meanwhile. */
  private async fail(tx: EntityManager, d: DeliveryToSend, attempt: number, result: SendResult, lastError: string | null): Promise<boolean> {
    const failed = await failDelivery(tx, d.subscriber_id, d.id, attempt, d.next_trigger, result, lastError);
    if (!failed) this.logger.warn(`Delivery ${d.id} changed during attempt ${attempt}; attempt recorded, status left as is`);
    return failed;
  }
}

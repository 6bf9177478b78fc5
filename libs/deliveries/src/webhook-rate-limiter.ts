import { Injectable, Logger } from '@nestjs/common';
import { queryRows, within } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { DeliverWebhookJob } from '@tidings/queue';
import type { RedisClient } from 'bullmq';
import { DataSource } from 'typeorm';

/** How long a webhook's rate_limit_per_s is cached in a worker: a PATCH applies everywhere within this. */
const LIMIT_CACHE_MS = 1000;
/** While Redis cannot be asked, a rate-limited delivery is deferred by this (no attempt spent). */
const UNAVAILABLE_DEFER_MS = 1000;
/**
 * How long a reservation may take before Redis counts as unavailable (the worker's connection queues
 * commands while Redis is away); one that still runs later only leaves its slots unused.
 */
const RESERVE_TIMEOUT_MS = 1000;

/**
 * Reserves attempt times for one webhook across every worker: a GCRA (a
 * virtual schedule, `tat`, one slot every 1000/rate ms, no burst) on Redis'
 * own clock, so replicas share one schedule. Answers the reserved slots'
 * offsets from now (at most `horizon` ms ahead) and how far the schedule
 * then reaches. The key expires once its schedule is past.
 */
/** How late (in slots) an attempt may still be sent in its slot. */
const LATE_SHARE = 0.25;
/** New slots a late attempt takes at most before it is sent anyway. */
const LATE_RETRIES = 3;
const RESERVE_COMMAND = 'tidingsReserveRate';
const RESERVE_LUA = `
local rate, wanted, horizon = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local interval = 1000 / rate
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local offsets = {}
while #offsets < wanted and tat - now <= horizon do
  offsets[#offsets + 1] = math.floor(tat - now)
  tat = tat + interval
end
-- %.3f: tostring keeps 14 digits, too few for milliseconds since 1970 with a fraction.
if #offsets > 0 then redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000) end
return { offsets, math.ceil(tat - now) }`;

export interface RateDecision {
  /** Jobs whose attempt may start once `waitMs` has passed (0: now); their slot in the webhook's schedule is taken. */
  admitted: { job: DeliverWebhookJob; waitMs: number }[];
  /** Jobs to hand back to Postgres until `delayMs` from now, without an attempt: the schedule is full that far. */
  deferred: { job: DeliverWebhookJob; delayMs: number }[];
}

/**
 * `rate_limit_per_s` (DESIGN §6): a webhook's attempts per second across
 * every worker replica. Checked before an attempt starts: a delivery whose
 * slot in the webhook's shared schedule is within the next `horizon` is
 * started and its request waits for that slot (so requests are evenly
 * spaced: any one second holds at most the limit, plus one at the window's
 * edge); the rest go back to Postgres
 * (deferClaims: no attempt spent, no attempt row) until about when their
 * slot comes, so a backlog waits in Postgres and is not polled hot.
 *
 * Redis holds the schedule (keys `<QUEUE_PREFIX>:ratelimit:{<webhook>}`,
 * expiring on their own) through the BullMQ worker's own connection. While
 * Redis does not answer (within RESERVE_TIMEOUT_MS), no rate-limited delivery is attempted: each is
 * deferred by UNAVAILABLE_DEFER_MS and a WARN says so once per outage;
 * webhooks without a limit are not affected (their jobs came from Redis
 * anyway, so a worker cut off from it gets few).
 */
@Injectable()
export class WebhookRateLimiter {
  private readonly logger = new Logger(WebhookRateLimiter.name);
  private readonly limits = new Map<string, { limit: number | null; until: number }>();
  private redis?: () => Promise<RedisClient>;
  private readonly scripted = new WeakSet<RedisClient>();
  private unavailable = false;
  /** How far ahead a slot may be reserved: about two relay polls, so a limited webhook's flow has no gaps between claims. */
  readonly horizonMs: number;

  constructor(
    private readonly db: DataSource,
    private readonly config: TidingsConfig,
  ) {
    this.horizonMs = Math.min(5000, Math.max(1000, 2 * config.worker.relayIntervalMs));
  }

  /** The connection to keep schedules on (the BullMQ worker's): set by the webhook processor when it starts. */
  useRedis(client: () => Promise<RedisClient>): void {
    this.redis = client;
  }

  async admit(jobs: DeliverWebhookJob[], now = Date.now()): Promise<RateDecision> {
    const decision: RateDecision = { admitted: [], deferred: [] };
    const limited = new Map<string, DeliverWebhookJob[]>();
    const limits = await this.limitsOf(
      jobs.map((job) => job.subscriberId),
      now,
    );
    for (const job of jobs) {
      if (limits.get(job.subscriberId) == null) decision.admitted.push({ job, waitMs: 0 });
      else limited.set(job.subscriberId, [...(limited.get(job.subscriberId) ?? []), job]);
    }
    await Promise.all(
      [...limited].map(async ([subscriberId, group]) => {
        const limit = limits.get(subscriberId)!;
        const reserved = await this.reserve(subscriberId, limit, group.length);
        if (!reserved) {
          for (const job of group) decision.deferred.push({ job, delayMs: UNAVAILABLE_DEFER_MS });
          return;
        }
        group.forEach((job, i) => {
          if (i < reserved.offsets.length) decision.admitted.push({ job, waitMs: reserved.offsets[i] });
          // Spread over the slots after the reserved ones, so that they do not all come back at once.
          else decision.deferred.push({ job, delayMs: reserved.reachMs + ((i - reserved.offsets.length) * 1000) / limit });
        });
      }),
    );
    return decision;
  }

  /**
   * Waits until `sendAt`, the attempt's slot. A process too busy to send
   * within a quarter of a slot of it (a stalled event loop, a slow start statement)
   * takes a new slot rather than sending late, which would bunch its request
   * with the next slot's; after a few tries, or while Redis does not answer,
   * it sends (the attempt has started).
   */
  async waitForSlot(subscriberId: string, sendAt: number): Promise<void> {
    const limit = this.limits.get(subscriberId)?.limit;
    for (let tries = 0; ; tries++) {
      if (sendAt > Date.now()) await new Promise((resolve) => setTimeout(resolve, sendAt - Date.now()));
      if (!limit || tries === LATE_RETRIES || Date.now() - sendAt <= LATE_SHARE * (1000 / limit)) return;
      const reserved = await this.reserve(subscriberId, limit, 1);
      if (!reserved) return;
      sendAt = Date.now() + (reserved.offsets.length ? reserved.offsets[0] : reserved.reachMs);
    }
  }

  private async reserve(subscriberId: string, limit: number, wanted: number): Promise<{ offsets: number[]; reachMs: number } | null> {
    try {
      const [offsets, reachMs] = await within(this.reserveOn(subscriberId, limit, wanted), RESERVE_TIMEOUT_MS, 'Redis');
      if (this.unavailable) this.logger.warn('Redis answers again: rate-limited webhooks are delivered again');
      this.unavailable = false;
      return { offsets, reachMs };
    } catch (error) {
      if (!this.unavailable) {
        this.logger.warn(
          `Rate-limited webhooks wait: their schedule is kept in Redis (${(error as Error).message}); deliveries are deferred, no attempt spent`,
        );
      }
      this.unavailable = true;
      return null;
    }
  }

  private async reserveOn(subscriberId: string, limit: number, wanted: number): Promise<[number[], number]> {
    if (!this.redis) throw new Error('no Redis connection given to the rate limiter');
    const client = await this.redis();
    if (!this.scripted.has(client)) {
      client.defineCommand(RESERVE_COMMAND, { numberOfKeys: 1, lua: RESERVE_LUA });
      this.scripted.add(client);
    }
    const key = `${this.config.queuePrefix}:ratelimit:{${subscriberId}}`;
    return client.runCommand(RESERVE_COMMAND, [key, limit, wanted, this.horizonMs]);
  }

  /** Each webhook's limit, from a cache refreshed with one query for the webhooks not looked up within LIMIT_CACHE_MS. */
  private async limitsOf(subscriberIds: string[], now: number): Promise<Map<string, number | null>> {
    const stale = [...new Set(subscriberIds)].filter((id) => (this.limits.get(id)?.until ?? 0) <= now);
    if (stale.length) {
      const rows = await queryRows<{ id: string; rate_limit_per_s: number | null }>(
        this.db,
        `SELECT id, rate_limit_per_s FROM subscribers WHERE id = ANY($1::uuid[])`,
        [stale],
      );
      const found = new Map(rows.map((row) => [row.id, row.rate_limit_per_s]));
      if (this.limits.size > 10_000) this.limits.clear();
      for (const id of stale) this.limits.set(id, { limit: found.get(id) ?? null, until: now + LIMIT_CACHE_MS });
    }
    return new Map(subscriberIds.map((id) => [id, this.limits.get(id)?.limit ?? null]));
  }
}

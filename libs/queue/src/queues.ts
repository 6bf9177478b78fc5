import { createHash } from 'node:crypto';

/*
 * Queue and job names are constants that are never renamed: jobs already in
 * Redis refer to them. Each job name maps to its payload type.
 */
export const QUEUE = {
  webhooks: 'webhook-deliveries',
} as const;

export const JOB = {
  /** One delivery per job: what relays before batching enqueued; still processed, so an upgrade loses nothing. */
  deliverWebhook: 'deliver-webhook',
  deliverWebhooks: 'deliver-webhooks',
} as const;

/** Jobs of the webhook queue. */
export interface JobPayloads {
  [JOB.deliverWebhook]: DeliverWebhookJob;
  [JOB.deliverWebhooks]: DeliverWebhooksJob;
}

export interface DeliverWebhookJob {
  deliveryId: string;
  /** Lets the worker hold back attempts to an endpoint that already has its share of slots, before any query. */
  subscriberId: string;
  /** The attempt this job makes (1-based); a stale duplicate finds another count and does nothing. */
  attempt: number;
}

/**
 * Claimed deliveries relayed together (one to a few dozen): one job, one
 * query to load them, their attempts recorded in groups. Each is still
 * attempted, recorded and retried on its own.
 */
export interface DeliverWebhooksJob {
  deliveries: DeliverWebhookJob[];
}

/**
 * Deterministic: the relay may enqueue the same claims twice (after a lease
 * expiry) and BullMQ keeps one. A single delivery keeps the `<delivery>.<attempt>`
 * id it always had.
 */
export function deliverWebhooksJobId(job: DeliverWebhooksJob): string {
  const keys = job.deliveries.map((d) => `${d.deliveryId}.${d.attempt}`);
  if (keys.length === 1) return keys[0];
  return `batch.${createHash('sha256').update(keys.join(',')).digest('hex').slice(0, 40)}`;
}

/**
 * How webhook jobs are shaped for WORKER_CONCURRENCY attempts in flight: two
 * job slots (a job only loads its deliveries and starts their attempts, so
 * it is short), each job at most half the attempt slots, so the
 * deliveries a worker has loaded but not started stay within about one
 * round of attempts.
 */
export function webhookJobShape(concurrency: number): { jobs: number; maxPerJob: number } {
  const jobs = Math.min(2, concurrency);
  return { jobs, maxPerJob: Math.max(1, Math.floor(concurrency / jobs)) };
}

/**
 * Splits claimed deliveries into as few jobs as `maxPerJob` allows, evenly
 * sized. A job starts all its attempts at once, so a bigger job delays none
 * of them; fewer jobs are fewer round trips to Redis and Postgres.
 */
export function chunkDeliveries(deliveries: DeliverWebhookJob[], maxPerJob: number): DeliverWebhooksJob[] {
  const count = Math.ceil(deliveries.length / Math.max(1, maxPerJob));
  const size = Math.ceil(deliveries.length / Math.max(1, count));
  const chunks: DeliverWebhooksJob[] = [];
  for (let i = 0; i < deliveries.length; i += size) chunks.push({ deliveries: deliveries.slice(i, i + size) });
  return chunks;
}

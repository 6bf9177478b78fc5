import { createHash } from 'node:crypto';

/*
 * Queue and job names are constants that are never renamed: jobs already in
 * Redis refer to them. Each job name maps to its payload type.
 */
export const QUEUE = {
  webhooks: 'webhook-deliveries',
  analytics: 'analytics-deliveries',
} as const;

export const JOB = {
  deliverWebhook: 'deliver-webhook',
  sendAnalyticsBatch: 'send-analytics-batch',
} as const;

/** Jobs of the webhook queue. */
export interface JobPayloads {
  [JOB.deliverWebhook]: DeliverWebhookJob;
}

/** Jobs of the analytics queue (its own queue and workers: analytics never holds up webhooks). */
export interface AnalyticsJobPayloads {
  [JOB.sendAnalyticsBatch]: SendAnalyticsBatchJob;
}

export interface DeliverWebhookJob {
  deliveryId: string;
  /** Lets the worker hold back attempts to an endpoint that already has its share of slots, before any query. */
  subscriberId: string;
  /** The attempt this job makes (1-based); a stale duplicate finds another count and does nothing. */
  attempt: number;
}

/** Deterministic: the relay may enqueue the same attempt twice (after a lease expiry) and BullMQ keeps one. */
export function deliverWebhookJobId(job: DeliverWebhookJob): string {
  return `${job.deliveryId}.${job.attempt}`;
}

/** Up to 100 claimed analytics deliveries sent in one request; each with the attempt this job makes. */
export interface SendAnalyticsBatchJob {
  deliveries: { id: string; attempt: number }[];
}

/** Deterministic: the same claimed batch enqueued twice is one job (ids and attempts hashed; BullMQ ids may not hold ':'). */
export function analyticsBatchJobId(job: SendAnalyticsBatchJob): string {
  return `analytics.${createHash('sha256')
    .update(job.deliveries.map((d) => `${d.id}.${d.attempt}`).join(','))
    .digest('hex')
    .slice(0, 40)}`;
}

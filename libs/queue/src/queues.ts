/*
 * Queue and job names are constants that are never renamed: jobs already in
 * Redis refer to them. Each job name maps to its payload type.
 */
export const QUEUE = {
  webhooks: 'webhook-deliveries',
} as const;

export const JOB = {
  deliverWebhook: 'deliver-webhook',
} as const;

export interface JobPayloads {
  [JOB.deliverWebhook]: DeliverWebhookJob;
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

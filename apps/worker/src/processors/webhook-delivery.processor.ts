import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { DeliverWebhook, WebhookRateLimiter } from '@tidings/deliveries';
import { JOB, JobPayloads, QUEUE, webhookJobShape } from '@tidings/queue';
import { Job } from 'bullmq';

type Handlers = { [Name in keyof JobPayloads]: (data: JobPayloads[Name]) => Promise<unknown> };

/**
 * Translates BullMQ jobs to use-cases; retries live in Postgres, so BullMQ
 * makes one try per job. A job loads its claimed deliveries and starts their
 * attempts, which finish in the background (DeliverWebhook bounds them by
 * WORKER_CONCURRENCY); so jobs are short, a few job slots suffice, and a slow
 * endpoint never holds a job slot. A delivery whose worker died mid-attempt
 * comes back when its claim's lease runs out (DELIVERY_CLAIM_LEASE).
 */
@Processor(QUEUE.webhooks, { lockDuration: 10_000, stalledInterval: 5_000 })
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  /** Typed: a job name without a handler (or with two) does not compile. */
  private readonly handlers: Handlers;

  constructor(
    private readonly deliver: DeliverWebhook,
    private readonly config: TidingsConfig,
    private readonly rateLimiter: WebhookRateLimiter,
  ) {
    super();
    this.handlers = {
      [JOB.deliverWebhooks]: (data) => deliver.dispatch(data.deliveries),
      [JOB.deliverWebhook]: (data) => deliver.dispatch([data]),
    };
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = webhookJobShape(this.config.worker.concurrency).jobs;
    // Rate limits are kept on this worker's own Redis connection (not its blocking one).
    this.rateLimiter.useRedis(() => this.worker.client);
  }

  /**
   * Drain on shutdown, first: Nest runs every module's destroy hook before any
   * shutdown hook, and the HTTP agents, database pool and Redis connections
   * close in shutdown hooks. No new attempt starts (deliveries loaded but not
   * started go back to pending at once); attempts in flight finish and are
   * recorded. The whole drain is bounded by SHUTDOWN_GRACE (see armShutdownDeadline).
   */
  async onModuleDestroy(): Promise<void> {
    this.deliver.stop();
    await this.worker.close();
    await this.deliver.drain();
  }

  async process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as keyof JobPayloads] as ((data: unknown) => Promise<unknown>) | undefined;
    if (!handler) throw new Error(`No handler for job ${job.name} on ${QUEUE.webhooks}`);
    return handler(job.data);
  }
}

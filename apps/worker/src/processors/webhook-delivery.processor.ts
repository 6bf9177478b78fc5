import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { DeliverWebhook } from '@tidings/deliveries';
import { JOB, JobPayloads, QUEUE } from '@tidings/queue';
import { Job } from 'bullmq';

type Handlers = { [Name in keyof JobPayloads]: (data: JobPayloads[Name]) => Promise<unknown> };

/**
 * Translates BullMQ jobs to use-cases; retries live in Postgres, so BullMQ
 * makes one try per job. The job lock is short (BullMQ renews it while the
 * job runs): a job held by a killed worker is back in the queue within
 * seconds, and its deterministic id would otherwise block the relay's
 * re-enqueue until then.
 */
@Processor(QUEUE.webhooks, { lockDuration: 10_000, stalledInterval: 5_000 })
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  /** Typed: a job name without a handler (or with two) does not compile. */
  private readonly handlers: Handlers;

  constructor(
    deliver: DeliverWebhook,
    private readonly config: TidingsConfig,
  ) {
    super();
    this.handlers = { [JOB.deliverWebhook]: (data) => deliver.execute(data) };
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.worker.concurrency;
  }

  /**
   * Drain on shutdown, first: Nest runs every module's destroy hook before any
   * shutdown hook, and the HTTP agents, database pool and Redis connections
   * close in shutdown hooks. Attempts in flight finish and are recorded; the
   * whole drain is bounded by SHUTDOWN_GRACE (see armShutdownDeadline).
   */
  async onModuleDestroy(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as keyof JobPayloads];
    if (!handler) throw new Error(`No handler for job ${job.name} on ${QUEUE.webhooks}`);
    return handler(job.data);
  }
}

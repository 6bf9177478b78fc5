import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnModuleDestroy } from '@nestjs/common';
import { DeliverAnalyticsBatch } from '@tidings/deliveries';
import { AnalyticsJobPayloads, JOB, QUEUE } from '@tidings/queue';
import { Job } from 'bullmq';
import { RelayLoop } from '../relay/relay-loop';

/** Batches sent at once per worker process: telemetry takes a small, fixed share, never the webhooks' slots. */
export const ANALYTICS_CONCURRENCY = 2;

type Handlers = { [Name in keyof AnalyticsJobPayloads]: (data: AnalyticsJobPayloads[Name]) => Promise<unknown> };

/**
 * Sends telemetry batches (the analytics queue, apart from webhooks). Retries
 * live in Postgres, so BullMQ makes one try per job. On shutdown a request in
 * flight is aborted rather than awaited: it is recorded as a failed attempt
 * and sent again later, so a hanging analytics backend never delays a stop.
 */
@Processor(QUEUE.analytics, { concurrency: ANALYTICS_CONCURRENCY, lockDuration: 10_000, stalledInterval: 5_000 })
export class AnalyticsBatchProcessor extends WorkerHost implements OnModuleDestroy {
  private readonly handlers: Handlers;
  private readonly shutdown = new AbortController();

  constructor(
    deliver: DeliverAnalyticsBatch,
    private readonly loop: RelayLoop,
  ) {
    super();
    this.handlers = { [JOB.sendAnalyticsBatch]: (data) => deliver.execute(data, this.shutdown.signal) };
  }

  async onModuleDestroy(): Promise<void> {
    this.shutdown.abort();
    await this.worker.close();
  }

  async process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as keyof AnalyticsJobPayloads];
    if (!handler) throw new Error(`No handler for job ${job.name} on ${QUEUE.analytics}`);
    try {
      return await handler(job.data);
    } finally {
      // A slot is free: let the relay claim the next batch now if more are due.
      this.loop.poke();
    }
  }
}

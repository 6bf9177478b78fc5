import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { OutboxRelay } from '@tidings/deliveries';
import { TidingsMetrics } from '@tidings/metrics';
import { deliverWebhookJobId, JOB, QUEUE, redisOptions } from '@tidings/queue';
import { Queue } from 'bullmq';
import { OutboxListener } from './outbox-listener';

const ENQUEUE_TIMEOUT_MS = 5000;
const QUEUE_FULL_PAUSE_MS = 25;

/** `more`: a full batch was relayed, go again; `queue-full`: wait for workers; `idle`: nothing due. */
type RelayPass = 'more' | 'queue-full' | 'idle';

/**
 * The only place that enqueues: claims due deliveries from Postgres in
 * batches and adds one BullMQ job per delivery attempt, with a deterministic
 * job id. Woken by NOTIFY on commit, and polls as a safety net. When Redis
 * refuses, the claims go straight back to `pending`; Redis can always be
 * rebuilt from Postgres.
 */
@Injectable()
export class RelayLoop implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(RelayLoop.name);
  private queue: Queue;
  private stopping = false;
  private running?: Promise<void>;
  private wake: () => void = () => undefined;
  private woken = false;
  private lastWarning = 0;

  constructor(
    private readonly relay: OutboxRelay,
    private readonly listener: OutboxListener,
    private readonly config: TidingsConfig,
    private readonly metrics: TidingsMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.queue = new Queue(QUEUE.webhooks, { connection: redisOptions(this.config.redisUrl, 'producer'), prefix: this.config.queuePrefix });
    this.queue.on('error', () => undefined);
    this.metrics.addCollector(async () => {
      const counts = await withTimeout(this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'), 1000);
      for (const [state, n] of Object.entries(counts)) this.metrics.queueDepth.set({ queue: QUEUE.webhooks, state }, n);
    });
    this.listener.start(() => this.poke());
    this.running = this.run();
  }

  /** Ask for a relay pass now (a commit happened, claims were released). */
  poke(): void {
    this.woken = true;
    this.wake();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let pass: RelayPass = 'idle';
      try {
        pass = await this.relayOnce();
      } catch (error) {
        this.warn(`relay pass failed: ${(error as Error).message}`);
      }
      if (pass === 'more') continue;
      await this.sleep(pass === 'queue-full' ? QUEUE_FULL_PAUSE_MS : this.config.worker.relayIntervalMs);
    }
  }

  /** One pass: claim a batch and enqueue it. */
  async relayOnce(): Promise<RelayPass> {
    const client = await this.queue.client;
    if (client.status !== 'ready') return 'idle';
    // Backpressure: claim only what the workers can start soon, so no job waits in Redis past its claim lease.
    const room = this.maxQueued() - (await this.queue.getWaitingCount());
    if (room <= 0) return 'queue-full';
    const wanted = Math.min(room, this.config.worker.relayBatchSize);
    const jobs = await this.relay.claimDue(wanted);
    if (jobs.length === 0) return 'idle';
    try {
      await withTimeout(
        this.queue.addBulk(
          jobs.map((data) => ({
            name: JOB.deliverWebhook,
            data,
            opts: { jobId: deliverWebhookJobId(data), attempts: 1, removeOnComplete: true, removeOnFail: true },
          })),
        ),
        ENQUEUE_TIMEOUT_MS,
      );
    } catch (error) {
      await this.relay.release(jobs.map((j) => j.deliveryId));
      throw error;
    }
    return jobs.length === wanted ? 'more' : 'idle';
  }

  private maxQueued(): number {
    return Math.max(this.config.worker.relayBatchSize, this.config.worker.concurrency * 4);
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.woken = false;
        done();
      };
    });
  }

  private warn(message: string): void {
    if (Date.now() - this.lastWarning > 10_000) {
      this.lastWarning = Date.now();
      this.logger.warn(message);
    }
  }

  /** Stop claiming as soon as shutdown starts, so nothing new is claimed while the worker drains. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`queue did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

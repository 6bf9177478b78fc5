import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { WakeableSleep, within } from '@tidings/common';
import { TidingsConfig } from '@tidings/config';
import { OutboxRelay } from '@tidings/deliveries';
import { TidingsMetrics } from '@tidings/metrics';
import { chunkDeliveries, deliverWebhooksJobId, JOB, QUEUE, QueueConnection, webhookJobShape } from '@tidings/queue';
import { Queue } from 'bullmq';
import { OutboxListener } from './outbox-listener';

const ENQUEUE_TIMEOUT_MS = 5000;
const QUEUE_FULL_PAUSE_MS = 25;
/** How long a reading of the waiting jobs serves, while it shows room (not one Redis call per commit). */
const WAITING_READ_MS = 50;

/** `more`: a full batch was relayed, go again; `queue-full`: wait for workers; `idle`: nothing due. */
type RelayPass = 'more' | 'queue-full' | 'idle';

/**
 * The only place that enqueues: claims due deliveries from Postgres in
 * batches and adds BullMQ jobs of one to a few dozen delivery attempts, with
 * deterministic job ids. Woken by NOTIFY on commit, and polls as a safety net. When Redis
 * refuses, the claims go straight back to `pending`; Redis can always be
 * rebuilt from Postgres. (Telemetry is not relayed: libs/telemetry exports it
 * from the event log on a timer of its own.)
 */
@Injectable()
export class RelayLoop implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(RelayLoop.name);
  private queue: Queue;
  /** Its own (fail-fast) connection: a producer must not block on an absent Redis as the worker's may. */
  private connection?: QueueConnection;
  private stopping = false;
  private running?: Promise<void>;
  private readonly pause = new WakeableSleep();
  private lastWarning = 0;
  /** Deliveries per webhook job lately (a moving average), to count what waiting jobs hold. */
  private jobSize = 1;
  /** Waiting webhook jobs when last read from Redis, and jobs added since. */
  private waiting = { read: 0, added: 0 };
  private waitingReadAt = 0;

  constructor(
    private readonly relay: OutboxRelay,
    private readonly listener: OutboxListener,
    private readonly config: TidingsConfig,
    private readonly metrics: TidingsMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const connection = (this.connection = new QueueConnection(this.config, 'producer'));
    this.queue = new Queue(QUEUE.webhooks, { connection: connection.connection, prefix: connection.prefix });
    this.queue.on('error', () => undefined);
    this.metrics.addCollector(async () => {
      const counts = await within(this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'), 1000, 'the queue');
      for (const [state, n] of Object.entries(counts)) this.metrics.queueDepth.set({ queue: QUEUE.webhooks, state }, n);
    });
    this.listener.start(() => this.poke());
    this.running = this.run();
  }

  /** Ask for a relay pass now (a commit happened, claims were released). */
  poke(): void {
    // Sleeping: wake now. Mid-pass: the next sleep returns at once (a commit is never missed).
    this.pause.wake();
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
      await this.pause.sleep(pass === 'queue-full' ? QUEUE_FULL_PAUSE_MS : this.config.worker.relayIntervalMs);
    }
  }

  /** One pass: claim a batch and enqueue it, in jobs of up to a few dozen deliveries (see webhookJobShape). */
  async relayOnce(): Promise<RelayPass> {
    const client = await this.queue.client;
    if (client.status !== 'ready') return 'idle';
    // Backpressure: claim only what the workers can start soon, so no job waits in Redis past its claim lease.
    // Waiting jobs are taken to hold as many deliveries as the recent ones did.
    const shape = webhookJobShape(this.config.worker.concurrency);
    // Under a backlog, wait until half the room is free, then claim it in one go: full jobs, fewer passes.
    const enough = this.maxQueued() / 2;
    let room = this.maxQueued() - Math.ceil(this.waitingEstimate() * this.jobSize);
    if (room < enough || Date.now() - this.waitingReadAt >= WAITING_READ_MS) {
      this.waiting = { read: await this.queue.getWaitingCount(), added: 0 };
      this.waitingReadAt = Date.now();
      room = this.maxQueued() - Math.ceil(this.waitingEstimate() * this.jobSize);
      if (room < enough) return 'queue-full';
    }
    const wanted = Math.min(room, this.config.worker.relayBatchSize);
    const { jobs: claimed, parked } = await this.relay.claimDue(wanted, this.config.worker.claimLeaseMs);
    // A batch filled by parking (deliveries waiting behind their key's head) is a full pass too: more may be due.
    if (claimed.length === 0) return parked === wanted ? 'more' : 'idle';
    const jobs = chunkDeliveries(claimed, shape.maxPerJob);
    this.jobSize = this.jobSize * 0.8 + (claimed.length / jobs.length) * 0.2;
    this.waiting.added += jobs.length;
    try {
      await within(
        this.queue.addBulk(
          jobs.map((data) => ({
            name: JOB.deliverWebhooks,
            data,
            opts: { jobId: deliverWebhooksJobId(data), attempts: 1, removeOnComplete: true, removeOnFail: true },
          })),
        ),
        ENQUEUE_TIMEOUT_MS,
        'the queue',
      );
    } catch (error) {
      await this.relay.release(claimed);
      throw error;
    }
    return claimed.length + parked === wanted ? 'more' : 'idle';
  }

  /**
   * Waiting jobs as last read plus those added since: an overestimate (it
   * ignores what workers took meanwhile), so it is only trusted while it
   * leaves room; otherwise, or once WAITING_READ_MS old, Redis is asked again.
   */
  private waitingEstimate(): number {
    return this.waiting.read + this.waiting.added;
  }

  private maxQueued(): number {
    return Math.max(this.config.worker.relayBatchSize, this.config.worker.concurrency * 4);
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
    this.pause.wake();
    await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close().catch(() => undefined);
    await this.connection?.close();
  }
}

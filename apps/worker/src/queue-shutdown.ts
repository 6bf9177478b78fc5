import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { QUEUE, QueueConnection } from '@tidings/queue';
import { Queue } from 'bullmq';
import { WebhookDeliveryProcessor } from './processors/webhook-delivery.processor';

/**
 * Closes the connection BullMQ's queue and worker share (a Redis Cluster
 * client; nothing to do for a server or Sentinel, whose connections BullMQ
 * owns) after both have closed. Nest runs the root module's shutdown hooks
 * before those of the modules it imports, so @nestjs/bullmq would close its
 * queue only after this hook: closing them here first (both closes are
 * idempotent) keeps their last commands off a closed connection.
 */
@Injectable()
export class QueueShutdown implements OnApplicationShutdown {
  constructor(
    private readonly connection: QueueConnection,
    private readonly processor: WebhookDeliveryProcessor,
    @InjectQueue(QUEUE.webhooks) private readonly queue: Queue,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    // The processor's destroy hook already closed its worker (it drains attempts in flight first).
    await this.processor.worker.close();
    await this.queue.close();
    await this.connection.close();
  }
}

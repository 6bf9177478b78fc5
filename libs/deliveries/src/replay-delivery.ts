import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryError } from './delivery-error';
import { replaySettled } from './store/replay-settled';

/**
 * Admin replay of one delivery that is not pending (failed, delivered or
 * cancelled): one manual attempt, same delivery id and so the same
 * `webhook-id`. If that attempt fails the delivery is failed again.
 */
@Injectable()
export class ReplayDelivery {
  constructor(private readonly db: DataSource) {}

  async execute(deliveryId: string): Promise<{ id: string; status: 'pending' }> {
    const replay = await replaySettled(this.db, deliveryId);
    switch (replay.outcome) {
      case 'replayed':
        return { id: deliveryId, status: 'pending' };
      case 'not_found':
        throw new DeliveryError('not_found', `No delivery ${deliveryId}`);
      case 'not_settled':
        throw new DeliveryError('conflict', `Delivery ${deliveryId} is ${replay.status}; only a settled delivery can be replayed`);
      case 'webhook_deleted':
        throw new DeliveryError('conflict', 'Its webhook was deleted');
      case 'webhook_disabled':
        throw new DeliveryError('conflict', 'Its webhook is disabled; enable it (PATCH enabled: true) first');
    }
  }
}

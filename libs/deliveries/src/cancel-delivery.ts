import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryError } from './delivery-error';
import { cancelPending } from './store/cancel-pending';

/** Cancels a delivery that has not settled yet (pending, or claimed and about to be attempted). */
@Injectable()
export class CancelDelivery {
  constructor(private readonly db: DataSource) {}

  async execute(deliveryId: string): Promise<{ id: string; status: 'cancelled' }> {
    const cancel = await cancelPending(this.db, deliveryId);
    if (cancel.outcome === 'not_found') throw new DeliveryError('not_found', `No delivery ${deliveryId}`);
    if (cancel.outcome === 'settled') throw new DeliveryError('conflict', `Delivery ${deliveryId} is already ${cancel.status}`);
    return { id: deliveryId, status: 'cancelled' };
  }
}

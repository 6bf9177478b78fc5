import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The statuses the API shows and filters on; `claimed` is a pending delivery leased by a worker (not stored as such). */
export const DELIVERY_STATUSES = ['pending', 'claimed', 'delivered', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type AttemptTrigger = 'auto' | 'manual';

/** One event for one subscriber: the outbox row. Its id is the `webhook-id` on every attempt. */
@Entity('deliveries')
export class Delivery {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'event_id', nullable: true }) eventId: string | null;
  @Column('text', { name: 'event_type' }) eventType: string;
  @Column('uuid', { name: 'subscriber_id' }) subscriberId: string;
  /** Null since v2 (the body is rendered when sent); set on rows written before. */
  @Column('jsonb', { nullable: true }) payload: Record<string, unknown> | null;
  @Column('text') status: DeliveryStatus;
  @Column('text', { name: 'next_trigger' }) nextTrigger: AttemptTrigger;
  @Column('int', { name: 'attempt_count' }) attemptCount: number;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt: Date | null;
  @Column('timestamptz', { name: 'claimed_at', nullable: true }) claimedAt: Date | null;
  @Column('timestamptz', { name: 'last_attempt_at', nullable: true }) lastAttemptAt: Date | null;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt: Date | null;
  @Column('int', { name: 'last_response_status', nullable: true }) lastResponseStatus: number | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

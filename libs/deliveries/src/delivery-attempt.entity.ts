import { SendResult } from '@tidings/webhooks';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AttemptTrigger } from './delivery.entity';

/** Every attempt is kept: what was answered, how long it took, or what went wrong. */
@Entity('delivery_attempts')
export class DeliveryAttempt {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'delivery_id' }) deliveryId: string;
  @Column('int') number: number;
  @Column('text') trigger: AttemptTrigger;
  @Column('timestamptz', { name: 'started_at' }) startedAt: Date;
  @Column('int', { name: 'duration_ms' }) durationMs: number;
  @Column('int', { name: 'response_status', nullable: true }) responseStatus: number | null;
  @Column('jsonb', { name: 'response_headers', nullable: true }) responseHeaders: Record<string, string> | null;
  @Column('text', { name: 'response_body', nullable: true }) responseBody: string | null;
  @Column('text', { nullable: true }) error: string | null;
}

/**
 * What an attempt's row records of its result, in the column order
 * started_at, duration_ms, response_status, response_headers, response_body, error.
 */
export function attemptResultValues(result: SendResult): unknown[] {
  return [
    result.startedAt,
    result.durationMs,
    result.status ?? null,
    result.headers ? JSON.stringify(result.headers) : null,
    result.body ?? null,
    result.error ?? null,
  ];
}

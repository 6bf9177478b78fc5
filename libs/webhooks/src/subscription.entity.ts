import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `eventType` is an exact name, a prefix wildcard (`project:one-off-job:*`) or `*`; the filters narrow it. */
@Entity('subscriptions')
export class Subscription {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'subscriber_id' }) subscriberId: string;
  @Column('text', { name: 'event_type' }) eventType: string;
  @Column('uuid', { name: 'project_uuid', nullable: true }) projectUuid: string | null;
  @Column('uuid', { name: 'job_uuid', nullable: true }) jobUuid: string | null;
  @Column('text', { name: 'pipeline_key', nullable: true }) pipelineKey: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

import { ChildEntity, Column, Entity, PrimaryColumn, TableInheritance } from 'typeorm';

export const WEBHOOK_CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded'] as const;
export type WebhookContentType = (typeof WEBHOOK_CONTENT_TYPES)[number];
export const WEBHOOK_FORMATS = ['standard', 'slack', 'discord', 'teams'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** A signing secret as stored: `value` may be encrypted (see SecretBox); `expires_at` is set once rotated out. */
export interface StoredSecret {
  value: string;
  created_at: string;
  expires_at: string | null;
}

/** Anything that receives deliveries. Single-table inheritance on `kind`. */
@Entity('subscribers')
@TableInheritance({ column: { type: 'text', name: 'kind' } })
export class Subscriber {
  @PrimaryColumn('uuid') id: string;
  kind: 'webhook';
  @Column('text') name: string;
  @Column('boolean') enabled: boolean;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt: Date | null;
}

@ChildEntity('webhook')
export class WebhookSubscriber extends Subscriber {
  @Column('text') url: string;
  @Column('jsonb') secrets: StoredSecret[];
  @Column('text', { name: 'content_type' }) contentType: WebhookContentType;
  @Column('text') format: WebhookFormat;
  @Column('boolean', { name: 'verify_tls' }) verifyTls: boolean;
  /** Each ordering key's deliveries one at a time, in event order (DESIGN §6). */
  @Column('boolean') ordered: boolean;
  @Column('jsonb') headers: Record<string, string>;
  @Column('text', { name: 'disabled_reason', nullable: true }) disabledReason: string | null;
  @Column('timestamptz', { name: 'disabled_at', nullable: true }) disabledAt: Date | null;
  @Column('timestamptz', { name: 'failing_since', nullable: true }) failingSince: Date | null;
}

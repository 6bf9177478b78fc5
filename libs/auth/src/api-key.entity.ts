import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SCOPES = ['admin', 'events:write', 'analytics:write'] as const;
export type Scope = (typeof SCOPES)[number];

/** Only the SHA-256 of a key is stored; the key itself is shown once, at creation. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  /** The first characters of the key, to recognise it in lists. */
  @Column('text') prefix: string;
  @Column('text') hash: string;
  @Column('text', { array: true }) scopes: Scope[];
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'last_used_at', nullable: true }) lastUsedAt: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;
}

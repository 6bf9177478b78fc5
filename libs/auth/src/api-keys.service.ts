import { Injectable } from '@nestjs/common';
import { TidingsError, queryRows } from '@tidings/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ApiKey, Scope } from './api-key.entity';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const CACHE_MS = 10_000;
const TOUCH_MS = 60_000;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Mints, verifies, lists and revokes API keys. Verification is cached for a
 * few seconds per key hash (revocation in this process clears it at once) and
 * `last_used_at` is written at most once a minute per key, so authentication
 * costs no write per request.
 */
@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, { key: ApiKey | null; until: number }>();
  private readonly touched = new Map<string, number>();

  constructor(private readonly db: DataSource) {}

  async create(name: string, scopes: Scope[]): Promise<ApiKeyView & { key: string }> {
    const key = `tid_${randomBytes(24).toString('base64url')}`;
    const row = await this.insert(name, scopes, key);
    return { ...view(row), key };
  }

  /** Makes sure TIDINGS_ADMIN_KEY works as an admin key (idempotent; safe for concurrent replicas). */
  async ensureBootstrapKey(key: string): Promise<void> {
    await this.db.query(
      `INSERT INTO api_keys (id, name, prefix, hash, scopes) VALUES ($1, 'bootstrap admin (TIDINGS_ADMIN_KEY)', $2, $3, $4)
       ON CONFLICT (hash) DO UPDATE SET revoked_at = NULL, scopes = EXCLUDED.scopes`,
      [uuidv7(), key.slice(0, 8), hashApiKey(key), ['admin']],
    );
  }

  async verify(key: string): Promise<ApiKey | null> {
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    let found: ApiKey | null;
    if (cached && cached.until > now) {
      found = cached.key;
    } else {
      found = await this.db.getRepository(ApiKey).findOne({ where: { hash } });
      if (found?.revokedAt) found = null;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hash, { key: found, until: now + CACHE_MS });
    }
    if (found && (this.touched.get(found.id) ?? 0) + TOUCH_MS < now) {
      this.touched.set(found.id, now);
      await this.db.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [found.id]);
    }
    return found;
  }

  async list(): Promise<ApiKeyView[]> {
    const rows = await this.db.getRepository(ApiKey).find({ order: { createdAt: 'DESC' } });
    return rows.map(view);
  }

  async revoke(id: string): Promise<void> {
    const rows = await queryRows(this.db, `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING hash`, [
      id,
    ]);
    if (rows.length === 0) {
      const exists = await this.db.query(`SELECT 1 FROM api_keys WHERE id = $1`, [id]);
      if (exists.length === 0) throw new TidingsError('not_found', `No API key ${id}`);
      return;
    }
    this.cache.delete(rows[0].hash);
  }

  private async insert(name: string, scopes: Scope[], key: string): Promise<ApiKey> {
    const repo = this.db.getRepository(ApiKey);
    await repo.insert({ id: uuidv7(), name, prefix: key.slice(0, 12), hash: hashApiKey(key), scopes: [...new Set(scopes)] });
    return repo.findOneOrFail({ where: { hash: hashApiKey(key) } });
  }
}

function view(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt,
    revoked_at: row.revokedAt,
  };
}

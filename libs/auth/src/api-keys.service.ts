import { Injectable, Logger } from '@nestjs/common';
import { TidingsError, queryRows } from '@tidings/common';
import { hash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ApiKey, Scope } from './api-key.entity';
import { API_KEY_REVOKED_CHANNEL } from './api-key-revocations';
import { BoundedLru } from './bounded-lru';

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
/** Valid keys held at once; the least recently used go first. Unknown keys are never cached (the guard throttles them). */
const CACHE_KEYS = 10_000;
const TOUCH_MS = 60_000;
const BOOTSTRAP_NAME = 'bootstrap admin (TIDINGS_ADMIN_KEY)';

export function hashApiKey(key: string): string {
  // One-shot hash: a quarter of createHash's cost, paid on every authenticated request.
  return hash('sha256', key, 'hex');
}

/**
 * Mints, verifies, lists and revokes API keys. A valid key is cached for a
 * few seconds per key hash, but only while this process hears revocations
 * (`listenForRevocations`: Postgres NOTIFY on commit, so every replica drops
 * the entry within moments); without a listener each check reads Postgres.
 * `last_used_at` is written at most once a minute per key, so authentication
 * costs no write per request.
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly cache = new BoundedLru<string, { key: ApiKey; until: number }>(CACHE_KEYS);
  private readonly touched = new Map<string, number>();
  private listening = false;
  /** Bumped by every revocation heard: a lookup that overlapped one does not cache what it read. */
  private invalidations = 0;

  constructor(private readonly db: DataSource) {}

  /**
   * Called by the revocation listener: caching is on only while it is
   * connected, and whatever was cached before a (re)connection is dropped,
   * since revocations may have been missed meanwhile.
   */
  setRevocationListener(connected: boolean): void {
    this.listening = connected;
    this.invalidations++;
    this.cache.clear();
  }

  /** A revocation was committed (here or on another replica): drop the key's cache entry. */
  forgetRevoked(hash: string): void {
    this.invalidations++;
    this.cache.delete(hash);
  }

  /**
   * `mintedBy`: the id of the key asking. It is checked, and locked against a
   * concurrent revocation, in the transaction that inserts the new key, so a
   * key revoked before the mint commits cannot mint one, whatever a replica's
   * cache still says.
   */
  async create(name: string, scopes: Scope[], mintedBy?: string): Promise<ApiKeyView & { key: string }> {
    const key = `tid_${randomBytes(24).toString('base64url')}`;
    const row = await this.insert(name, scopes, key, mintedBy);
    return { ...view(row), key };
  }

  /**
   * Makes sure TIDINGS_ADMIN_KEY works as an admin key (idempotent; safe for
   * concurrent replicas), unless it was revoked: a revocation outlives
   * restarts. No characters of it are stored: it is chosen by an operator, so
   * a prefix could be much of it.
   */
  async ensureBootstrapKey(key: string): Promise<void> {
    const [row] = await queryRows<{ revoked_at: Date | null }>(
      this.db,
      `INSERT INTO api_keys (id, name, prefix, hash, scopes) VALUES ($1, $2, '', $3, $4)
       ON CONFLICT (hash) DO UPDATE SET scopes = EXCLUDED.scopes, prefix = '' RETURNING revoked_at`,
      [uuidv7(), BOOTSTRAP_NAME, hashApiKey(key), ['admin']],
    );
    if (row?.revoked_at) {
      this.logger.warn(
        `TIDINGS_ADMIN_KEY was revoked at ${new Date(row.revoked_at).toISOString()} and stays revoked: requests with it get 401. ` +
          'Set a new TIDINGS_ADMIN_KEY, or unset it and use a minted admin key.',
      );
    }
  }

  async verify(key: string): Promise<ApiKey | null> {
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    let found: ApiKey | null;
    if (cached && cached.until > now) {
      found = cached.key;
    } else {
      const epoch = this.invalidations;
      found = await this.db.getRepository(ApiKey).findOne({ where: { hash } });
      if (found?.revokedAt) found = null;
      if (found && this.listening && epoch === this.invalidations) this.cache.set(hash, { key: found, until: now + CACHE_MS });
      else if (!found) this.cache.delete(hash);
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
    // NOTIFY in the same statement: every replica hears it when (and only if) the revocation commits.
    const rows = await queryRows<{ hash: string }>(
      this.db,
      `WITH revoked AS (UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING hash)
       SELECT hash, pg_notify('${API_KEY_REVOKED_CHANNEL}', hash) FROM revoked`,
      [id],
    );
    if (rows.length === 0) {
      const exists = await this.db.query(`SELECT 1 FROM api_keys WHERE id = $1`, [id]);
      if (exists.length === 0) throw new TidingsError('not_found', `No API key ${id}`);
      return;
    }
    this.forgetRevoked(rows[0].hash);
  }

  private async insert(name: string, scopes: Scope[], key: string, mintedBy?: string): Promise<ApiKey> {
    return this.db.transaction(async (manager) => {
      if (mintedBy) {
        // FOR SHARE waits for a revocation in flight and then sees it: mint and revoke are serialised on the minter's row.
        const minter = await manager.query(`SELECT 1 FROM api_keys WHERE id = $1 AND revoked_at IS NULL FOR SHARE`, [mintedBy]);
        if (minter.length === 0) throw new TidingsError('unauthorized', 'The API key is invalid or revoked');
      }
      const repo = manager.getRepository(ApiKey);
      await repo.insert({ id: uuidv7(), name, prefix: key.slice(0, 12), hash: hashApiKey(key), scopes: [...new Set(scopes)] });
      return repo.findOneOrFail({ where: { hash: hashApiKey(key) } });
    });
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

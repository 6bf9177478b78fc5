import { Injectable } from '@nestjs/common';
import { BoundedLru } from './bounded-lru';

/** Failed key checks allowed per client address per window; then 429 until the window ends. */
export const FAILED_AUTH_LIMIT = 20;
export const FAILED_AUTH_WINDOW_MS = 60_000;
/** Addresses remembered at once (the least recently failing are forgotten first): bounded memory under a spread attack. */
const ADDRESSES = 50_000;

/**
 * Counts failed authentications (an unknown or revoked key: each a Postgres
 * lookup) per client address, per api process: what it protects, this
 * process's lookups, is per process too. Successful requests cost nothing here.
 */
@Injectable()
export class FailedAuthThrottle {
  private readonly failures = new BoundedLru<string, { count: number; resetAt: number }>(ADDRESSES);

  /** Seconds this address must wait before its key is looked up again; 0 if it may go on. */
  retryAfterSeconds(address: string, now = Date.now()): number {
    const entry = this.failures.get(address);
    if (!entry || entry.resetAt <= now || entry.count < FAILED_AUTH_LIMIT) return 0;
    return Math.max(1, Math.ceil((entry.resetAt - now) / 1000));
  }

  recordFailure(address: string, now = Date.now()): void {
    const entry = this.failures.get(address);
    if (!entry || entry.resetAt <= now) this.failures.set(address, { count: 1, resetAt: now + FAILED_AUTH_WINDOW_MS });
    else entry.count++;
  }
}

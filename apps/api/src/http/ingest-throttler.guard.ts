import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * INGEST_RATE_LIMIT on the ingestion routes, counted per API key (the global
 * key guard has run and set it). Over the limit: 429 with Retry-After. Counted
 * in this api process: N replicas admit N times the limit.
 */
@Injectable()
export class IngestThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    return req.apiKeyId ?? req.ip;
  }

  /** One budget per key across every ingestion route (the default key is per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `ingest:${throttlerName}:${tracker}`;
  }

  protected override async shouldSkip(_context: ExecutionContext): Promise<boolean> {
    return this.throttlers.length === 0;
  }
}

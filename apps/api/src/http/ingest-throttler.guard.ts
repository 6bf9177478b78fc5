import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { TidingsConfig } from '@tidings/config';

/**
 * INGEST_RATE_LIMIT on the ingestion routes, counted per API key (the global
 * key guard has run and set it). Over the limit: 429 with Retry-After. Counted
 * in Redis, so the limit holds across every api replica (SharedThrottlerStorage;
 * each process alone while Redis is away), under QUEUE_PREFIX like every key of
 * this installation.
 */
@Injectable()
export class IngestThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly config: TidingsConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(req: Record<string, any>): Promise<string> {
    return req.apiKeyId ?? req.ip;
  }

  /** One budget per key across every ingestion route (the default key is per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${this.config.queuePrefix}:ingest:${throttlerName}:${tracker}`;
  }

  protected override async shouldSkip(_context: ExecutionContext): Promise<boolean> {
    return this.throttlers.length === 0;
  }
}

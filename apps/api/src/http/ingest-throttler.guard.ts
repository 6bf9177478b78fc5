import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { TidingsConfig } from '@tidings/config';

const INGEST_RATE_LIMITED = 'tidings:ingest-rate-limited';

/** An ingestion route: INGEST_RATE_LIMIT applies to it (IngestThrottlerGuard). */
export const IngestRateLimited = () => SetMetadata(INGEST_RATE_LIMITED, true);

/** Whether a route (its controller or its handler) is an ingestion route; the OpenAPI document reads it too. */
export function isIngestRateLimited(controller: object, handler: object): boolean {
  return Reflect.getMetadata(INGEST_RATE_LIMITED, handler) === true || Reflect.getMetadata(INGEST_RATE_LIMITED, controller) === true;
}

/**
 * INGEST_RATE_LIMIT on the ingestion routes (@IngestRateLimited), counted per
 * API key: a global guard, after the key guard (which has set the key) and
 * before the body is read (JsonBodyGuard). Over the limit: 429 with Retry-After. Counted
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

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return this.throttlers.length === 0 || !isIngestRateLimited(context.getClass(), context.getHandler());
  }
}

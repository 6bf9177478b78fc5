import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TidingsConfig } from '@tidings/config';
import { Request } from 'express';
import { readJsonBody } from './body-parsing';
import { DEFAULT_JSON_SHAPE_LIMITS, JsonShapeLimits } from './json-shape-scanner';

const BODY_LIMITS_KEY = 'tidings:json-body-limits';

/** Tighter shape limits for one route's body (e.g. one event's values), checked while it streams. */
export const JsonBodyLimits = (limits: Partial<JsonShapeLimits>) => SetMetadata(BODY_LIMITS_KEY, limits);

/**
 * Reads the JSON body into `req.body`: the last of the global guards (api.module.ts), after the key guard
 * and the ingest rate limit, so that a request without a valid key for its route, or over its key's
 * limit, is answered without its body being read (DESIGN §7). Pipes and handlers see the parsed body.
 * A guard rather than an interceptor: Nest runs any interceptor through a chain of observables and two
 * AsyncResource bindings per request, which cost more than reading a small body (issue 13).
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  constructor(
    private readonly config: TidingsConfig,
    private readonly reflector: Reflector,
  ) {}

  /** Each route's limits, merged once. */
  private readonly limits = new WeakMap<object, JsonShapeLimits>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    req.body = await readJsonBody(req, this.config.bodyLimitBytes, this.limitsOf(context));
    return true;
  }

  private limitsOf(context: ExecutionContext): JsonShapeLimits {
    const handler = context.getHandler();
    let limits = this.limits.get(handler);
    if (!limits) {
      const route = this.reflector.getAllAndOverride<Partial<JsonShapeLimits> | undefined>(BODY_LIMITS_KEY, [handler, context.getClass()]);
      limits = route ? { ...DEFAULT_JSON_SHAPE_LIMITS, ...route } : DEFAULT_JSON_SHAPE_LIMITS;
      this.limits.set(handler, limits);
    }
    return limits;
  }
}

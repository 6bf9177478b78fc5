import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TidingsConfig } from '@tidings/config';
import { Request } from 'express';
import { from, Observable, switchMap } from 'rxjs';
import { readJsonBody } from './body-parsing';
import { DEFAULT_JSON_SHAPE_LIMITS, JsonShapeLimits } from './json-shape-scanner';

const BODY_LIMITS_KEY = 'tidings:json-body-limits';

/** Tighter shape limits for one route's body (e.g. one event's values), checked while it streams. */
export const JsonBodyLimits = (limits: Partial<JsonShapeLimits>) => SetMetadata(BODY_LIMITS_KEY, limits);

/**
 * Reads the JSON body into `req.body`. An interceptor, not Express middleware,
 * so that it runs after the guards (the key guard first): a request without a
 * valid key for its route is answered without its body being read (DESIGN §7).
 * Pipes and handlers run after it and see the parsed body.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  constructor(
    private readonly config: TidingsConfig,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const route = this.reflector.getAllAndOverride<Partial<JsonShapeLimits> | undefined>(BODY_LIMITS_KEY, [context.getHandler(), context.getClass()]);
    const limits = route ? { ...DEFAULT_JSON_SHAPE_LIMITS, ...route } : DEFAULT_JSON_SHAPE_LIMITS;
    return from(readJsonBody(req, this.config.bodyLimitBytes, limits)).pipe(
      switchMap((body) => {
        req.body = body;
        return next.handle();
      }),
    );
  }
}

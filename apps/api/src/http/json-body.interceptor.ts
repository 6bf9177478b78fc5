import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { Request } from 'express';
import { from, Observable, switchMap } from 'rxjs';
import { readJsonBody } from './body-parsing';

/**
 * Reads the JSON body into `req.body`. An interceptor, not Express middleware,
 * so that it runs after the guards (the key guard first): a request without a
 * valid key for its route is answered without its body being read (DESIGN §7).
 * Pipes and handlers run after it and see the parsed body.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  constructor(private readonly config: TidingsConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    return from(readJsonBody(req, this.config.bodyLimitBytes)).pipe(
      switchMap((body) => {
        req.body = body;
        return next.handle();
      }),
    );
  }
}

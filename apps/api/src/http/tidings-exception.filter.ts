import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { isDatabaseUnavailable, TidingsError } from '@tidings/common';
import { Request, Response } from 'express';
import { ErrorBody, isInvalidInput, isTransientConflict } from './error-body';

const NAMES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Maps library error codes, Nest HTTP exceptions and outages to `{error, message, details?}`. */
@Catch()
export class TidingsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.toResponse(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    if (res.headersSent) return;
    const req = host.switchToHttp().getRequest<Request>();
    if (!req.complete) lingerOnUnreadBody(req);
    if (exception instanceof TidingsError && exception.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    res.status(status).json(body);
  }

  private toResponse(exception: unknown): [number, ErrorBody] {
    if (exception instanceof TidingsError) {
      return [
        exception.status,
        { error: exception.code, message: exception.message, ...(exception.details ? { details: exception.details } : {}) },
      ];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse() as string | { message?: string | string[] };
      const message =
        typeof response === 'string'
          ? response
          : Array.isArray(response.message)
            ? response.message.join('; ')
            : (response.message ?? exception.message);
      return [status, { error: NAMES[status] ?? `http_${status}`, message }];
    }
    if (isInvalidInput(exception)) {
      // Validation should have caught it; log so the gap gets closed, but do not blame the server.
      this.logger.warn(`Input reached Postgres invalid: ${(exception as Error).message}`);
      return [HttpStatus.BAD_REQUEST, { error: 'validation_failed', message: 'A value in the request is not valid' }];
    }
    if (isTransientConflict(exception)) {
      // E.g. a bulk cancel meeting the worker's recording of the same deliveries: nothing was written.
      return [
        HttpStatus.SERVICE_UNAVAILABLE,
        { error: 'retry', message: 'A concurrent change got in the way; nothing was written, send the request again' },
      ];
    }
    if (isDatabaseUnavailable(exception)) {
      return [HttpStatus.SERVICE_UNAVAILABLE, { error: 'unavailable', message: 'The database is unavailable; retry later' }];
    }
    return [HttpStatus.INTERNAL_SERVER_ERROR, { error: 'internal_error', message: 'Something went wrong on our side' }];
  }
}

/** How long a refused request's unread body is still read (and thrown away) before its connection is cut. */
const UNREAD_BODY_LINGER_MS = 2000;

/**
 * A body left unread (refused before or while reading it): read and discard
 * whatever the client still sends, unparsed, for at most
 * UNREAD_BODY_LINGER_MS, so that a client still uploading reads the answer
 * (closing at once resets the connection under it: it sees EPIPE, not the
 * 413 or 401). A client still sending after that is cut off.
 */
function lingerOnUnreadBody(req: Request): void {
  const cutOff = setTimeout(() => req.socket.destroy(), UNREAD_BODY_LINGER_MS);
  cutOff.unref();
  const done = () => clearTimeout(cutOff);
  req.once('end', done).once('close', done);
  req.resume();
}

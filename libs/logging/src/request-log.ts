import { runWithRequestId } from '@tidings/common';
import { NextFunction, Request, Response } from 'express';
import { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Routine requests with no access line: probes, scrapes, the admin page's assets and the API docs. */
const NOT_LOGGED = /^\/(health|metrics|admin|docs)/;

/**
 * Gives every request an id (the caller's `x-request-id` when it is a safe
 * token, a new one otherwise), echoed in the response and kept for the rest of
 * the request (register() stores it on the event, so the worker's lines for
 * its deliveries name it too; every line logged meanwhile carries it, see
 * loggingModule), and writes its access line when it is over: "request
 * completed" at info (4xx at warn), "request errored" at error for a 5xx,
 * with only the id, method, URL without its query, status and time. The line
 * is built only when its level is enabled: at LOG_LEVEL=warn a 2xx costs a
 * timestamp and one listener.
 */
export function requestLog(logger: Logger): (req: Request, res: Response, next: NextFunction) => void {
  return function requestLog(req, res, next) {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SAFE_ID.test(given) ? given : uuidv7();
    (req as Request & { id: string }).id = id;
    res.setHeader('x-request-id', id);
    const url = req.originalUrl || req.url;
    if (!NOT_LOGGED.test(url)) {
      const start = Date.now();
      res.once('close', () => {
        const status = res.statusCode;
        const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
        if (!logger.isLevelEnabled(level)) return;
        const line = { req: { id, method: req.method, url: redactQuery(url) }, res: { status: res.headersSent ? status : null }, responseTime: Date.now() - start };
        if (status >= 500) logger.error({ ...line, err: new Error(`failed with status code ${status}`) }, 'request errored');
        else logger[level](line, 'request completed');
      });
    }
    runWithRequestId(id, next, { method: req.method, url });
  };
}

/** `/v1/webhooks?api_key=…` → `/v1/webhooks?[redacted]`: the path stays readable, nothing after `?` is kept. */
export function redactQuery(url: string | undefined): string | undefined {
  const at = url?.indexOf('?') ?? -1;
  return url && at >= 0 ? `${url.slice(0, at)}?[redacted]` : url;
}

import { INestApplication } from '@nestjs/common';
import { json, NextFunction, Request, Response } from 'express';
import { ErrorBody } from './error-body';
import { unsafeJsonReason } from './unsafe-json';

/**
 * JSON bodies, plain or compressed (gzip/deflate/br). Decompression streams and
 * counts the inflated bytes against the limit, so a gzip bomb is refused with
 * 413 after `limitBytes`, never inflated into memory. Parser failures become
 * the API's error shape instead of Express's HTML page, and bodies that are
 * valid JSON but unsafe to process further (see unsafeJsonReason) get a 400.
 */
export function useJsonBodies(app: INestApplication, limitBytes: number): void {
  app.use(requireJsonContentType);
  app.use(json({ limit: limitBytes, inflate: true, strict: false, type: ['application/json', 'application/*+json'] }));
  app.use(bodyParserErrors);
  app.use(refuseUnsafeJson);
}

function refuseUnsafeJson(req: Request, res: Response, next: NextFunction): void {
  // body-parser leaves req.body undefined when there was no JSON body to parse.
  const reason = req.body === undefined ? null : unsafeJsonReason(req.body);
  if (reason) {
    res.status(400).json({ error: 'validation_failed', message: reason, details: [{ field: 'body', message: reason }] } satisfies ErrorBody);
    return;
  }
  next();
}

function requireJsonContentType(req: Request, res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && ['POST', 'PUT', 'PATCH'].includes(req.method) && !req.is(['application/json', 'application/*+json'])) {
    res.status(415).json({ error: 'unsupported_media_type', message: 'Send the body as application/json' } satisfies ErrorBody);
    return;
  }
  next();
}

function bodyParserErrors(err: any, _req: Request, res: Response, next: NextFunction): void {
  if (!err) return next();
  const type: string = err.type ?? '';
  let status = 400;
  let body: ErrorBody = { error: 'invalid_json', message: 'The body is not valid JSON' };
  if (type === 'entity.too.large') {
    status = 413;
    body = { error: 'payload_too_large', message: `The body is larger than ${err.limit} bytes (after decompression)` };
  } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    status = 415;
    body = { error: 'unsupported_media_type', message: err.message };
  } else if (type === 'request.aborted' || type === 'request.size.invalid') {
    body = { error: 'bad_request', message: 'The body ended early or does not match its length' };
  } else if (type !== 'entity.parse.failed') {
    // zlib errors: truncated or corrupt compressed bodies.
    body = { error: 'bad_request', message: `The body could not be read: ${err.message}` };
  }
  res.status(status).json(body);
}

import { runWithRequestId } from '@tidings/common';
import { NextFunction, Request, Response } from 'express';
import { v7 as uuidv7 } from 'uuid';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id: the caller's `x-request-id` when it is a safe
 * token, a new one otherwise. It is echoed in the response, logged with the
 * request, and kept for the rest of the request (register() stores it on the
 * event, so the worker's lines for its deliveries name it too).
 */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SAFE_ID.test(given) ? given : uuidv7();
  (req as Request & { id: string }).id = id;
  res.setHeader('x-request-id', id);
  runWithRequestId(id, next);
}

import { ErrorDetail, errorCode } from '@tidings/common';

/** The one error shape of the API: `{error, message, details?}`. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: ErrorDetail[];
}

/** A Postgres data exception (class 22: bad text for a type, out of range, NUL …) is the client's input, not our failure. */
export function isInvalidInput(error: any): boolean {
  const code = errorCode(error);
  return code?.startsWith('22') ?? false;
}

/**
 * Postgres aborted the request's statement to resolve a clash with concurrent
 * work (40P01 deadlock, 40001 serialization failure): nothing was written and
 * the same request succeeds when sent again.
 */
export function isTransientConflict(error: any): boolean {
  const code = errorCode(error);
  return code === '40P01' || code === '40001';
}

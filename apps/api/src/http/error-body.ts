import { ErrorDetail, errorCode } from '@tidings/common';

/** The one error shape of the API: `{error, message, details?}`. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: ErrorDetail[];
}

/** Postgres unreachable or going away: the request gets 503, not 500. */
export function isDatabaseUnavailable(error: any): boolean {
  // TypeORM releases a transaction's query runner when its connection dies mid-transaction; the next statement then throws these.
  if (error?.name === 'QueryRunnerAlreadyReleasedError' || error?.name === 'QueryRunnerProviderAlreadyReleasedError') return true;
  const code = errorCode(error);
  if (code && (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300')) return true;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)) return true;
  const message = String(error?.message ?? '');
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED/i.test(
    message,
  );
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

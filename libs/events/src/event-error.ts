import { ErrorCode, ErrorDetail, TidingsError } from '@tidings/common';

/** Thrown by the events library: bad input, unknown types, types not open to a source. */
export class EventError extends TidingsError {
  constructor(code: ErrorCode, message: string, details?: ErrorDetail[], retryAfterSeconds?: number) {
    super(code, message, details, retryAfterSeconds);
  }
}

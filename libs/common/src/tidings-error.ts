/** One field-level problem, with a dotted path (`job.uuid`, `events[3].type`). */
export interface ErrorDetail {
  field: string;
  message: string;
}

/**
 * Codes are the contract between the libraries and the HTTP layer: each lib
 * throws its own subclass with one of these codes, and a single exception
 * filter maps the code to a status and the `{error, message, details}` body.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class TidingsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    /** For `rate_limited`: when to try again, sent as Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

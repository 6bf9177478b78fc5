/** One bad field of an event, as Tidings reports it everywhere: a dotted path into the body and what is wrong. */
export interface FieldError {
  field: string;
  message: string;
}

/** Every error this package throws: a stable `code` to branch on, and the bad fields when there are any. */
export class TidingsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: FieldError[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The event was refused for what it holds (code `validation_failed`): the SQL
 * entry point raised SQLSTATE 22023. Nothing was written; the transaction is
 * aborted, as after any failed statement.
 */
export class TidingsValidationError extends TidingsError {
  constructor(message: string, details: FieldError[], options?: { cause?: unknown }) {
    super('validation_failed', message, details, options);
  }
}

/**
 * The idempotency key was used before by the same producer (database role)
 * for a different body (code `idempotency_conflict`; SQLSTATE 23505): nothing
 * was written. `originalId` is the event that holds the key (unknown through
 * Prisma, which drops Postgres' DETAIL).
 */
export class TidingsIdempotencyConflictError extends TidingsError {
  constructor(
    message: string,
    readonly idempotencyKey: string | undefined,
    readonly originalId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super('idempotency_conflict', message, [], options);
  }
}

/**
 * An HTTP call that did not succeed, after the retries it was allowed:
 * `status` is the last answer's (null when no answer came: `code` is then
 * `network_error`), `code` and `details` are the API's error body.
 */
export class TidingsApiError extends TidingsError {
  constructor(
    readonly status: number | null,
    code: string,
    message: string,
    details: FieldError[],
    /** Requests sent, the first included. */
    readonly attempts: number,
    /** The wait the server asked for, when it asked for one longer than the client may wait. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
  }
}

import { ErrorCode, ErrorDetail, TidingsError } from '@tidings/common';

/** Thrown by the ingestion library: a data tool sent something the OpenLineage or observability contract refuses. */
export class IngestError extends TidingsError {
  constructor(code: ErrorCode, message: string, details?: ErrorDetail[]) {
    super(code, message, details);
  }
}

/** At most this many field errors are returned for one body: enough to fix it, bounded for huge bodies. */
export const MAX_ERROR_DETAILS = 50;

export function invalid(message: string, details: ErrorDetail[]): IngestError {
  const shown = details.slice(0, MAX_ERROR_DETAILS);
  if (details.length > shown.length) shown.push({ field: '', message: `…and ${details.length - shown.length} more problems` });
  return new IngestError('validation_failed', message, shown);
}

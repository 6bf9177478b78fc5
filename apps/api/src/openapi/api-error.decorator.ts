import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../http/error-body';

/** What each error status means on this API, when a route says nothing more specific. */
export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'validation_failed (every bad field in details), invalid_json, or bad_request (e.g. an id that is not a UUID)',
  401: 'unauthorized: no API key, or an unknown or revoked one',
  403: 'forbidden: the API key lacks the scope this route needs',
  404: 'not_found',
  409: 'conflict: the resource is not in a state that allows this',
  413: 'payload_too_large: the body (after decompression) is over the limit',
  415: 'unsupported_media_type: send application/json (gzip, deflate or br allowed)',
  429: 'rate_limited: over INGEST_RATE_LIMIT (requests) or INGEST_DELIVERY_RATE_LIMIT (deliveries) for this API key, or too many invalid API keys from this address; retry after Retry-After seconds',
  503: 'unavailable (the database is down) or retry (a concurrent change got in the way; nothing was written, send it again)',
};

/** An error answer of a route, with the API's one `Error` body. Auth, body and rate-limit errors are added for every route by buildOpenApiDocument. */
export const ApiError = (status: number, description?: string) =>
  ApiResponse({ status, description: description ?? ERROR_DESCRIPTIONS[status] ?? `http_${status}`, type: ErrorResponse });

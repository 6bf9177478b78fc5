import { randomUUID } from 'node:crypto';
import { FieldError, TidingsApiError } from './errors';
import { EventInput } from './event-types';
import { backoffMs, RETRIED_STATUSES, retryAfterMs } from './retry-delay';

/** The part of `fetch` the client uses (the global one by default). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: unknown },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface TidingsClientOptions {
  /** Where Tidings' api answers, e.g. `https://tidings.internal:3000`. */
  baseUrl: string;
  /** An API key with the `events:write` scope. */
  apiKey: string;
  /** Requests per call at most, the first included (default 5). */
  maxAttempts?: number;
  /** The longest wait between two attempts (default 30 s). A Retry-After longer than this ends the retries. */
  maxDelayMs?: number;
  /** How long one request may take before it is abandoned and retried (default 10 s). */
  timeoutMs?: number;
  fetch?: FetchLike;
}

/** `POST /v1/events`' answer. */
export interface RegisteredEvent {
  id: string;
  type: string;
  /** Webhook deliveries created for it. */
  deliveries: number;
  /** True when the idempotency key was seen before: `id` is the original event's. */
  duplicate: boolean;
}

/** `POST /v1/events/batch`' answer: each event is judged alone. */
export interface BatchResult {
  status: 'success' | 'partial_success' | 'failure';
  summary: { received: number; successful: number; failed: number };
  failed_events: { index: number; reason: string; details?: FieldError[] }[];
  events: { index: number; id: string; deliveries: number; duplicate: boolean }[];
}

/**
 * Tidings' HTTP API for services that do not share its database. A request
 * answered 429, 502, 503 or 504, or not answered at all, is sent again with
 * the same idempotency key (one is made up when none is given), after the
 * Retry-After the server asked for or a capped backoff, so a retry never
 * records an event twice.
 *
 *   const tidings = new TidingsClient({ baseUrl, apiKey });
 *   const { id } = await tidings.events.register({ type: 'project:created', project: { uuid } }, { idempotencyKey: `project:${uuid}:created` });
 */
export class TidingsClient {
  readonly events: {
    /** Registers one event (`POST /v1/events`). */
    register(event: EventInput, options?: { idempotencyKey?: string }): Promise<RegisteredEvent>;
    /** Registers up to 1000 events (`POST /v1/events/batch`); an event without `idempotency_key` is given one, so a retry records none twice. */
    registerBatch(events: readonly EventInput[]): Promise<BatchResult>;
  };
  private readonly baseUrl: string;
  private readonly maxAttempts: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly fetch: FetchLike;

  constructor(private readonly options: TidingsClientOptions) {
    if (!options.baseUrl) throw new TypeError('TidingsClient needs a baseUrl');
    if (!options.apiKey) throw new TypeError('TidingsClient needs an apiKey');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
    this.events = {
      register: (event, { idempotencyKey = randomUUID() } = {}) =>
        this.post<RegisteredEvent>('/v1/events', event, { 'idempotency-key': idempotencyKey }),
      registerBatch: (events) =>
        this.post<BatchResult>(
          '/v1/events/batch',
          events.map((event) => (event.idempotency_key === undefined ? { ...event, idempotency_key: randomUUID() } : event)),
        ),
    };
  }

  /** POSTs `body` as JSON; retries what RETRIED_STATUSES and network errors allow; throws a TidingsApiError for any other answer. */
  private async post<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.apiKey}`, ...headers },
      body: JSON.stringify(body),
    };
    for (let attempt = 1; ; attempt++) {
      let failure: TidingsApiError;
      let askedMs: number | undefined;
      try {
        const res = await this.fetch(this.baseUrl + path, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
        const text = await res.text();
        if (res.status >= 200 && res.status < 300) return JSON.parse(text) as T;
        askedMs = retryAfterMs(res.headers.get('retry-after'));
        failure = apiError(res.status, text, attempt);
        if (!RETRIED_STATUSES.has(res.status)) throw failure;
      } catch (error) {
        if (error instanceof TidingsApiError) throw error;
        failure = new TidingsApiError(null, 'network_error', `POST ${path} got no answer: ${(error as Error).message}`, [], attempt, undefined, {
          cause: error,
        });
      }
      if (attempt >= this.maxAttempts) throw failure;
      if (askedMs !== undefined && askedMs > this.maxDelayMs) {
        throw new TidingsApiError(failure.status, failure.code, `${failure.message} (the server asks to wait ${askedMs} ms, longer than maxDelayMs)`, failure.details, attempt, askedMs, {
          cause: failure,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, askedMs ?? backoffMs(attempt, this.maxDelayMs)));
    }
  }
}

/** A TidingsApiError from an error answer: the API's `{error, message, details?}` body when it has one. */
function apiError(status: number, text: string, attempts: number): TidingsApiError {
  let body: { error?: unknown; message?: unknown; details?: unknown } = {};
  try {
    body = JSON.parse(text) ?? {};
  } catch {
    // not JSON (a proxy's page): the status says it all
  }
  const code = typeof body.error === 'string' ? body.error : `http_${status}`;
  const message = typeof body.message === 'string' ? body.message : `HTTP ${status}`;
  return new TidingsApiError(status, code, message, Array.isArray(body.details) ? (body.details as FieldError[]) : [], attempts);
}

/*
 * How long the HTTP client waits before sending a request again: what the
 * server asked for in Retry-After when it asked, else an exponential backoff
 * with jitter; never longer than the client's cap.
 */

/** Answers worth sending again, unchanged and with the same idempotency key: rate limited, or the server (or a proxy) briefly unable. */
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** A Retry-After header in milliseconds from `now`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP-date names its day and month (Date.parse alone would take "-1" for a year).
  const date = /^[A-Za-z]{3},/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before attempt `attempt + 1` without a Retry-After: 250 ms doubling, full jitter over its upper half, at most `capMs`. */
export function backoffMs(attempt: number, capMs: number, random = Math.random): number {
  const ceiling = Math.min(capMs, 250 * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

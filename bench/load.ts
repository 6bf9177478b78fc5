/**
 * The load generator: undici Pools (keep-alive, one request per connection at
 * a time) to the api or the receiver. `closedLoop` keeps `concurrency`
 * requests in flight for a duration (throughput); `openLoop` sends at fixed
 * times whatever happens to earlier requests (latency: no coordinated
 * omission).
 */
import { Pool } from 'undici';

export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface LoadResponse {
  status: number;
  body: string;
  /** Epoch ms (sub-ms precision) when the whole response had arrived. */
  at: number;
}

export interface ClosedLoopResult {
  /** Requests completed (any status) and those that threw. */
  completed: number;
  errors: number;
  /** What the `onResponse` callbacks counted as done (events, requests…). */
  units: number;
  statuses: Map<number, number>;
  firstFailure?: string;
  /** From the first request to the last response, in seconds. */
  seconds: number;
}

/** Set on Ctrl-C: every load loop stops sending at once. */
export const loadAbort = { aborted: false };

export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

export function keepAlivePool(origin: string, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 60_000,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
}

async function send(pool: Pool, request: LoadRequest): Promise<LoadResponse> {
  const res = await pool.request({ method: 'POST', path: request.path, headers: request.headers, body: request.body });
  const body = await res.body.text();
  return { status: res.statusCode, body, at: epochMs() };
}

/**
 * `concurrency` loops, each sending its next request when the previous one
 * answered, until `seconds` have passed or `maxUnits` units were counted.
 * `onResponse` returns how many units a response completed (0 for a failure).
 */
export async function closedLoop(options: {
  pool: Pool;
  concurrency: number;
  seconds: number;
  maxUnits?: number;
  next: (index: number) => LoadRequest;
  onResponse: (response: LoadResponse, request: LoadRequest) => number;
}): Promise<ClosedLoopResult> {
  const result: ClosedLoopResult = { completed: 0, errors: 0, units: 0, statuses: new Map(), seconds: 0 };
  const t0 = performance.now();
  const deadline = t0 + options.seconds * 1000;
  const maxUnits = options.maxUnits ?? Infinity;
  let index = 0;
  let last = t0;
  const loop = async () => {
    while (performance.now() < deadline && result.units < maxUnits && !loadAbort.aborted) {
      const request = options.next(index++);
      try {
        const response = await send(options.pool, request);
        result.completed++;
        result.statuses.set(response.status, (result.statuses.get(response.status) ?? 0) + 1);
        const units = options.onResponse(response, request);
        result.units += units;
        if (units === 0 && !result.firstFailure) result.firstFailure = `HTTP ${response.status}: ${response.body.slice(0, 300)}`;
      } catch (error) {
        result.errors++;
        if (!result.firstFailure) result.firstFailure = (error as Error).message;
      }
      last = performance.now();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  result.seconds = (last - t0) / 1000;
  return result;
}

export interface OpenLoopSend {
  /** When it was scheduled and when it left (epoch ms). */
  scheduledAt: number;
  sentAt: number;
  response?: LoadResponse;
  error?: string;
}

/** Sends request i at t0 + i / rate, for `seconds`; resolves when every response is in (or failed). */
export async function openLoop(options: {
  pool: Pool;
  ratePerSecond: number;
  seconds: number;
  next: (index: number) => LoadRequest;
}): Promise<OpenLoopSend[]> {
  const total = Math.round(options.ratePerSecond * options.seconds);
  const intervalMs = 1000 / options.ratePerSecond;
  const sends: OpenLoopSend[] = [];
  const inFlight: Promise<void>[] = [];
  const t0 = performance.now() + 5;
  let index = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (index < total && t0 + index * intervalMs <= now) {
        const request = options.next(index);
        const entry: OpenLoopSend = { scheduledAt: performance.timeOrigin + t0 + index * intervalMs, sentAt: epochMs() };
        sends.push(entry);
        inFlight.push(
          send(options.pool, request).then(
            (response) => void (entry.response = response),
            (error) => void (entry.error = (error as Error).message),
          ),
        );
        index++;
      }
      if (index >= total || loadAbort.aborted) return resolve();
      setTimeout(tick, Math.max(0, t0 + index * intervalMs - performance.now()));
    };
    setTimeout(tick, 5);
  });
  await Promise.all(inFlight);
  return sends;
}

/**
 * The schema-independent references of DESIGN §9: what the same machine does
 * in the same run with no Tidings code and no Tidings schema in the way, so
 * that a heavy design cannot hide behind a ceiling made of its own tables.
 *
 *  - `refHttp`: the load generator against a bare node:http server
 *    (reference-http-server.ts, a child process) that parses the body and answers 201.
 *  - `refPost`: plain keep-alive POSTs of a real webhook request (same headers,
 *    same body) to the receiver the worker delivers to.
 *  - `refPgCopy`: lean rows (an event: id, type, ~600 B jsonb; two deliveries:
 *    ids, status, time) by `COPY … FROM STDIN`, `batchSize` events per transaction.
 *  - `refPgSingleTx`: the same lean rows, one transaction per event.
 *
 * The pg references write into scratch tables with a primary key and nothing
 * else, created in the bench database for the measurement and dropped after it.
 */
import { randomUUID } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import { Client, Pool, PoolClient } from 'pg';
import { Pool as HttpPool } from 'undici';
import { v7 as uuidv7 } from 'uuid';
import { closedLoop, keepAlivePool, LoadRequest, loadAbort } from './load';
import { copyFrom, copyText } from './pg-copy-from';

export interface RateResult {
  events: number;
  seconds: number;
  perSecond: number;
}

// ── lean rows ───────────────────────────────────────────────────────────────

const EVENTS = 'bench_ref_events';
const DELIVERIES = 'bench_ref_deliveries';
const EVENT_COLUMNS = ['id', 'type', 'payload'];
const DELIVERY_COLUMNS = ['id', 'event_id', 'subscriber_id', 'status', 'next_attempt_at'];
const LEAN_TYPE = 'project:one-off-job:pipeline-run:failed';
const SUBSCRIBERS = [randomUUID(), randomUUID()];

/** `body` (an event's JSON) padded to `bytes`: DESIGN's ~600 B jsonb whatever our sample weighs. */
export function leanPayload(body: string, bytes = 600): string {
  const parsed = JSON.parse(body);
  const base = JSON.stringify({ ...parsed, pad: '' });
  return JSON.stringify({ ...parsed, pad: 'x'.repeat(Math.max(0, bytes - Buffer.byteLength(base))) });
}

interface LeanEvent {
  event: string[];
  deliveries: string[][];
}

function leanEvent(payload: string, at: string): LeanEvent {
  const id = uuidv7();
  return {
    event: [id, LEAN_TYPE, payload],
    deliveries: SUBSCRIBERS.map((subscriber) => [uuidv7(), id, subscriber, 'pending', at]),
  };
}

async function withScratchTables<T>(url: string, body: () => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: url, application_name: 'tidings-bench-reference' });
  await admin.connect();
  try {
    await admin.query(`DROP TABLE IF EXISTS ${EVENTS}, ${DELIVERIES}`);
    // A primary key each and nothing else: no foreign key, no secondary index, no default.
    await admin.query(`CREATE TABLE ${EVENTS} (id uuid PRIMARY KEY, type text NOT NULL, payload jsonb NOT NULL)`);
    await admin.query(
      `CREATE TABLE ${DELIVERIES} (id uuid PRIMARY KEY, event_id uuid NOT NULL, subscriber_id uuid NOT NULL, status text NOT NULL, next_attempt_at timestamptz)`,
    );
    return await body();
  } finally {
    await admin.query(`DROP TABLE IF EXISTS ${EVENTS}, ${DELIVERIES}`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  }
}

// ── loops ───────────────────────────────────────────────────────────────────

async function timedLoops(concurrency: number, seconds: number, body: () => Promise<number>): Promise<RateResult> {
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  let events = 0;
  let last = t0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && !loadAbort.aborted) {
        // Not `events += await body()`: that reads `events` before the await and loses the other loops' counts.
        const done = await body();
        events += done;
        last = performance.now();
      }
    }),
  );
  const elapsed = (last - t0) / 1000;
  return { events, seconds: elapsed, perSecond: events / elapsed };
}

async function inTransaction(pool: Pool, body: (client: PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await body(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

interface PgOptions {
  url: string;
  poolSize: number;
  concurrency: number;
  seconds: number;
  /** The jsonb of every event (see leanPayload). */
  payload: string;
  /** Called when the rate is known, while the connections still exist (CPU accounting). */
  onMeasured?: (result: RateResult) => void;
}

async function measurePg(options: PgOptions, perLoop: (pool: Pool) => Promise<number>): Promise<RateResult> {
  return withScratchTables(options.url, async () => {
    const pool = new Pool({ connectionString: options.url, max: options.poolSize, application_name: 'tidings-bench-reference' });
    pool.on('error', () => undefined);
    try {
      const result = await timedLoops(options.concurrency, options.seconds, () => perLoop(pool));
      options.onMeasured?.(result);
      return result;
    } finally {
      await pool.end();
    }
  });
}

// ── the references ──────────────────────────────────────────────────────────

/** BEGIN, INSERT the event, one two-row INSERT of its deliveries, COMMIT. */
export function refPgSingleTx(options: PgOptions): Promise<RateResult> {
  const insertEvent = `INSERT INTO ${EVENTS} (${EVENT_COLUMNS.join(', ')}) VALUES ($1, $2, $3)`;
  const insertDeliveries = `INSERT INTO ${DELIVERIES} (${DELIVERY_COLUMNS.join(', ')}) VALUES ($1, $2, $3, $4, now()), ($5, $6, $7, $8, now())`;
  return measurePg(options, async (pool) => {
    const lean = leanEvent(options.payload, '');
    await inTransaction(pool, async (client) => {
      await client.query(insertEvent, lean.event);
      await client.query(
        insertDeliveries,
        lean.deliveries.flatMap((d) => d.slice(0, 4)),
      );
    });
    return 1;
  });
}

/** `batchSize` events per transaction: one COPY of the events, one of their deliveries. */
export function refPgCopy(options: PgOptions & { batchSize: number }): Promise<RateResult> {
  return measurePg(options, async (pool) => {
    const at = new Date().toISOString();
    const batch = Array.from({ length: options.batchSize }, () => leanEvent(options.payload, at));
    const events = copyText(batch.map((e) => e.event));
    const deliveries = copyText(batch.flatMap((e) => e.deliveries));
    await inTransaction(pool, async (client) => {
      await copyFrom(client, EVENTS, EVENT_COLUMNS, events);
      await copyFrom(client, DELIVERIES, DELIVERY_COLUMNS, deliveries);
    });
    return options.batchSize;
  });
}

/** The load generator against the bare server at `origin`: requests/s answered 201. */
export async function refHttp(options: {
  pool: HttpPool;
  concurrency: number;
  seconds: number;
  next: () => LoadRequest;
}): Promise<RateResult> {
  const result = await closedLoop({
    pool: options.pool,
    concurrency: options.concurrency,
    seconds: options.seconds,
    next: options.next,
    onResponse: (response) => (response.status === 201 ? 1 : 0),
  });
  if (result.errors || result.units !== result.completed) throw new Error(`bare server requests failed: ${result.firstFailure}`);
  return { events: result.units, seconds: result.seconds, perSecond: result.units / result.seconds };
}

/** Plain keep-alive POSTs of the sampled webhook request to the receiver; requests/s answered 2xx. */
export async function refPost(options: {
  origin: string;
  concurrency: number;
  seconds: number;
  sample: { path: string; headers: IncomingHttpHeaders; body: string };
}): Promise<RateResult> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.sample.headers)) {
    if (['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive'].includes(name) || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const pool = keepAlivePool(options.origin, options.concurrency);
  try {
    const result = await closedLoop({
      pool,
      concurrency: options.concurrency,
      seconds: options.seconds,
      // A fresh webhook-id each, so the receiver does for these exactly what it does for the worker's.
      next: () => ({ path: '/hook/reference', headers: { ...headers, 'webhook-id': randomUUID() }, body: options.sample.body }),
      onResponse: (response) => (response.status >= 200 && response.status < 300 ? 1 : 0),
    });
    if (result.errors || result.units !== result.completed) throw new Error(`plain POSTs failed: ${result.firstFailure}`);
    return { events: result.units, seconds: result.seconds, perSecond: result.units / result.seconds };
  } finally {
    await pool.close();
  }
}

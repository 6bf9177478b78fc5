/**
 * The ceilings: what the same machine does with no Tidings code in the way.
 *
 *  - `pgSingleCeiling`: node-postgres inserting the rows one `POST /v1/events`
 *    writes (the events row and its deliveries rows, copied from a row the api
 *    wrote), one transaction per event (BEGIN, INSERT event, one multi-row
 *    INSERT of its deliveries, COMMIT), at the same concurrency and pool size.
 *  - `pgBatchCeiling`: the same rows, `batchSize` events per transaction: one
 *    multi-row INSERT … SELECT FROM unnest(…) for the events, one for their
 *    deliveries.
 *  - `httpCeiling`: plain keep-alive POSTs of a real webhook request (same
 *    headers, same body) to the same receiver, from one process, at the
 *    worker's concurrency.
 *
 * The pg ceilings write into a scratch database migrated with the same
 * migrations, so they neither pollute nor are slowed by the api's tables.
 */
import { randomUUID } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import { Client, Pool, PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { closedLoop, keepAlivePool, loadAbort } from './load';

export interface RowTemplate {
  /** Every events column but recorded_at (its default, as for the api), with its type. */
  eventColumns: { name: string; udt: string }[];
  /** Text values aligned with eventColumns; id, idempotency_key and uuid scope columns are fresh per event. */
  eventValues: (string | null)[];
  eventType: string;
  deliveries: { subscriberId: string; payload: string }[];
}

const FRESH_UUID_COLUMNS = new Set(['project_uuid', 'job_uuid', 'pipeline_uuid', 'pipeline_run_uuid', 'environment_uuid']);

/** Reads one event the api registered, with its deliveries, as the template of the ceiling rows. */
export async function readTemplate(db: Client, eventId: string): Promise<RowTemplate> {
  const { rows: columns } = await db.query<{ name: string; udt: string }>(
    `SELECT column_name AS name, udt_name AS udt FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = 'events' AND column_name <> 'recorded_at'
      ORDER BY ordinal_position`,
  );
  const { rows: events } = await db.query(
    `SELECT ${columns.map((c) => `"${c.name}"::text AS "${c.name}"`).join(', ')} FROM events WHERE id = $1`,
    [eventId],
  );
  if (!events.length) throw new Error(`event ${eventId} not found`);
  const { rows: deliveries } = await db.query<{ subscriber_id: string; payload: string }>(
    `SELECT subscriber_id, payload::text AS payload FROM deliveries WHERE event_id = $1 ORDER BY id`,
    [eventId],
  );
  return {
    eventColumns: columns,
    eventValues: columns.map((c) => events[0][c.name]),
    eventType: events[0].type,
    deliveries: deliveries.map((d) => ({ subscriberId: d.subscriber_id, payload: d.payload })),
  };
}

/** Copies the template's subscribers into the scratch database (the deliveries reference them). */
export async function prepareScratch(scratch: Client, source: Client, template: RowTemplate): Promise<RowTemplate> {
  const ids = [...new Set(template.deliveries.map((d) => d.subscriberId))];
  const { rows: subscribers } = await source.query(`SELECT id, kind, name, url FROM subscribers WHERE id = ANY($1::uuid[])`, [ids]);
  const mapped = new Map<string, string>();
  for (const s of subscribers) {
    const { rows: same } = await scratch.query(`SELECT id FROM subscribers WHERE id = $1`, [s.id]);
    if (same.length) {
      mapped.set(s.id, s.id);
      continue;
    }
    // A subscriber created by a migration (the analytics one) already has a row of its own there.
    if (s.kind === 'analytics') {
      const { rows: own } = await scratch.query(`SELECT id FROM subscribers WHERE kind = 'analytics' LIMIT 1`);
      if (own.length) {
        mapped.set(s.id, own[0].id);
        continue;
      }
    }
    await scratch.query(`INSERT INTO subscribers (id, kind, name, url) VALUES ($1, $2, $3, $4)`, [s.id, s.kind, s.name, s.url]);
    mapped.set(s.id, s.id);
  }
  return {
    ...template,
    deliveries: template.deliveries.map((d) => ({ ...d, subscriberId: mapped.get(d.subscriberId) ?? d.subscriberId })),
  };
}

function freshEventValues(template: RowTemplate): (string | null)[] {
  return template.eventColumns.map((column, i) => {
    const value = template.eventValues[i];
    if (column.name === 'id') return uuidv7();
    if (column.name === 'idempotency_key') return value === null ? null : randomUUID();
    if (FRESH_UUID_COLUMNS.has(column.name) && value !== null) return randomUUID();
    return value;
  });
}

export interface RateResult {
  events: number;
  seconds: number;
  perSecond: number;
}

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

export async function pgSingleCeiling(options: {
  url: string;
  poolSize: number;
  concurrency: number;
  seconds: number;
  template: RowTemplate;
  /** Called when the rate is known, while the connections still exist (CPU accounting). */
  onMeasured?: (result: RateResult) => void;
}): Promise<RateResult> {
  const { template } = options;
  const pool = new Pool({ connectionString: options.url, max: options.poolSize, application_name: 'tidings-bench-ceiling' });
  pool.on('error', () => undefined);
  const columns = template.eventColumns.map((c) => `"${c.name}"`).join(', ');
  const insertEvent = `INSERT INTO events (${columns}) VALUES (${template.eventColumns.map((_, i) => `$${i + 1}`).join(', ')})`;
  const n = template.deliveries.length;
  const insertDeliveries = `INSERT INTO deliveries (id, event_id, event_type, subscriber_id, payload, next_attempt_at) VALUES ${template.deliveries
    .map((_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5}, now())`)
    .join(', ')}`;
  const idIndex = template.eventColumns.findIndex((c) => c.name === 'id');
  try {
    const result = await timedLoops(options.concurrency, options.seconds, async () => {
      const values = freshEventValues(template);
      const eventId = values[idIndex]!;
      await inTransaction(pool, async (client) => {
        await client.query(insertEvent, values);
        if (n)
          await client.query(
            insertDeliveries,
            template.deliveries.flatMap((d) => [uuidv7(), eventId, template.eventType, d.subscriberId, d.payload]),
          );
      });
      return 1;
    });
    options.onMeasured?.(result);
    return result;
  } finally {
    await pool.end();
  }
}

export async function pgBatchCeiling(options: {
  url: string;
  poolSize: number;
  concurrency: number;
  seconds: number;
  batchSize: number;
  template: RowTemplate;
  onMeasured?: (result: RateResult) => void;
}): Promise<RateResult> {
  const { template, batchSize } = options;
  const pool = new Pool({ connectionString: options.url, max: options.poolSize, application_name: 'tidings-bench-ceiling' });
  pool.on('error', () => undefined);
  const columns = template.eventColumns.map((c) => `"${c.name}"`).join(', ');
  const insertEvents = `INSERT INTO events (${columns}) SELECT * FROM unnest(${template.eventColumns.map((c, i) => `$${i + 1}::${c.udt}[]`).join(', ')})`;
  const insertDeliveries = `INSERT INTO deliveries (id, event_id, event_type, subscriber_id, payload, next_attempt_at)
    SELECT d.id, d.event_id, $3, d.subscriber_id, d.payload::jsonb, now()
      FROM unnest($1::uuid[], $2::uuid[], $4::uuid[], $5::text[]) AS d(id, event_id, subscriber_id, payload)`;
  const idIndex = template.eventColumns.findIndex((c) => c.name === 'id');
  try {
    const result = await timedLoops(options.concurrency, options.seconds, async () => {
      const columnsValues: (string | null)[][] = template.eventColumns.map(() => []);
      const deliveryIds: string[] = [];
      const eventIds: string[] = [];
      const subscriberIds: string[] = [];
      const payloads: string[] = [];
      for (let e = 0; e < batchSize; e++) {
        const values = freshEventValues(template);
        values.forEach((v, i) => columnsValues[i].push(v));
        for (const d of template.deliveries) {
          deliveryIds.push(uuidv7());
          eventIds.push(values[idIndex]!);
          subscriberIds.push(d.subscriberId);
          payloads.push(d.payload);
        }
      }
      await inTransaction(pool, async (client) => {
        await client.query(insertEvents, columnsValues);
        if (deliveryIds.length) await client.query(insertDeliveries, [deliveryIds, eventIds, template.eventType, subscriberIds, payloads]);
      });
      return batchSize;
    });
    options.onMeasured?.(result);
    return result;
  } finally {
    await pool.end();
  }
}

/** Plain keep-alive POSTs of the sampled webhook request to the receiver; requests/s answered 2xx. */
export async function httpCeiling(options: {
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
      next: () => ({ path: '/hook/ceiling', headers: { ...headers, 'webhook-id': randomUUID() }, body: options.sample.body }),
      onResponse: (response) => (response.status >= 200 && response.status < 300 ? 1 : 0),
    });
    if (result.errors || result.units !== result.completed) throw new Error(`plain POSTs failed: ${result.firstFailure}`);
    return { events: result.units, seconds: result.seconds, perSecond: result.units / result.seconds };
  } finally {
    await pool.close();
  }
}

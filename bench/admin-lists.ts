/**
 * Admin list queries on a large history: generates BENCH_LIST_ROWS events
 * (default 10 M) with one delivery each in a database of its own, then runs
 * every filter of GET /v1/deliveries and GET /v1/events through the real
 * query classes, and prints each one's time (median of 5 warm runs) and its
 * plan. `npm run bench:lists` (about 15–25 minutes for 10 M rows on 2 cores);
 * the results go to docs/admin-queries.md by hand.
 */
import 'reflect-metadata';
import { parseConfig } from '@tidings/config';
import { searchPathOption } from '@tidings/database';
import { DeliveryFilter, DeliveryQueries } from '@tidings/deliveries';
import { EventFilter, EventQueries } from '@tidings/events';
import { nodeScript, runProcess } from '@tidings/testing';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDatabase, databaseUrl, dropDatabase } from './bench-database';
import { log } from './log';

const ROWS = Number(process.env.BENCH_LIST_ROWS ?? 10_000_000);
const WEBHOOKS = 20;
const DAYS = 30;
const ADMIN_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const NAME = `tidings_bench_${process.pid}`;
const SCHEMA = 'tidings';
const TYPES = [
  'project:one-off-job:pipeline-run:failed',
  'project:one-off-job:pipeline-run:succeeded',
  'project:cron-job:run:failed',
  'project:cron-job:run:succeeded',
  'observability:run:failed',
  'observability:run:completed',
  'lineage:run:complete',
  'lineage:run:fail',
];

async function main(): Promise<void> {
  const url = databaseUrl(ADMIN_URL, NAME);
  await createDatabase(ADMIN_URL, NAME);
  try {
    await migrate(url);
    const db = new Client({ connectionString: url, options: searchPathOption(SCHEMA) });
    await db.connect();
    try {
      await generate(db);
      const config = parseConfig({ DATABASE_URL: url, REDIS_URL: 'redis://127.0.0.1:6379' });
      const source = new DataSource({
        type: 'postgres',
        url,
        applicationName: 'tidings-bench-lists',
        extra: { options: searchPathOption(SCHEMA) },
      });
      await source.initialize();
      try {
        await measure(db, source, config);
      } finally {
        await source.destroy();
      }
    } finally {
      await db.end();
    }
  } finally {
    await dropDatabase(ADMIN_URL, NAME);
  }
}

/** The CLI's migration:run (this file runs as dist/bench/admin-lists.js); what it writes to stderr is passed on. */
async function migrate(url: string): Promise<void> {
  await runProcess({
    name: 'migration:run',
    ...nodeScript(join(__dirname, '..'), 'apps/cli/src/main.js', { args: ['migration:run'] }),
    env: { ...process.env, DATABASE_URL: url, REDIS_URL: 'redis://127.0.0.1:6379', LOG_LEVEL: 'error' },
    onLine: (line, stream) => {
      if (stream === 'stderr') process.stderr.write(`${line}\n`);
    },
  });
}

/** Rows are spread evenly over DAYS up to the start of the run. */
const BASE_MS = Date.now() - DAYS * 86_400_000;

/** A UUIDv7 (SQL expression) for row `i`'s time; `salt` tells apart ids of different tables for the same row. */
const v7 = (i: string, salt: string) =>
  `(lpad(to_hex(${BASE_MS}::bigint + (${i})::bigint * ${DAYS * 86_400_000}::bigint / ${ROWS}), 12, '0')
     || '7' || substr(md5('${salt}' || ${i}), 1, 3) || '8' || substr(md5('${salt}' || ${i}), 4, 15))::uuid`;

async function generate(db: Client): Promise<void> {
  const started = performance.now();
  await db.query(
    `INSERT INTO subscribers (id, kind, name, url)
     SELECT ('00000000-0000-7000-8000-' || lpad(i::text, 12, '0'))::uuid, 'webhook', 'hook ' || i, 'http://127.0.0.1:9/' || i
       FROM generate_series(1, ${WEBHOOKS}) AS i`,
  );
  // In chunks of a million: one statement per chunk keeps each transaction (and its WAL) bounded.
  for (let from = 0; from < ROWS; from += 1_000_000) {
    const to = Math.min(ROWS, from + 1_000_000) - 1;
    await db.query(
      `INSERT INTO events (id, type, occurred_at, recorded_at, source, project_uuid, job_uuid, pipeline_run_uuid, data)
       SELECT ${v7('i', 'e')}, (ARRAY[${TYPES.map((t) => `'${t}'`).join(',')}])[1 + i % ${TYPES.length}],
              now() - make_interval(secs => (${ROWS} - i)::double precision * ${DAYS} * 86400 / ${ROWS}),
              now() - make_interval(secs => (${ROWS} - i)::double precision * ${DAYS} * 86400 / ${ROWS}),
              'api', ('00000000-0000-4000-8000-' || lpad((i % 1000)::text, 12, '0'))::uuid,
              ('00000000-0000-4000-9000-' || lpad((i % 50000)::text, 12, '0'))::uuid, gen_random_uuid(), '{"n": 1}'
         FROM generate_series(${from}, ${to}) AS i`,
    );
    // One delivery per event: 2 % failed, the rest delivered; a webhook each in turn.
    await db.query(
      `INSERT INTO deliveries (id, event_id, event_type, subscriber_id, status, attempt_count, created_at, updated_at, delivered_at)
       SELECT ${v7('i', 'd')}, ${v7('i', 'e')}, (ARRAY[${TYPES.map((t) => `'${t}'`).join(',')}])[1 + i % ${TYPES.length}],
              ('00000000-0000-7000-8000-' || lpad((1 + i % ${WEBHOOKS})::text, 12, '0'))::uuid,
              CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'delivered' END, 1,
              now() - make_interval(secs => (${ROWS} - i)::double precision * ${DAYS} * 86400 / ${ROWS}), now(), now()
         FROM generate_series(${from}, ${to}) AS i`,
    );
    log(`generated ${to + 1} of ${ROWS} events and deliveries (${Math.round((performance.now() - started) / 1000)} s)`);
  }
  await db.query(`VACUUM ANALYZE events`);
  await db.query(`VACUUM ANALYZE deliveries`);
  log(`generated and vacuumed in ${Math.round((performance.now() - started) / 1000)} s`);
}

/** Runs `list` through a recording DataSource: the statement it sends is timed and explained. */
async function measure(db: Client, source: DataSource, config: ReturnType<typeof parseConfig>): Promise<void> {
  let captured: { sql: string; params: unknown[] } | undefined;
  const recording = {
    query: (sql: string, params: unknown[]) => {
      captured ??= { sql, params };
      return source.query(sql, params);
    },
  } as unknown as DataSource;
  const deliveries = new DeliveryQueries(recording, config);
  const events = new EventQueries(recording);
  const [{ id: middle }] = (await db.query(`SELECT id FROM deliveries ORDER BY id OFFSET ${Math.floor(ROWS / 2)} LIMIT 1`)).rows;
  const [{ id: middleEvent }] = (await db.query(`SELECT id FROM events ORDER BY id OFFSET ${Math.floor(ROWS / 2)} LIMIT 1`)).rows;
  const [{ id: failedCursor }] = (await db.query(`SELECT id FROM deliveries WHERE status = 'failed' ORDER BY id DESC OFFSET 1000 LIMIT 1`))
    .rows;
  const [{ id: eventId }] = (await db.query(`SELECT event_id AS id FROM deliveries WHERE id = $1`, [middle])).rows;
  const [{ pipeline_run_uuid: run }] = (await db.query(`SELECT pipeline_run_uuid FROM events WHERE id = $1`, [middleEvent])).rows;
  const day = new Date(Date.now() - 10 * 86_400_000);
  const window = { since: day, until: new Date(day.getTime() + 3_600_000) };
  const webhook = '00000000-0000-7000-8000-000000000007';
  const limit = 50;

  const deliveryCases: [string, DeliveryFilter][] = [
    ['deliveries: no filter', { limit }],
    ['deliveries: status=failed', { limit, status: 'failed' }],
    ['deliveries: status=failed, 21st page (cursor)', { limit, status: 'failed', cursor: failedCursor }],
    ['deliveries: status=pending (none)', { limit, status: 'pending' }],
    ['deliveries: webhook_id', { limit, webhook_id: webhook }],
    ['deliveries: webhook_id + status=failed', { limit, webhook_id: webhook, status: 'failed' }],
    ['deliveries: event_id', { limit, event_id: eventId }],
    ['deliveries: event_type exact', { limit, event_type: TYPES[2] }],
    ['deliveries: event_type absent', { limit, event_type: 'project:created' }],
    ['deliveries: event_type wildcard', { limit, event_type: 'observability:*' }],
    ['deliveries: event_type wildcard absent', { limit, event_type: 'jupyter:*' }],
    ['deliveries: since/until (1 h, 10 days ago)', { limit, ...window }],
    ['deliveries: cursor in the middle', { limit, cursor: middle }],
  ];
  const eventCases: [string, EventFilter][] = [
    ['events: no filter', { limit }],
    ['events: type exact', { limit, type: TYPES[2] }],
    ['events: type absent', { limit, type: 'project:created' }],
    ['events: type wildcard', { limit, type: 'observability:*' }],
    ['events: type wildcard absent', { limit, type: 'jupyter:*' }],
    ['events: project_uuid', { limit, project_uuid: '00000000-0000-4000-8000-000000000007' }],
    ['events: job_uuid', { limit, job_uuid: '00000000-0000-4000-9000-000000000007' }],
    ['events: pipeline_run_uuid', { limit, pipeline_run_uuid: run }],
    ['events: since/until (1 h, 10 days ago)', { limit, ...window }],
    ['events: cursor in the middle', { limit, cursor: middleEvent }],
  ];
  const cases: [string, () => Promise<unknown>][] = [
    ...deliveryCases.map(([name, filter]): [string, () => Promise<unknown>] => [name, () => deliveries.list(filter)]),
    ...eventCases.map(([name, filter]): [string, () => Promise<unknown>] => [name, () => events.list(filter)]),
  ];
  for (const [name, run] of cases) {
    captured = undefined;
    await run();
    const statement = captured!;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const plan = (await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${statement.sql}`, statement.params)).rows
      .map((r: Record<string, string>) => r['QUERY PLAN'])
      .join('\n');
    process.stdout.write(JSON.stringify({ query: name, rows: ROWS, median_ms: Math.round(times[2] * 10) / 10, met: times[2] < 50 }) + '\n');
    process.stderr.write(`\n### ${name} (median ${times[2].toFixed(1)} ms)\n${plan}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});

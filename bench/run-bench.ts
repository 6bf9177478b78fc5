/**
 * `npm run bench` (DESIGN §9, v2).
 *
 * Starts the api and the worker as separate processes against the local
 * Postgres and Redis (a database and a QUEUE_PREFIX of its own), a receiver in
 * a child process, and measures, each figure beside the schema-independent
 * reference it is judged against (references.ts), in the same run:
 *
 *   1. setup            an events:write key, two webhooks on one event type (both to the receiver)
 *   2. ingest single    POST /v1/events, 32 in flight, worker stopped; api CPU per event
 *                       vs ref_http (a bare node:http server, same load) and ref_pg_single_tx
 *   3. delivery         worker started, the backlog of 2. drains; worker and Postgres CPU per delivery
 *                       vs ref_post (plain POSTs to the receiver)
 *   4. latency          200 events/s, open loop, commit → receiver; api + worker + Postgres CPU per event
 *   4b. ordered         the same backlog of events over 1,000 ordering keys drained by an unordered webhook,
 *                       then by an ordered one: ordered_delivery_per_s and its ratio to the unordered rate
 *   5. ingest batch     POST /v1/events/batch of 500, 4 in flight, worker stopped   vs ref_pg_copy
 *  5b. lineage batch    POST /api/v1/lineage/batch, gzip, 100 real OpenLineage events, 4 in flight   vs ingest batch
 *   6. backlog          a 10 M-row deliveries table with 1 M due (generate_series), drain rate ÷ the rate of 3.
 *   7. memory           peak RSS of api and worker over all of the above
 *   8. table            dead and live tuples and size of deliveries after all of the above
 *
 * (Batch ingest runs after delivery and latency so that its rows, with the
 * worker stopped, become part of the due rows of phase 6 rather than a backlog
 * phase 3 would have to drain first.)
 *
 * BENCH_PHASES (e.g. ingest_batch,lineage_batch) runs only some phases after setup.
 *
 * stdout: one JSON line per figure (figures.ts), nothing else. Everything else: stderr.
 * Exit status 0 when every phase ran, whatever the figures; otherwise 1 (130 on Ctrl-C), after cleaning up.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { searchPathOption } from '@tidings/database';
import { Client } from 'pg';
import { request } from 'undici';
import { BuildSnapshot, freePort, sweepBuildSnapshots } from '@tidings/testing';
import { AppProcess, ReceiverProcess, RssSampler, ServerProcess, snapshotDist } from './bench-processes';
import { createDatabase, databaseUrl, deleteRedisKeys, dropDatabase, sweepLeftovers, tableHealth } from './bench-database';
import { BacklogRows, insertBacklogRows } from './backlog';
import { comparison, figure, printLines, reference, round, tableState } from './figures';
import { leanPayload, refHttp, refPgCopy, refPgSingleTx, refPost } from './references';
import { closedLoop, epochMs, keepAlivePool, LoadResponse, loadAbort, openLoop } from './load';
import { log, phase, sleep, waitFor, withTimeout } from './log';
import { percentile, steadyRate } from './stats';
import { cpuSnapshot, describeCpu } from './cpu';
import { lineageBatchSource } from './lineage-batches';

// ── settings ────────────────────────────────────────────────────────────────

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

const S = {
  adminUrl: process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
  /** The api's and the worker's DATABASE_POOL_SIZE, and the pg references' pool size. */
  poolSize: intEnv('BENCH_DATABASE_POOL_SIZE', 20),
  /** The worker's WORKER_CONCURRENCY, and ref_post's concurrency. */
  workerConcurrency: intEnv('BENCH_WORKER_CONCURRENCY', 50),
  singleConcurrency: intEnv('BENCH_SINGLE_CONCURRENCY', 32),
  singleSeconds: intEnv('BENCH_SINGLE_SECONDS', 15),
  batchConcurrency: intEnv('BENCH_BATCH_CONCURRENCY', 4),
  batchSize: intEnv('BENCH_BATCH_SIZE', 500),
  lineageBatchSize: intEnv('BENCH_LINEAGE_BATCH_SIZE', 100),
  lineageSeconds: intEnv('BENCH_LINEAGE_SECONDS', 10),
  batchSeconds: intEnv('BENCH_BATCH_SECONDS', 10),
  /** How long each reference is measured. */
  refSeconds: intEnv('BENCH_REF_SECONDS', 8),
  /** Longest delivery measurement, counted from the first delivery. */
  deliverySeconds: intEnv('BENCH_DELIVERY_SECONDS', 20),
  latencyRate: intEnv('BENCH_LATENCY_RATE', 200),
  latencyWarmupSeconds: 2,
  latencySeconds: intEnv('BENCH_LATENCY_SECONDS', 15),
  /** Due deliveries when the drain starts (DESIGN: 1 M) … */
  backlog: intEnv('BENCH_BACKLOG', 1_000_000),
  /** … among this many rows in deliveries, the due ones included (DESIGN: a 10 M-row history). */
  backlogHistory: intEnv('BENCH_BACKLOG_HISTORY', 10_000_000),
  backlogSeconds: intEnv('BENCH_BACKLOG_SECONDS', 20),
  /** Ordered delivery: events drained by each of the two webhooks, their distinct ordering keys, the longest measurement. */
  orderedEvents: intEnv('BENCH_ORDERED_EVENTS', 20_000),
  orderedKeys: intEnv('BENCH_ORDERED_KEYS', 1000),
  orderedSeconds: intEnv('BENCH_ORDERED_SECONDS', intEnv('BENCH_DELIVERY_SECONDS', 20)),
  /** The relay's RELAY_BATCH_SIZE (default 500): the LIMIT of the claim query in the EXPLAIN. */
  claimLimit: intEnv('BENCH_APP_RELAY_BATCH_SIZE', 500),
};

const EVENT_TYPE = 'project:one-off-job:pipeline-run:failed';
const NAME = `tidings_bench_${process.pid}`;
/** Where the api migrates its tables (TIDINGS_SCHEMA, default tidings); the bench's own queries resolve names there. */
/**
 * BENCH_PHASES=ingest_batch,lineage_batch runs only the phases whose figure
 * starts with one of these names (setup always runs): a short run for one
 * figure and its reference. Empty: every phase.
 */
const PHASES = (process.env.BENCH_PHASES ?? '')
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean);
const selected = (figureName: string) => PHASES.length === 0 || PHASES.some((p) => figureName.startsWith(p));
/** phase(), skipped (with a line on stderr) when BENCH_PHASES leaves it out. */
async function selectedPhase(name: string, body: () => Promise<void>): Promise<void> {
  if (selected(name)) return phase(name, body);
  log(`── ${name}: skipped (BENCH_PHASES=${PHASES.join(',')})`);
}

const SCHEMA = process.env.BENCH_APP_TIDINGS_SCHEMA || 'tidings';
const ADMIN_KEY = randomBytes(24).toString('hex');

// ── state, cleanup ──────────────────────────────────────────────────────────

const rss = new RssSampler();
let api: AppProcess | undefined;
let worker: AppProcess | undefined;
let receiver: ReceiverProcess | undefined;
let referenceServer: ServerProcess | undefined;
let db: Client | undefined;
let snapshot: BuildSnapshot | undefined;
let created = false;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    const t0 = performance.now();
    const steps: [string, () => Promise<unknown>][] = [
      ['stop worker', async () => worker?.stop(15_000)],
      ['stop api', async () => api?.stop(10_000)],
      ['stop receiver', async () => receiver?.stop()],
      ['stop reference server', async () => referenceServer?.stop()],
      ['close database client', async () => db?.end()],
      ['drop database', async () => created && dropDatabase(S.adminUrl, NAME)],
      ['delete redis keys', async () => created && log(`deleted ${await deleteRedisKeys(S.redisUrl, NAME)} redis keys under ${NAME}:`)],
      ['remove the build snapshot', async () => snapshot?.remove()],
    ];
    for (const [what, step] of steps) {
      try {
        await withTimeout(what, step(), 40_000);
      } catch (error) {
        log(`cleanup: ${what} failed: ${(error as Error).message}`);
      }
    }
    rss.stop();
    log(`cleanup: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  })();
  return cleaning;
}

let interrupted = false;
function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) {
    // At exit the process harness kills every child this process started.
    log(`${signal} again: exiting without cleaning up (database ${NAME} is swept at the next run)`);
    process.exit(130);
  }
  interrupted = true;
  loadAbort.aborted = true;
  log(`${signal}: stopping and cleaning up (again to force)`);
  void cleanup().finally(() => process.exit(130));
}

/**
 * Starts counting CPU; the returned function logs where it went since (see
 * cpu.ts) and, given how many units (events, deliveries) were done meanwhile,
 * returns the CPU milliseconds each cost in each process (api, worker,
 * postgres = the backends of the bench database, …).
 */
function cpuMeter(what: string): (units?: number, unit?: string) => Map<string, number> {
  const pids = () => ({
    api: api?.running ? api.pid : undefined,
    worker: worker?.running ? worker.pid : undefined,
    receiver: receiver?.pid,
    reference: referenceServer?.pid,
    bench: process.pid,
  });
  const before = cpuSnapshot(pids(), [NAME]);
  return (units, unit = 'unit') => {
    const after = cpuSnapshot(pids(), [NAME]);
    const { text, cores } = describeCpu(before, after, cpus().length);
    log(`${what}: ${text}`);
    const perUnit = new Map<string, number>();
    if (units) {
      const seconds = (after.at - before.at) / 1000;
      for (const [role, c] of cores) if (role !== 'other') perUnit.set(role, (c * seconds * 1000) / units);
      const shown = [...perUnit]
        .filter(([, ms]) => ms >= 0.005)
        .map(([role, ms]) => `${role} ${ms.toFixed(3)}`)
        .join(', ');
      log(`${what}: CPU ms per ${unit}: ${shown}`);
    }
    return perUnit;
  };
}

// ── helpers ─────────────────────────────────────────────────────────────────

/** Transactions committed and rolled back in the bench database so far (every process's; the statistics are flushed about once a second). */
/**
 * What the bench database has done so far: transactions, and per table (a
 * partition counted with its parent) the buffer pages read, from cache or
 * disk, heap and indexes, and the tuples written. Per delivery, pages and
 * tuples are the steady numbers: they do not swing with the machine's load
 * as CPU time does, so a change in the statements shows between two runs.
 */
interface DatabaseWork {
  xacts: number;
  tables: Map<string, { pages: number; tuples: number }>;
}

async function databaseWork(): Promise<DatabaseWork> {
  await q('SELECT pg_stat_clear_snapshot()');
  const [{ xacts }] = await q(`SELECT (xact_commit + xact_rollback)::bigint AS xacts FROM pg_stat_database WHERE datname = current_database()`);
  const rows = await q<{ name: string; pages: string; tuples: string }>(
    `SELECT coalesce(parent.relname, io.relname) AS name,
            sum(coalesce(io.heap_blks_hit, 0) + coalesce(io.heap_blks_read, 0) + coalesce(io.idx_blks_hit, 0) + coalesce(io.idx_blks_read, 0)
              + coalesce(io.toast_blks_hit, 0) + coalesce(io.toast_blks_read, 0))::bigint AS pages,
            sum(t.n_tup_ins + t.n_tup_upd + t.n_tup_del)::bigint AS tuples
       FROM pg_statio_user_tables io
       JOIN pg_stat_user_tables t USING (relid)
       LEFT JOIN pg_inherits i ON i.inhrelid = io.relid
       LEFT JOIN pg_class parent ON parent.oid = i.inhparent
      GROUP BY 1`,
  );
  return { xacts: Number(xacts), tables: new Map(rows.map((r) => [r.name, { pages: Number(r.pages), tuples: Number(r.tuples) }])) };
}

/** Per unit of work between two readings: transactions, pages and tuples, and the tables that took most pages. */
function describeWork(before: DatabaseWork, after: DatabaseWork, units: number): string {
  const per = (n: number) => (n / Math.max(1, units)).toFixed(2);
  const tables = [...after.tables].map(([name, t]) => {
    const b = before.tables.get(name) ?? { pages: 0, tuples: 0 };
    return { name, pages: t.pages - b.pages, tuples: t.tuples - b.tuples };
  });
  const pages = tables.reduce((sum, t) => sum + t.pages, 0);
  const tuples = tables.reduce((sum, t) => sum + t.tuples, 0);
  const top = tables
    .filter((t) => t.pages > 0 || t.tuples > 0)
    .sort((a, b) => b.pages - a.pages)
    .slice(0, 6)
    .map((t) => `${t.name} ${per(t.pages)}/${per(t.tuples)}`)
    .join(', ');
  return `${per(after.xacts - before.xacts)} Postgres transactions, ${per(pages)} buffer pages read, ${per(tuples)} tuples written; by table (pages/tuples): ${top}`;
}

/** An event body of `type` (EVENT_TYPE by default) for pipeline run `run` (its ordering key; fresh by default). */
function eventJson(idempotencyKey?: string, { type = EVENT_TYPE, run = randomUUID() }: { type?: string; run?: string } = {}): string {
  const key = idempotencyKey ? `"idempotency_key":"${idempotencyKey}",` : '';
  return (
    `{"type":"${type}",${key}"project":{"uuid":"${randomUUID()}","name":"demo"},` +
    `"job":{"uuid":"${randomUUID()}","name":"nightly","status":"FAILURE","pipeline_name":"etl","total_runs":12},` +
    `"pipeline_run":{"uuid":"${run}","status":"FAILURE","number":12,"parameters":{"date":"2026-11-19"},` +
    `"failed_steps":[{"uuid":"${randomUUID()}","title":"load"}]}}`
  );
}

/** Events a batch response says were stored; 0 (a failed request) when any of the batch was refused. */
function storedBatchEvents(res: LoadResponse): number {
  if (res.status !== 200) return 0;
  const summary = JSON.parse(res.body).summary;
  return summary.failed === 0 ? summary.successful : 0;
}

async function apiCall(origin: string, method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<any> {
  const res = await request(`${origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path} → ${res.statusCode} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

async function q<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await withTimeout('query', db!.query(sql, params), 120_000)).rows as T[];
}

async function waitWorkerReady(since: Date): Promise<void> {
  await worker!.ready(
    'the worker to listen for the outbox',
    async () => {
      const [row] = await q(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'tidings-relay-listener' AND backend_start >= $2`,
        [NAME, since],
      );
      return row.n > 0 ? true : undefined;
    },
    60_000,
  );
}

async function startWorker(): Promise<void> {
  const since = new Date(Date.now() - 1000);
  const t0 = performance.now();
  worker!.start();
  await waitWorkerReady(since);
  log(`worker ready in ${Math.round(performance.now() - t0)} ms`);
}

/** Webhook attempts recorded in Postgres since `since` that succeeded (of one webhook, if given): their end times (epoch ms). */
async function recordedSuccessTimes(since: number, webhookId: string | null = null): Promise<number[]> {
  const rows = await q<{ t: number }>(
    `SELECT extract(epoch FROM a.started_at) * 1000 + a.duration_ms AS t
       FROM delivery_attempts a
       JOIN deliveries d ON d.id = a.delivery_id
       JOIN subscribers s ON s.id = d.subscriber_id AND s.kind = 'webhook'
      WHERE a.started_at >= to_timestamp($1::double precision / 1000)
        AND a.response_status BETWEEN 200 AND 299 AND a.error IS NULL
        AND ($2::uuid IS NULL OR s.id = $2::uuid)`,
    [since, webhookId],
  );
  return rows.map((r) => Number(r.t)).sort((a, b) => a - b);
}

async function recordedAttempts(since: number): Promise<number> {
  const [row] = await q(
    `SELECT count(*)::int AS n FROM delivery_attempts a
       JOIN deliveries d ON d.id = a.delivery_id JOIN subscribers s ON s.id = d.subscriber_id AND s.kind = 'webhook'
      WHERE a.started_at >= to_timestamp($1::double precision / 1000)`,
    [since],
  );
  return row.n;
}

/** Cancels what is still pending (SQL) and waits until nothing is claimed: an empty queue for the next phase. */
async function emptyTheQueue(): Promise<number> {
  let cancelled = 0;
  await waitFor(
    'the outbox to be empty (nothing pending or claimed)',
    async () => {
      const [{ n }] = await q(
        `WITH c AS (UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, claimed_at = NULL, updated_at = now()
                     WHERE status = 'pending' RETURNING 1)
         SELECT count(*)::int AS n FROM c`,
      );
      cancelled += n;
      const [{ open }] = await q(`SELECT count(*)::int AS open FROM deliveries WHERE status IN ('claimed', 'pending')`);
      return open === 0 ? true : undefined;
    },
    30_000,
    250,
  );
  return cancelled;
}

/**
 * Waits for the first delivery, then until `expected` distinct deliveries
 * arrived or `seconds` have passed since the first one.
 */
async function watchDrain(expected: number, seconds: number): Promise<{ received: number; drained: boolean }> {
  const t0 = performance.now();
  let first: number | undefined;
  for (;;) {
    const stats = await receiver!.stats();
    const now = performance.now();
    if (stats.hookUnique > 0 && first === undefined) first = now;
    if (stats.hookUnique >= expected) return { received: stats.hookUnique, drained: true };
    if (first !== undefined && now - first >= seconds * 1000) return { received: stats.hookUnique, drained: false };
    if (first === undefined && now - t0 > 60_000) throw new Error('no delivery reached the receiver within 60 s of the worker starting');
    worker!.assertRunning();
    await sleep(250);
  }
}

/**
 * The relay's claim query exactly as the build being measured sends it:
 * OutboxRelay.claimDue run against a stand-in for the database that only
 * records the statement. Undefined (and a warning) if that class has moved.
 */
async function captureClaimQuery(dist: string, limit: number): Promise<{ sql: string; params: unknown[] } | undefined> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { OutboxRelay } = require(join(dist, 'libs/deliveries/src/outbox-relay.js'));
    let captured: { sql: string; params: unknown[] } | undefined;
    const recorder = {
      // A prepared statement arrives as { name, text } (see preparedStatement).
      query: async (sql: string | { text: string }, params: unknown[] = []) => {
        captured ??= { sql: typeof sql === 'string' ? sql : sql.text, params };
        return [];
      },
    };
    await new OutboxRelay(recorder).claimDue(limit);
    if (!captured) throw new Error('claimDue sent no statement');
    return captured;
  } catch (error) {
    log(`WARNING: could not capture the relay's claim query (${(error as Error).message}); no EXPLAIN`);
    return undefined;
  }
}

/** The worker's Prometheus counters of delivery outcomes (deferred = endpoint busy), for stderr. */
async function workerOutcomes(workerOrigin: string): Promise<string> {
  try {
    const res = await request(`${workerOrigin}/metrics`, { headersTimeout: 3000, bodyTimeout: 3000 });
    const text = await res.body.text();
    if (res.statusCode !== 200) return `(worker /metrics answered ${res.statusCode})`;
    const outcomes = [...text.matchAll(/^tidings_deliveries_total\{[^}]*outcome="([^"]+)"[^}]*\} (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    return outcomes.length ? outcomes.join(', ') : '(no tidings_deliveries_total in worker /metrics)';
  } catch (error) {
    return `(worker /metrics: ${(error as Error).message})`;
  }
}

// ── the run ─────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const runStart = performance.now();
  const [l1, l5] = loadavg();
  log(`${cpus().length} CPUs, load average ${l1.toFixed(2)} / ${l5.toFixed(2)} (1 / 5 min); database ${NAME}, queue prefix ${NAME}`);
  if (l1 > 0.5) log(`note: the machine is not idle (load ${l1.toFixed(2)}); figures will be lower than on an idle machine`);

  await sweepLeftovers(S.adminUrl, S.redisUrl);
  sweepBuildSnapshots('bench', (dir) => log(`removing leftover build snapshot ${dir}`));
  rss.start();

  // ── setup ──
  let origin = '';
  let workerOrigin = '';
  let ingestKey = '';
  let probeId = '';
  let backlogRows: BacklogRows;
  let deliveriesPerEvent = 0;
  let webhookDeliveriesPerEvent = 0;
  const apiUrl = databaseUrl(S.adminUrl, NAME);
  // The lean rows' jsonb (references.ts): an event body like the api's, padded to DESIGN's 600 B.
  const leanBody = leanPayload(eventJson());

  await phase('setup', async () => {
    snapshot = await snapshotDist();
    const dist = snapshot.dist;
    log(`running the api, worker, cli and receiver from a snapshot of dist/: ${dist}`);
    created = true;
    await createDatabase(S.adminUrl, NAME);
    receiver = await ReceiverProcess.start(dist);
    const port = await freePort();
    const workerPort = await freePort();
    origin = `http://127.0.0.1:${port}`;
    workerOrigin = `http://127.0.0.1:${workerPort}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATABASE_URL: apiUrl,
      DATABASE_POOL_SIZE: String(S.poolSize),
      REDIS_URL: S.redisUrl,
      QUEUE_PREFIX: NAME,
      PORT: String(port),
      WORKER_PORT: String(workerPort),
      TIDINGS_ADMIN_KEY: ADMIN_KEY,
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      INGEST_RATE_LIMIT: 'off',
      INGEST_DELIVERY_RATE_LIMIT: 'off',
      LOG_LEVEL: 'warn',
      WORKER_CONCURRENCY: String(S.workerConcurrency),
      TELEMETRY_DISABLED: 'false',
      ANALYTICS_URL: receiver.url(''),
      ANALYTICS_API_KEY: 'phc_bench',
    };
    // BENCH_APP_X=v sets X=v for the api and the worker (e.g. BENCH_APP_RELAY_BATCH_SIZE=1000).
    for (const [name, value] of Object.entries(process.env)) {
      if (name.startsWith('BENCH_APP_') && value !== undefined) env[name.slice('BENCH_APP_'.length)] = value;
    }
    const shown = Object.entries(env)
      .filter(([k]) => !['PATH', 'HOME', 'TIDINGS_ADMIN_KEY'].includes(k))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    log(`api/worker environment: ${shown}`);
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
    if (nodeArgs.length) log(`api/worker node options: ${nodeArgs.join(' ')}`);
    api = new AppProcess('api', dist, 'apps/api/src/main.js', env, rss, nodeArgs);
    worker = new AppProcess('worker', dist, 'apps/worker/src/main.js', env, rss, nodeArgs);

    const t0 = performance.now();
    api.start();
    await api.ready(
      'the api to be ready',
      async () => {
        const res = await request(`${origin}/health/ready`, { headersTimeout: 2000, bodyTimeout: 2000 });
        await res.body.text();
        return res.statusCode === 200 ? true : undefined;
      },
      60_000,
    );
    log(`api ready in ${Math.round(performance.now() - t0)} ms (migrations included)`);

    db = new Client({ connectionString: apiUrl, application_name: 'tidings-bench', options: searchPathOption(SCHEMA) });
    db.on('error', (error) => log(`bench database connection: ${error.message}`));
    await db.connect();

    ingestKey = (await apiCall(origin, 'POST', '/v1/api-keys', ADMIN_KEY, { name: 'bench-ingest', scopes: ['events:write'] })).key;
    for (const name of ['a', 'b']) {
      await apiCall(origin, 'POST', '/v1/webhooks', ADMIN_KEY, {
        name: `bench-${name}`,
        url: receiver.url(`/hook/${name}`),
        subscriptions: [{ event_type: EVENT_TYPE }],
      });
    }
    const probe = await apiCall(origin, 'POST', '/v1/events', ingestKey, JSON.parse(eventJson(randomUUID())));
    probeId = probe.id;
    // Webhook rows store no body (the worker renders it when sending): their payload is null.
    const probeRows = await q<{ subscriber_id: string; kind: string; payload: string | null }>(
      `SELECT d.subscriber_id, s.kind, d.payload::text AS payload
         FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.event_id = $1 ORDER BY d.subscriber_id`,
      [probeId],
    );
    const webhooks = probeRows.filter((r) => r.kind === 'webhook').map((r) => ({ id: r.subscriber_id, payload: r.payload }));
    deliveriesPerEvent = probeRows.length;
    webhookDeliveriesPerEvent = webhooks.length;
    log(
      `one event → ${deliveriesPerEvent} deliveries rows (${webhookDeliveriesPerEvent} webhook; telemetry is exported from the events row); ` +
        `stored payloads of ${probeRows.map((d) => d.payload?.length ?? 'no').join(', ')} bytes; ` +
        `the references' lean rows carry ${Buffer.byteLength(leanBody)} bytes of jsonb`,
    );
    if (webhooks.length !== 2) throw new Error(`expected 2 webhook deliveries per event, the api created ${webhooks.length}`);
    backlogRows = { eventId: probeId, eventType: EVENT_TYPE, webhooks: [webhooks[0], webhooks[1]] };
  });

  const apiPool = keepAlivePool(origin, Math.max(S.singleConcurrency, S.batchConcurrency));
  const ingestHeaders = { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' };

  // ── ingest, one event per request ──
  await selectedPhase('ingest_single_per_s', async () => {
    const ingestRequest = () => ({
      path: '/v1/events',
      headers: { ...ingestHeaders, 'idempotency-key': randomUUID() },
      body: eventJson(),
    });
    const workBefore = await databaseWork();
    const cpu = cpuMeter('ingest');
    const result = await closedLoop({
      pool: apiPool,
      concurrency: S.singleConcurrency,
      seconds: S.singleSeconds,
      next: ingestRequest,
      onResponse: (res) => (res.status === 201 ? 1 : 0),
    });
    const apiCpu = cpu(result.units, 'event').get('api');
    // Group commit: the transactions per event say how many events one statement served.
    log(`ingest, per event: ${describeWork(workBefore, await databaseWork(), result.units)}`);
    const rate = result.units / result.seconds;
    log(
      `POST /v1/events: ${result.units} × 201 in ${result.seconds.toFixed(1)} s = ${rate.toFixed(0)}/s ` +
        `(${S.singleConcurrency} in flight; statuses ${JSON.stringify(Object.fromEntries(result.statuses))}; errors ${result.errors})`,
    );
    if (result.units < result.completed + result.errors) throw new Error(`ingest requests failed: ${result.firstFailure}`);
    if (apiCpu === undefined) throw new Error('no CPU reading of the api');

    // Same load generator, concurrency, headers and bodies; a bare server instead of the api.
    referenceServer = await ServerProcess.startReference(snapshot!.dist);
    const refPool = keepAlivePool(referenceServer.url(''), S.singleConcurrency);
    try {
      const refCpu = cpuMeter('ref_http');
      const ref = await refHttp({ pool: refPool, concurrency: S.singleConcurrency, seconds: S.refSeconds, next: ingestRequest });
      refCpu(ref.events, 'request');
      log(
        `ref_http: ${ref.events} × 201 in ${ref.seconds.toFixed(1)} s = ${ref.perSecond.toFixed(0)}/s (${S.singleConcurrency} in flight)`,
      );
      reference(
        'ref_http_per_s',
        Math.round(ref.perSecond),
        'requests/s',
        `node:http in a child process, JSON.parse of the body, 201; the ingest load generator, ${S.singleConcurrency} in flight, same body`,
      );
    } finally {
      await refPool.close().catch(() => undefined);
      referenceServer.stop();
      referenceServer = undefined;
    }

    const pgCpu = cpuMeter('ref_pg_single_tx');
    const pg = await refPgSingleTx({
      url: apiUrl,
      poolSize: S.poolSize,
      concurrency: S.singleConcurrency,
      seconds: S.refSeconds,
      payload: leanBody,
      onMeasured: (r) => pgCpu(r.events, 'event'),
    });
    log(`ref_pg_single_tx: ${pg.events} events in ${pg.seconds.toFixed(1)} s = ${pg.perSecond.toFixed(0)}/s`);
    reference(
      'ref_pg_single_tx_per_s',
      Math.round(pg.perSecond),
      'events/s',
      `node-postgres, per event BEGIN, INSERT event (id, type, ${Buffer.byteLength(leanBody)} B jsonb), one INSERT of 2 delivery rows ` +
        `(ids, status, time), COMMIT; ${S.singleConcurrency} in flight over a pool of ${S.poolSize}; tables with a primary key only`,
    );
    figure('ingest_single_per_s', Math.round(rate), 'events/s');
    log(`ingest_single_per_s ÷ ref_pg_single_tx_per_s = ${(rate / pg.perSecond).toFixed(2)}`);
    figure('api_cpu_ms_per_event', round(apiCpu, 3), 'ms');
  });

  // ── delivery ──
  let deliveryRate = 0;
  await selectedPhase('delivery_per_s', async () => {
    const [{ n: expected }] = await q(
      `SELECT count(*)::int AS n FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id AND s.kind = 'webhook' WHERE d.status = 'pending'`,
    );
    log(`backlog: ${expected} webhook deliveries pending`);
    await receiver!.reset(false);
    const since = Date.now() - 1000;
    await startWorker();
    const startCount = (await receiver!.stats()).hookUnique;
    const cpu = cpuMeter('delivery');
    const workBefore = await databaseWork();
    const drain = await watchDrain(expected, S.deliverySeconds);
    const deliveryCpu = cpu(drain.received - startCount, 'delivery');
    const delivered = drain.received - startCount;
    const times = await recordedSuccessTimes(since);
    const steady = steadyRate(times);
    if (!steady) throw new Error(`too few deliveries recorded to measure a rate (${times.length})`);
    deliveryRate = steady.perSecond;
    log(
      `${drain.drained ? 'drained' : 'stopped measuring at'} ${drain.received}/${expected}; ${times.length} successful attempts recorded; ` +
        `steady rate (10 %–90 % of them, ${steady.seconds.toFixed(1)} s) = ${deliveryRate.toFixed(0)}/s`,
    );
    log(`worker outcomes so far: ${await workerOutcomes(workerOrigin)}`);
    // Read before the rest of the backlog is cancelled (that would count too), with the receiver's count of the
    // same moment: busy backends flush their statistics about every second, so this misses about a second of work.
    const workAfter = await databaseWork();
    const deliveredByThen = (await receiver!.stats()).hookUnique - startCount;
    const cancelled = await emptyTheQueue();
    if (cancelled) log(`cancelled the ${cancelled} deliveries still pending, so the latency phase starts from an empty outbox`);
    const stats = await receiver!.stats();
    const attempts = await recordedAttempts(since);
    log(
      `receiver: ${stats.hookRequests} webhook requests (${stats.hookUnique} distinct webhook-ids), ${stats.analyticsRequests} analytics requests ` +
        `(${stats.analyticsEvents} events), ${stats.otherRequests} other; attempts recorded: ${attempts}`,
    );
    if (attempts < stats.hookRequests)
      log(`WARNING: ${stats.hookRequests - attempts} webhook request(s) reached the receiver without a recorded attempt`);
    if (!stats.sample) throw new Error('the receiver kept no sample request');

    const refCpu = cpuMeter('ref_post');
    const ref = await refPost({
      origin: receiver!.url(''),
      concurrency: S.workerConcurrency,
      seconds: S.refSeconds,
      sample: stats.sample,
    });
    refCpu(ref.events, 'request');
    const bodyBytes = Buffer.byteLength(stats.sample.body);
    log(
      `ref_post, plain keep-alive POSTs (${S.workerConcurrency} in flight, ${bodyBytes}-byte body): ` +
        `${ref.events} in ${ref.seconds.toFixed(1)} s = ${ref.perSecond.toFixed(0)}/s`,
    );
    reference(
      'ref_post_per_s',
      Math.round(ref.perSecond),
      'requests/s',
      `undici keep-alive POSTs of a signed webhook request the worker sent (same headers, ${bodyBytes}-byte body, fresh webhook-id) ` +
        `to the same receiver, ${S.workerConcurrency} in flight`,
    );
    // Round trips are where the worker's CPU goes (socket writes), and a transaction is at least one; the relay's idle polls add a few.
    log(`delivery, per delivery: ${describeWork(workBefore, workAfter, deliveredByThen)}`);
    figure('delivery_per_s', Math.round(deliveryRate), 'deliveries/s');
    figure('worker_cpu_ms_per_delivery', round(deliveryCpu.get('worker') ?? NaN, 3), 'ms');
    figure('pg_cpu_ms_per_delivery', round(deliveryCpu.get('postgres') ?? NaN, 3), 'ms');
  });

  // ── latency ──
  await selectedPhase('latency_p50_ms / latency_p99_ms', async () => {
    await receiver!.reset(true);
    const total = S.latencyWarmupSeconds + S.latencySeconds;
    // How late this process's own timers ran: what a receiver inside it would have added to every arrival time.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpu = cpuMeter('latency');
    const workBefore = await databaseWork();
    const sends = await openLoop({
      pool: apiPool,
      ratePerSecond: S.latencyRate,
      seconds: total,
      next: () => ({ path: '/v1/events', headers: { ...ingestHeaders, 'idempotency-key': randomUUID() }, body: eventJson() }),
    });
    loopDelay.disable();
    const late = (ns: number) => Math.max(0, ns / 1e6 - 10).toFixed(1);
    log(
      `load generator's event loop while sending (how late its timers ran; an in-process receiver would add this to arrival times): ` +
        `p50 ${late(loopDelay.percentile(50))} p99 ${late(loopDelay.percentile(99))} max ${late(loopDelay.max)} ms`,
    );
    const warmupEnd = sends[0].scheduledAt + S.latencyWarmupSeconds * 1000;
    const measured = sends.filter((s) => s.scheduledAt >= warmupEnd);
    const failed = measured.filter((s) => s.response?.status !== 201);
    if (failed.length)
      throw new Error(
        `${failed.length} of ${measured.length} events were refused: ${failed[0].error ?? failed[0].response?.body.slice(0, 300)}`,
      );
    const lag = measured.map((s) => s.sentAt - s.scheduledAt).sort((a, b) => a - b);
    const ack = new Map(measured.map((s) => [JSON.parse(s.response!.body).id as string, s.response!.at]));
    const expected = ack.size * webhookDeliveriesPerEvent;
    const allEvents = sends.length * webhookDeliveriesPerEvent;
    await waitFor(
      `${allEvents} deliveries at the receiver`,
      async () => ((await receiver!.stats()).hookUnique >= allEvents ? true : undefined),
      20_000,
      100,
    ).catch((error) => log(`${(error as Error).message}; a missing delivery counts as arriving now (its latency is at least that)`));
    // Read once every delivery arrived, so the work of the last events is counted.
    const perEvent = cpu(sends.length, 'event');
    log(`latency, per event: ${describeWork(workBefore, await databaseWork(), sends.length)}`);
    const arrivals = await receiver!.arrivals();
    const gaveUpAt = epochMs();
    const rows = await q<{ id: string; event_id: string; recorded_ms: number }>(
      `SELECT d.id, d.event_id, extract(epoch FROM e.recorded_at) * 1000 AS recorded_ms
         FROM deliveries d JOIN events e ON e.id = d.event_id JOIN subscribers s ON s.id = d.subscriber_id AND s.kind = 'webhook'
        WHERE d.event_id = ANY($1::uuid[])`,
      [[...ack.keys()]],
    );
    if (rows.length !== expected) throw new Error(`expected ${expected} webhook deliveries for the measured events, found ${rows.length}`);
    const fromRecorded: number[] = [];
    const fromAck: number[] = [];
    let missing = 0;
    for (const row of rows) {
      const at = arrivals.get(row.id);
      if (at === undefined) {
        missing++;
        fromRecorded.push(gaveUpAt - Number(row.recorded_ms));
        fromAck.push(gaveUpAt - ack.get(row.event_id)!);
        continue;
      }
      fromRecorded.push(at - Number(row.recorded_ms));
      fromAck.push(at - ack.get(row.event_id)!);
    }
    fromRecorded.sort((a, b) => a - b);
    fromAck.sort((a, b) => a - b);
    const describe = (xs: number[]) =>
      `p50 ${percentile(xs, 50).toFixed(1)} p90 ${percentile(xs, 90).toFixed(1)} p99 ${percentile(xs, 99).toFixed(1)} max ${xs[xs.length - 1].toFixed(1)} ms`;
    if (missing) log(`WARNING: ${missing} deliveries had not arrived 20 s after the last event; the percentiles are lower bounds`);
    log(
      `${measured.length} events at ${S.latencyRate}/s after ${S.latencyWarmupSeconds} s warm-up → ${rows.length} webhook deliveries, ${missing} missing; ` +
        `send lag p99 ${percentile(lag, 99).toFixed(1)} ms`,
    );
    log(`latency, events.recorded_at (transaction start, before commit) → receiver: ${describe(fromRecorded)}`);
    log(`latency, 201 at the load generator (after commit) → receiver:           ${describe(fromAck)}`);
    figure('latency_p50_ms', round(percentile(fromRecorded, 50), 1), 'ms');
    figure('latency_p99_ms', round(percentile(fromRecorded, 99), 1), 'ms');
    const total200 = ['api', 'worker', 'postgres'].reduce((sum, role) => sum + (perEvent.get(role) ?? NaN), 0);
    if (S.latencyRate !== 200) log(`note: cpu_ms_per_event_at_200 was measured at ${S.latencyRate} events/s (BENCH_LATENCY_RATE)`);
    figure('cpu_ms_per_event_at_200', round(total200, 3), 'ms');
    await worker!.stop();
  });

  // ── ordered delivery ──
  await selectedPhase('ordered_delivery_per_s', async () => {
    // The same backlog twice, each time for one webhook alone (its own event type), the worker stopped while it is written.
    const runs = Array.from({ length: S.orderedKeys }, () => randomUUID());
    const drainRate = async (name: string, type: string, ordered: boolean): Promise<{ perSecond: number; due: number }> => {
      const webhook = await apiCall(origin, 'POST', '/v1/webhooks', ADMIN_KEY, {
        name: `bench-${name}`,
        url: receiver!.url(`/hook/${name}`),
        ordered,
        subscriptions: [{ event_type: type }],
      });
      // Round robin over the keys, as events of many runs arrive interleaved.
      const result = await closedLoop({
        pool: apiPool,
        concurrency: S.batchConcurrency,
        seconds: 600,
        maxUnits: S.orderedEvents,
        next: (batch) => ({
          path: '/v1/events/batch',
          headers: ingestHeaders,
          body: `[${Array.from({ length: S.batchSize }, (_, i) => eventJson(undefined, { type, run: runs[(batch * S.batchSize + i) % runs.length] })).join(',')}]`,
        }),
        onResponse: (res) => (res.status === 200 ? JSON.parse(res.body).summary.successful : 0),
      });
      const [{ n: due, keyed }] = await q(
        `SELECT count(*)::int AS n, count(ordering_key)::int AS keyed FROM deliveries WHERE subscriber_id = $1 AND status = 'pending'`,
        [webhook.id],
      );
      log(`${name}: ${result.units} events over ${S.orderedKeys} keys → ${due} deliveries due (${keyed} with an ordering key)`);
      await receiver!.reset(false);
      const since = Date.now() - 1000;
      await startWorker();
      const cpu = cpuMeter(name);
      const drain = await watchDrain(due, S.orderedSeconds);
      cpu(drain.received, 'delivery');
      const steady = steadyRate(await recordedSuccessTimes(since, webhook.id));
      if (!steady) throw new Error(`${name}: too few deliveries recorded to measure a rate`);
      log(
        `${name}: ${drain.drained ? 'drained' : 'stopped measuring at'} ${drain.received}/${due}; ` +
          `steady rate (10 %–90 %, ${steady.seconds.toFixed(1)} s) = ${steady.perSecond.toFixed(0)}/s`,
      );
      await worker!.stop();
      const cancelled = await emptyTheQueue();
      if (cancelled) log(`${name}: cancelled the ${cancelled} deliveries still pending`);
      return { perSecond: steady.perSecond, due };
    };
    const unordered = await drainRate('unordered', 'project:one-off-job:pipeline-run:succeeded', false);
    const ordered = await drainRate('ordered', 'project:one-off-job:pipeline-run:started', true);
    comparison(
      'ordered_delivery_per_s',
      Math.round(ordered.perSecond),
      'deliveries/s',
      { name: 'unordered_delivery_per_s', value: Math.round(unordered.perSecond) },
      `${ordered.due} events round robin over ${S.orderedKeys} ordering keys (pipeline runs), drained by an ordered webhook; ` +
        `the baseline is ${unordered.due} such events drained by an unordered webhook in this run`,
    );
  });

  // ── ingest, batches ──
  await selectedPhase('ingest_batch_per_s', async () => {
    // Its rows become part of phase 6's backlog; keep them under it.
    const maxEvents = Math.floor((S.backlog * 0.9) / deliveriesPerEvent);
    const workBefore = await databaseWork();
    const cpu = cpuMeter('ingest');
    const result = await closedLoop({
      pool: apiPool,
      concurrency: S.batchConcurrency,
      seconds: S.batchSeconds,
      maxUnits: maxEvents,
      next: () => ({
        path: '/v1/events/batch',
        headers: ingestHeaders,
        body: `[${Array.from({ length: S.batchSize }, () => eventJson(randomUUID())).join(',')}]`,
      }),
      onResponse: storedBatchEvents,
    });
    cpu(result.units, 'event');
    log(`batch ingest, per event: ${describeWork(workBefore, await databaseWork(), result.units)}`);
    const rate = result.units / result.seconds;
    log(
      `POST /v1/events/batch (${S.batchSize} each, ${S.batchConcurrency} in flight): ${result.units} events in ${result.seconds.toFixed(1)} s = ` +
        `${rate.toFixed(0)}/s (statuses ${JSON.stringify(Object.fromEntries(result.statuses))}; errors ${result.errors})`,
    );
    if (result.units < (result.completed + result.errors) * S.batchSize) throw new Error(`batch requests failed: ${result.firstFailure}`);
    const refCpu = cpuMeter('ref_pg_copy');
    const ref = await refPgCopy({
      url: apiUrl,
      poolSize: S.poolSize,
      concurrency: S.batchConcurrency,
      seconds: S.refSeconds,
      batchSize: S.batchSize,
      payload: leanBody,
      onMeasured: (r) => refCpu(r.events, 'event'),
    });
    log(
      `ref_pg_copy, ${S.batchSize} events per transaction: ${ref.events} events in ${ref.seconds.toFixed(1)} s = ${ref.perSecond.toFixed(0)}/s`,
    );
    reference(
      'ref_pg_copy_per_s',
      Math.round(ref.perSecond),
      'events/s',
      `COPY FROM STDIN (text format, pg-copy-streams), per transaction one COPY of ${S.batchSize} events (id, type, ` +
        `${Buffer.byteLength(leanBody)} B jsonb) and one of their ${2 * S.batchSize} delivery rows (ids, status, time); ` +
        `${S.batchConcurrency} in flight; tables with a primary key only`,
    );
    figure('ingest_batch_per_s', Math.round(rate), 'events/s');
  });

  // ── OpenLineage, gzip batches of real events ──
  await selectedPhase('lineage_batch_per_s', async () => {
    // Run from dist/bench: the repository is two levels up.
    const source = lineageBatchSource(join(__dirname, '..', '..'));
    // Compressing ~370 kB per batch costs the load generator more than building a typed batch does: the bodies are
    // made before the clock starts (20 batches a second; more are made on the fly), so the two cores go to the api and Postgres.
    const t0 = performance.now();
    const bodies = Array.from({ length: S.lineageSeconds * 20 }, () => gzipSync(source.next(S.lineageBatchSize)));
    log(
      `lineage batches: ${bodies.length} of ${S.lineageBatchSize} events each (gzip, ${Math.round(bodies[0].length / 1024)} KiB), ` +
        `cycling ${source.size} fixture events with fresh runIds, made in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const cpu = cpuMeter('lineage');
    const result = await closedLoop({
      pool: apiPool,
      concurrency: S.batchConcurrency,
      seconds: S.lineageSeconds,
      next: () => ({
        path: '/api/v1/lineage/batch',
        headers: { ...ingestHeaders, 'content-encoding': 'gzip' },
        body: bodies.pop() ?? gzipSync(source.next(S.lineageBatchSize)),
      }),
      onResponse: storedBatchEvents,
    });
    cpu(result.units, 'event');
    const rate = result.units / result.seconds;
    const [{ n: runs }] = await q(`SELECT count(*)::int AS n FROM lineage_runs`);
    log(
      `POST /api/v1/lineage/batch (gzip, ${S.lineageBatchSize} each, ${S.batchConcurrency} in flight): ${result.units} events in ` +
        `${result.seconds.toFixed(1)} s = ${rate.toFixed(0)}/s (statuses ${JSON.stringify(Object.fromEntries(result.statuses))}; ` +
        `errors ${result.errors}); ${runs} lineage runs kept`,
    );
    if (result.units < (result.completed + result.errors) * S.lineageBatchSize)
      throw new Error(`lineage batches failed: ${result.firstFailure}`);
    figure('lineage_batch_per_s', Math.round(rate), 'events/s');
  });

  // ── backlog ──
  await selectedPhase('backlog_drain_ratio', async () => {
    const [{ n: pending }] = await q(
      `SELECT count(*)::int AS n FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id AND s.kind = 'webhook' WHERE d.status = 'pending'`,
    );
    const [{ n: present }] = await q(`SELECT count(*)::int AS n FROM deliveries`);
    const topUp = Math.max(0, S.backlog - pending);
    const settled = Math.max(0, S.backlogHistory - present - topUp);
    // The history is older than the due rows, which are an hour old: both sorted by id as the api's are.
    const dueFrom = Date.now() - 3_600_000 - topUp;
    const t0 = performance.now();
    const history = await insertBacklogRows(db!, backlogRows, { count: settled, fromMs: dueFrom - settled, settled: true });
    const historySeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const inserted = await insertBacklogRows(db!, backlogRows, { count: topUp, fromMs: dueFrom, settled: false });
    const dueSeconds = (performance.now() - t1) / 1000;
    const total = pending + inserted;
    log(
      `backlog: generated ${history} delivered rows of history in ${historySeconds.toFixed(1)} s and ${inserted} due rows in ${dueSeconds.toFixed(1)} s ` +
        `(generate_series); with the ${present} rows already there: ${present + history + inserted} rows, ${total} webhook deliveries due`,
    );
    // What autovacuum would do after such a load (it is off on the development machine): the planner sees the table as it is.
    const t2 = performance.now();
    await q('ANALYZE deliveries');
    log(`ANALYZE deliveries: ${((performance.now() - t2) / 1000).toFixed(1)} s`);
    const [{ size }] = await q(`SELECT pg_size_pretty(sum(pg_total_relation_size(relid))) AS size FROM pg_partition_tree('deliveries')`);
    log(`deliveries table with its indexes: ${size}`);

    const claim = await captureClaimQuery(snapshot!.dist, S.claimLimit);
    if (claim) {
      // In a transaction rolled back at once: EXPLAIN ANALYZE really runs the UPDATE.
      await db!.query('BEGIN');
      try {
        const plan = await db!.query(`EXPLAIN (ANALYZE, BUFFERS) ${claim.sql}`, claim.params);
        const lines = plan.rows.map((r) => r['QUERY PLAN'] as string);
        log(
          `EXPLAIN (ANALYZE, BUFFERS) of the relay's claim query (OutboxRelay.claimDue, parameters ${JSON.stringify(claim.params)}) with ${total} due:\n` +
            `    ${claim.sql
              .trim()
              .split('\n')
              .map((l) => l.trim())
              .join('\n    ')}\n    ──\n    ${lines.join('\n    ')}`,
        );
        const seqScan = lines.some((l) => /Seq Scan on deliveries/.test(l));
        const index = lines
          .map((l) => /Index (?:Only )?Scan using (\S+) on deliveries\b/.exec(l)?.[1])
          .filter((n) => n && n !== 'deliveries_pkey');
        log(
          seqScan
            ? 'WARNING: the claim query scans the whole deliveries table'
            : `the claim query reads the index ${index.join(', ') || '(none found)'}, no sequential scan`,
        );
      } finally {
        await db!.query('ROLLBACK');
      }
    }

    await receiver!.reset(false);
    const since = Date.now() - 1000;
    await startWorker();
    const startCount = (await receiver!.stats()).hookUnique;
    const cpu = cpuMeter('drain');
    const drain = await watchDrain(total, S.backlogSeconds);
    cpu(drain.received - startCount, 'delivery');
    const times = await recordedSuccessTimes(since);
    const steady = steadyRate(times);
    if (!steady) throw new Error(`too few deliveries recorded to measure a rate (${times.length})`);
    log(
      `drained ${drain.received} of ${total} in the window; ${times.length} successful attempts recorded; ` +
        `steady rate (10 %–90 %, ${steady.seconds.toFixed(1)} s) = ${steady.perSecond.toFixed(0)}/s vs ${deliveryRate.toFixed(0)}/s with an empty table`,
    );
    log(`worker outcomes: ${await workerOutcomes(workerOrigin)}`);
    figure('backlog_drain_ratio', round(steady.perSecond / deliveryRate, 2), 'ratio');
    await worker!.stop();
  });

  // ── memory ──
  await api!.stop(10_000);
  const apiMb = rss.peakMb('api');
  const workerMb = rss.peakMb('worker');
  if (apiMb === undefined) throw new Error('no RSS sample of the api');
  figure('api_rss_mb', round(apiMb, 1), 'MB');
  // The worker runs only in the delivery phases (BENCH_PHASES may leave them out).
  if (workerMb !== undefined) figure('worker_rss_mb', round(workerMb, 1), 'MB');
  else log('worker_rss_mb: the worker did not run (BENCH_PHASES)');

  // ── table ── every backend has exited, so the statistics include all their writes.
  const health = await tableHealth(db!, SCHEMA, 'deliveries');
  const [{ autovacuum }] = await q(`SELECT current_setting('autovacuum') AS autovacuum`);
  // n_live_tup is an estimate (the ANALYZE of the backlog phase, counted on since): the exact count beside it.
  const [{ n: rowsNow }] = await q(`SELECT count(*)::bigint AS n FROM deliveries`);
  log(`deliveries after the run: ${health.live} live tuples by the statistics, ${rowsNow} rows counted, ${health.dead} dead tuples`);
  tableState('deliveries_dead_tuples', health.dead, 'tuples', `after the run; autovacuum ${autovacuum}`);
  tableState('deliveries_live_tuples', health.live, 'tuples', 'after the run');
  tableState('deliveries_mb', round(health.bytes / 1024 / 1024, 1), 'MB', 'pg_total_relation_size: heap, indexes and TOAST');
  await apiPool.close().catch(() => undefined);
  log(`measured in ${((performance.now() - runStart) / 1000).toFixed(1)} s`);
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

main().then(
  async () => {
    await cleanup();
    printLines();
    process.exit(0);
  },
  async (error) => {
    if (interrupted) return;
    log(`FAILED: ${(error as Error).stack ?? error}`);
    await cleanup();
    printLines();
    log('the benchmark did not finish; the figures printed (if any) are the phases that completed');
    process.exit(1);
  },
);

import { clearQueuePrefix, createTestDatabase, FakeWebhookReceiver, freePort, TestDatabase } from '@tidings/testing';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { pipelineRunEvent } from '../support/fixtures';
import { PrivatePgBouncer, releaseDist, TidingsProcess } from '../support/fault-rig';
import { testEnv } from '../support/tidings-harness';

/*
 * PgBouncer in transaction pool mode (Debian's 1.18: no prepared statements, no `options`) in front of the
 * machine's Postgres, with DATABASE_POOL_MODE=transaction: two apis and a worker reach Postgres through a pool of
 * POOL_SIZE server connections, and only migrations and the two LISTENs go straight to Postgres
 * (DATABASE_DIRECT_URL). Events registered over HTTP and through the SQL entry point (by a producer that also goes
 * through the pool) are delivered, signed; a key revoked on one api stops working on the other at once (its
 * LISTEN heard it); and Postgres never saw more of the pool's connections than POOL_SIZE.
 */
const POOL_SIZE = 3;
const HTTP_EVENTS = 40;
const SQL_EVENTS = 20;
const PATH = '/pooled';
/** How long an api caches a valid key (libs/auth): a revocation it did not hear takes that long to reach it. */
const KEY_CACHE_MS = 10_000;

describe('PgBouncer transaction pooling (DATABASE_POOL_MODE=transaction)', () => {
  let database: TestDatabase;
  let bouncer: PrivatePgBouncer;
  let receiver: FakeWebhookReceiver;
  let env: Record<string, string>;
  const processes: TidingsProcess[] = [];
  let passed = false;
  /** The most server connections of the pool Postgres had at once, sampled while the test runs. */
  let mostPooled = 0;
  let sampler: Client | undefined;
  let sampling: Promise<void> | undefined;
  let stopSampling = false;

  beforeAll(async () => {
    database = await createTestDatabase();
    bouncer = await PrivatePgBouncer.start(database.url, { default_pool_size: String(POOL_SIZE), max_db_connections: String(POOL_SIZE) });
    receiver = await FakeWebhookReceiver.start();
    env = testEnv(database, {
      DATABASE_URL: bouncer.url,
      DATABASE_DIRECT_URL: database.url,
      DATABASE_POOL_MODE: 'transaction',
      // More client connections than the pool has server connections: 2 × 4 (apis) + 6 (worker).
      DATABASE_POOL_SIZE: '4',
      LOG_LEVEL: 'warn',
    });
  }, 60_000);

  afterAll(async () => {
    stopSampling = true;
    await sampling;
    await sampler?.end().catch(() => undefined);
    if (!passed) {
      for (const p of processes) process.stderr.write(`----- ${p.role} -----\n${p.tail(80)}\n`);
      process.stderr.write(`----- pgbouncer -----\n${bouncer?.tail()}\n`);
    }
    for (const p of processes) await p.stop();
    await receiver?.stop();
    await bouncer?.destroy();
    if (env) await clearQueuePrefix(env.QUEUE_PREFIX);
    await database?.drop();
    await releaseDist();
  }, 60_000);

  const start = async (role: 'api' | 'worker', overrides: Record<string, string> = {}) => {
    const p = new TidingsProcess(role, { ...env, PORT: String(await freePort()), WORKER_PORT: String(await freePort()), ...overrides });
    processes.push(p);
    await p.start();
    return p;
  };

  const direct = async <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  it("refuses to start while the pool's connections do not resolve names in TIDINGS_SCHEMA, naming the fix", async () => {
    const p = new TidingsProcess('api', { ...env, PORT: String(await freePort()) });
    await expect(p.start()).rejects.toThrow(/exited/);
    expect(p.output()).toMatch(
      /DATABASE_URL \(DATABASE_POOL_MODE=transaction\): its connections resolve names in "public", not in TIDINGS_SCHEMA "tidings".*ALTER ROLE "postgres" IN DATABASE "[a-z0-9_]+" SET search_path = "tidings"/,
    );
  }, 120_000);

  it('delivers events registered over HTTP and through the SQL entry point, signed, with no more server connections than the pool has', async () => {
    // What docs/pgbouncer.md asks of the operator: the role's own settings in this database, since the pool passes no startup options.
    await direct(`ALTER ROLE postgres IN DATABASE ${database.name} SET search_path = tidings`);
    await direct(`ALTER ROLE postgres IN DATABASE ${database.name} SET statement_timeout = '30s'`);
    await bouncer.admin('RECONNECT');

    // The pool's server connections come through the Unix socket; everything else here (the LISTENs, this test) over TCP.
    sampler = new Client({ connectionString: database.url, application_name: 'pgbouncer-test-sampler' });
    await sampler.connect();
    sampling = (async () => {
      while (!stopSampling) {
        const { rows } = await sampler!.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND client_port = -1`,
        );
        mostPooled = Math.max(mostPooled, rows[0].n);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const [apiA, apiB] = [await start('api'), await start('api')];
    await start('worker', { WORKER_CONCURRENCY: '6', DATABASE_POOL_SIZE: '6' });
    const admin = { authorization: `Bearer ${env.TIDINGS_ADMIN_KEY}`, 'content-type': 'application/json' };
    const http = async (api: TidingsProcess, method: string, path: string, body?: unknown, headers: Record<string, string> = admin) => {
      const res = await fetch(api.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };

    const webhook = (
      await http(apiA, 'POST', '/v1/webhooks', { name: 'pooled', url: receiver.url(PATH), subscriptions: [{ event_type: '*' }] })
    ).body;
    expect(webhook.secret).toMatch(/^whsec_/);

    const statuses = await Promise.all(
      Array.from({ length: HTTP_EVENTS }, (_, i) =>
        http(i % 2 ? apiA : apiB, 'POST', '/v1/events', pipelineRunEvent()).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(HTTP_EVENTS);

    // A producer's own transaction through the same pool: schema-qualified, as docs/sql-entry-point.md shows.
    const producer = new Client({ connectionString: bouncer.url });
    await producer.connect();
    try {
      for (let i = 0; i < SQL_EVENTS; i++) {
        const { type: _type, ...body } = pipelineRunEvent();
        await producer.query('BEGIN');
        await producer.query(`SELECT tidings.register_event('project:one-off-job:pipeline-run:failed', $1::jsonb, $2)`, [
          JSON.stringify(body),
          `sql-${i}`,
        ]);
        await producer.query('COMMIT');
      }
    } finally {
      await producer.end();
    }

    const received = await receiver.waitForRequests(PATH, HTTP_EVENTS + SQL_EVENTS, 120_000);
    const verifier = new Webhook(webhook.secret);
    for (const request of received) {
      expect(verifier.verify(request.body, request.headers as Record<string, string>)).toMatchObject({ delivered_for: { id: webhook.id } });
    }
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(HTTP_EVENTS + SQL_EVENTS);
    const [{ delivered }] = await direct(`SELECT count(*)::int AS delivered FROM tidings.deliveries WHERE status = 'delivered'`);
    expect(delivered).toBe(HTTP_EVENTS + SQL_EVENTS);

    // A key used on api A (which caches it), revoked on api B: api A refuses it as soon as its LISTEN hears the
    // revocation, well before its 10 s cache would forget it.
    const minted = (await http(apiA, 'POST', '/v1/api-keys', { name: 'pooled', scopes: ['events:write'] })).body;
    const asKey = { authorization: `Bearer ${minted.key}`, 'content-type': 'application/json' };
    const cachedAt = Date.now();
    expect((await http(apiA, 'POST', '/v1/events', pipelineRunEvent(), asKey)).status).toBe(201);
    expect((await http(apiB, 'DELETE', `/v1/api-keys/${minted.id}`)).status).toBe(204);
    const revokedAt = Date.now();
    let refused = false;
    // Not scaled by the machine's load: once the cache entry has expired, a refusal would prove nothing.
    while (!refused && Date.now() - cachedAt < KEY_CACHE_MS) {
      refused = (await http(apiA, 'POST', '/v1/events', pipelineRunEvent(), asKey)).status === 401;
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const refusedAfterMs = Date.now() - revokedAt;
    expect(refused).toBe(true);

    // Both LISTENs hold a session straight to Postgres; nothing else of Tidings does.
    const listeners = await direct<{ application_name: string; query: string }>(
      `SELECT application_name, query FROM pg_stat_activity WHERE datname = current_database() AND client_port <> -1 AND application_name LIKE 'tidings-%' ORDER BY 1`,
    );
    expect(listeners.map((l) => l.application_name)).toEqual([
      'tidings-api-key-listener',
      'tidings-api-key-listener',
      'tidings-relay-listener',
    ]);
    expect(listeners.every((l) => l.query.startsWith('LISTEN'))).toBe(true);

    const pools = await bouncer.admin<{ database: string; cl_active: string; sv_active: string; sv_idle: string; sv_used: string }>(
      'SHOW POOLS',
    );
    const pool = pools.find((p) => p.database === database.name)!;
    const clients = (await bouncer.admin<{ database: string }>('SHOW CLIENTS')).filter((c) => c.database === database.name).length;
    const [stats] = (await bouncer.admin<{ database: string; total_xact_count: string }>('SHOW STATS')).filter(
      (s) => s.database === database.name,
    );
    process.stderr.write(
      `PGBOUNCER transaction pool of ${POOL_SIZE}: ${HTTP_EVENTS} + ${SQL_EVENTS} events delivered, ${stats.total_xact_count} transactions from ` +
        `${clients} client connections on at most ${mostPooled} server connections; revoked key refused after ${refusedAfterMs} ms\n`,
    );
    expect(Number(stats.total_xact_count)).toBeGreaterThan(HTTP_EVENTS);
    expect(clients).toBeGreaterThan(POOL_SIZE);
    expect(mostPooled).toBeGreaterThan(0);
    expect(mostPooled).toBeLessThanOrEqual(POOL_SIZE);
    expect(Number(pool.sv_active) + Number(pool.sv_idle) + Number(pool.sv_used)).toBeLessThanOrEqual(POOL_SIZE);
    passed = true;
  }, 300_000);
});

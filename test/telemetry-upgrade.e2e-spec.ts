import { parseConfig } from '@tidings/config';
import { dataSourceOptions, migrateDatabase } from '@tidings/database';
import { MIGRATIONS } from '@tidings/migrations';
import { createEmptyTestDatabase, FakeAnalyticsBackend, TEST_REDIS_URL, TestDatabase } from '@tidings/testing';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { Harness, startTidings } from './support/tidings-harness';

/** Every migration before the telemetry cursor: the version that had analytics deliveries. */
const WITH_ANALYTICS_OUTBOX = MIGRATIONS.slice(
  0,
  MIGRATIONS.findIndex((m) => m.name.startsWith('TelemetryCursor')),
);
const ANALYTICS_SUBSCRIBER_ID = '00000000-0000-4000-8000-0000000a11c5';

/*
 * An installation that still has analytics deliveries is migrated: what was
 * pending or claimed is exported through the new cursor, what was delivered
 * is not sent again, and the second outbox is gone.
 */
describe('upgrade from the analytics outbox to the telemetry exporter', () => {
  let database: TestDatabase;
  let backend: FakeAnalyticsBackend;
  let t: Harness | undefined;

  beforeAll(async () => {
    database = await createEmptyTestDatabase();
    backend = await FakeAnalyticsBackend.start();
  });
  afterAll(async () => {
    await t?.stop(); // drops the database
    if (!t) await database?.drop();
    await backend?.stop();
  });

  it('exports the events of pending and claimed analytics deliveries, not the delivered ones, and drops the outbox', async () => {
    const config = parseConfig({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL });
    await migrateDatabase({ ...dataSourceOptions(config, 'before-exporter'), migrations: WITH_ANALYTICS_OUTBOX });
    const schema = config.databaseSchema;
    const [pending, claimed, delivered] = [uuidv7(), uuidv7(), uuidv7()];
    const webhookId = uuidv7();
    const webhookDelivery = uuidv7();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${schema}`);
      await client.query(`INSERT INTO subscribers (id, kind, name, url) VALUES ($1, 'webhook', 'kept', 'http://127.0.0.1:9/hook')`, [
        webhookId,
      ]);
      for (const id of [pending, claimed, delivered]) {
        await client.query(`INSERT INTO events (id, type, occurred_at, source, data) VALUES ($1, 'ping', now(), 'internal', '{}')`, [id]);
      }
      await client.query(
        `INSERT INTO deliveries (id, event_id, event_type, subscriber_id, channel, payload, status, next_attempt_at, claimed_at)
         VALUES ($1, $4, 'ping', $7, 'analytics', '{}', 'pending', now(), NULL),
                ($2, $5, 'ping', $7, 'analytics', '{}', 'claimed', now(), now()),
                ($3, $6, 'ping', $7, 'analytics', '{}', 'delivered', NULL, NULL),
                ($8, $4, 'ping', $9, 'webhook', NULL, 'pending', now() + interval '1 day', NULL)`,
        [uuidv7(), uuidv7(), uuidv7(), pending, claimed, delivered, ANALYTICS_SUBSCRIBER_ID, webhookDelivery, webhookId],
      );

      await migrateDatabase(dataSourceOptions(config, 'exporter'));

      const { rows: stamped } = await client.query(`SELECT id FROM events WHERE xid IS NOT NULL ORDER BY id`);
      expect(stamped.map((r) => r.id)).toEqual([pending, claimed].sort());
      const { rows: cursor } = await client.query(`SELECT xid::text AS xid, event_id FROM telemetry_cursor`);
      expect(cursor).toEqual([{ xid: '0', event_id: '00000000-0000-0000-0000-000000000000' }]);
      const { rows: left } = await client.query(`SELECT id FROM deliveries`);
      expect(left).toEqual([{ id: webhookDelivery }]);
      const { rows: subscribers } = await client.query(`SELECT kind, count(*)::int AS n FROM subscribers GROUP BY kind`);
      expect(subscribers).toEqual([{ kind: 'webhook', n: 1 }]);
      const { rows: indexes } = await client.query(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'deliveries' AND indexname LIKE 'deliveries_%due%'`,
        [schema],
      );
      expect(indexes.map((i) => i.indexname)).toEqual(['deliveries_due_idx']);
      expect(indexes[0].indexdef).toMatch(/WHERE \(status = 'pending'::text\)$/);
    } finally {
      await client.end();
    }

    t = await startTidings({ database, env: { ANALYTICS_URL: backend.url } });
    await backend.waitForEvents([pending, claimed], 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // another export pass or two
    expect(backend.acceptedEvents().map((e) => e.uuid)).toEqual([pending, claimed].sort());
  });
});

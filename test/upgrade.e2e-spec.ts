import { parseConfig } from '@tidings/config';
import { dataSourceOptions, migrateDatabase, migrateOnStart } from '@tidings/database';
import { MIGRATIONS } from '@tidings/migrations';
import { createEmptyTestDatabase, FakeWebhookReceiver, TEST_REDIS_URL, TestDatabase } from '@tidings/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { v7 as uuidv7 } from 'uuid';
import { Harness, startTidings } from './support/tidings-harness';

/** The migrations v1 shipped (dcd1b1d): everything up to the UUIDv7 function. */
const V1_MIGRATIONS = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === 'UuidV7Function1764000000000') + 1);

/*
 * An installation made by v1 — every object in `public`, bodies stored in
 * the delivery rows, a claim in flight — is moved into TIDINGS_SCHEMA and
 * migrated at start, and its pending and claimed deliveries are delivered
 * with the bodies v1 stored.
 */
describe('upgrade from v1', () => {
  let database: TestDatabase;
  let receiver: FakeWebhookReceiver;
  let t: Harness | undefined;

  beforeAll(async () => {
    database = await createEmptyTestDatabase();
    receiver = await FakeWebhookReceiver.start();
  });
  afterAll(async () => {
    await t?.stop(); // drops the database
    if (!t) await database?.drop();
    await receiver?.stop();
  });

  it('moves a v1 database out of public and delivers what was pending or claimed', async () => {
    expect(V1_MIGRATIONS.length).toBeGreaterThan(0);
    const v1 = parseConfig({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, TIDINGS_SCHEMA: 'public' });
    await migrateDatabase({ ...dataSourceOptions(v1, 'v1'), migrations: V1_MIGRATIONS });

    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const webhookId = uuidv7();
    const eventId = uuidv7();
    const bodies = [0, 1].map((n) => ({ delivered_for: { id: webhookId, name: 'v1 hook', type: 'webhook' }, event: { id: eventId, type: 'ping', n } }));
    const [pending, claimed] = [uuidv7(), uuidv7()];
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(`INSERT INTO public.subscribers (id, kind, name, url, secrets) VALUES ($1, 'webhook', 'v1 hook', $2, $3)`, [
        webhookId,
        receiver.url('/v1'),
        JSON.stringify([{ value: secret }]),
      ]);
      await client.query(`INSERT INTO public.events (id, type, occurred_at, source, data) VALUES ($1, 'ping', now(), 'internal', '{}')`, [eventId]);
      await client.query(
        `INSERT INTO public.deliveries (id, event_id, event_type, subscriber_id, payload, status, next_attempt_at, claimed_at)
         VALUES ($1, $3, 'ping', $4, $5, 'pending', now(), NULL), ($2, $3, 'ping', $4, $6, 'claimed', now(), now() - interval '1 hour')`,
        [pending, claimed, eventId, webhookId, bodies[0], bodies[1]],
      );
    } finally {
      await client.end();
    }

    const config = parseConfig({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL });
    expect(config.databaseSchema).toBe('tidings');
    await migrateOnStart(config);
    const check = new Client({ connectionString: database.url });
    await check.connect();
    try {
      const { rows } = await check.query(`SELECT table_schema, count(*)::int AS n FROM information_schema.tables
                                            WHERE table_name IN ('deliveries', 'events', 'migrations') GROUP BY 1`);
      expect(rows).toEqual([{ table_schema: 'tidings', n: 3 }]);
    } finally {
      await check.end();
    }

    t = await startTidings({ database, env: { DELIVERY_CLAIM_LEASE: '5s' } });
    const requests = await receiver.waitForRequests('/v1', 2, 30_000);
    const got = new Map(requests.map((r) => [String(r.headers['webhook-id']), new Webhook(secret).verify(r.body, r.headers as Record<string, string>)]));
    expect(got).toEqual(
      new Map([
        [pending, bodies[0]],
        [claimed, bodies[1]],
      ]),
    );
  });
});

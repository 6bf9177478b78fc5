import { parseConfig } from '@tidings/config';
import { migrateOnStart } from '@tidings/database';
import { databaseUrl, TEMPLATE_ENV, TEST_REDIS_URL, withAdminClient } from '@tidings/testing';
import { MIGRATIONS } from '@tidings/migrations';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/*
 * DESIGN §8 / the scale issue's newcomer item: a first start against a server
 * without the database creates it (no hand-made `createdb`), and replicas
 * starting together create it once.
 */
describe('start against a missing database', () => {
  const name = `${process.env[TEMPLATE_ENV]}_${randomBytes(4).toString('hex')}_new`;
  const exists = () => withAdminClient(async (admin) => (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount === 1);

  afterAll(async () => {
    await withAdminClient((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });

  it('creates it and migrates it, once when three processes start together', async () => {
    expect(await exists()).toBe(false);
    const config = parseConfig({ DATABASE_URL: databaseUrl(name), REDIS_URL: TEST_REDIS_URL });
    await Promise.all([migrateOnStart(config), migrateOnStart(config), migrateOnStart(config)]);
    expect(await exists()).toBe(true);
    const client = new Client({ connectionString: databaseUrl(name) });
    await client.connect();
    try {
      const [{ n }] = (await client.query(`SELECT count(*)::int AS n FROM tidings.migrations`)).rows;
      expect(n).toBe(MIGRATIONS.length);
    } finally {
      await client.end();
    }
  });
});

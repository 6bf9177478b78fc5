import { createTestDatabase, TestDatabase, withAdminClient } from '@tidings/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { readmeCodeBlocks } from './support/readme-requests';

/*
 * The README's SQL as a service would run it: its CREATE ROLE (under a name
 * of this run's, since roles are shared by the whole cluster), then its
 * transaction, as that role, over a plain connection (no search_path set).
 */
describe("the README's SQL, run by a producer role", () => {
  let database: TestDatabase;
  const role = `tidings_test_readme_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
    // After the database (and the grants in it) is gone.
    await withAdminClient((admin) => admin.query(`DROP ROLE IF EXISTS ${role}`));
  });

  it('creates the role, registers the event in the transaction with the business row, and the role may read no Tidings table', async () => {
    const [registration, createRole] = readmeCodeBlocks('Registering from another service', 'sql');
    expect(createRole).toMatch(/^CREATE ROLE billing LOGIN .* IN ROLE tidings_producer;/);
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(createRole.replace('billing', role));
      // The service's own table and its grant on it: the README's example writes `projects`.
      await admin.query(`CREATE TABLE public.projects (uuid uuid PRIMARY KEY, name text NOT NULL)`);
      await admin.query(`GRANT INSERT ON public.projects TO ${role}`);

      const producer = new Client({ connectionString: database.url.replace('postgres@', `${role}@`) });
      await producer.connect();
      try {
        const results = await producer.query(registration);
        const [, , selected] = results as unknown as { rows: { register_event: string }[] }[];
        const id = selected.rows[0].register_event;
        const denied = await producer.query('SELECT count(*) FROM tidings.events').catch((error) => error.code);
        expect(denied).toBe('42501');

        const { rows } = await admin.query(
          `SELECT e.type, e.producer, e.source, e.idempotency_key, (SELECT count(*)::int FROM public.projects) AS projects FROM tidings.events e WHERE e.id = $1`,
          [id],
        );
        expect(rows).toEqual([
          { type: 'project:created', producer: role, source: 'sql', idempotency_key: 'project:6f1c8e0a-3b9d-4c2e-9a57-0d4b2f8e1c3a:created', projects: 1 },
        ]);
      } finally {
        await producer.end();
      }
    } finally {
      await admin.end();
    }
  });
});

// A service outside the Tidings repository using the packed @tidings/client (copied into the temp project by
// client-tarball.ts). One instruction as JSON in argv[2]; one JSON line out: what came back, or the error's fields.
const { Client } = require('pg');
const { registerEvent, TidingsClient, TidingsError } = require('@tidings/client');

const ops = {
  /** BEGIN; a business row; registerEvent; COMMIT or ROLLBACK. */
  async sql({ outcome, uuid, name, idempotencyKey, event }) {
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO client_projects (uuid, name) VALUES ($1, $2)', [uuid, name]);
      const id = await registerEvent(client, event ?? { type: 'project:created', project: { uuid, name } }, { idempotencyKey });
      await client.query(outcome === 'commit' ? 'COMMIT' : 'ROLLBACK');
      return { id };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      await client.end();
    }
  },
  /** The same with Knex (installed into the project beside pg): registerEvent on a Knex transaction. */
  async knex({ outcome, uuid, name }) {
    const knex = require('knex')({ client: 'pg', connection: process.env.DATABASE_URL });
    try {
      const trx = await knex.transaction();
      try {
        await trx('client_projects').insert({ uuid, name });
        const id = await registerEvent(trx, { type: 'project:created', project: { uuid, name } });
        await (outcome === 'commit' ? trx.commit() : trx.rollback());
        return { id };
      } catch (error) {
        if (!trx.isCompleted()) await trx.rollback();
        throw error;
      }
    } finally {
      await knex.destroy();
    }
  },
  /** One event over HTTP with TidingsClient. */
  async http({ event, idempotencyKey, options }) {
    const tidings = new TidingsClient({ baseUrl: process.env.TIDINGS_URL, apiKey: process.env.TIDINGS_API_KEY, ...options });
    return tidings.events.register(event, { idempotencyKey });
  },
  async batch({ events, options }) {
    const tidings = new TidingsClient({ baseUrl: process.env.TIDINGS_URL, apiKey: process.env.TIDINGS_API_KEY, ...options });
    return tidings.events.registerBatch(events);
  },
};

const instruction = JSON.parse(process.argv[2]);
const started = Date.now();
ops[instruction.op](instruction).then(
  (result) => console.log(JSON.stringify({ result, ms: Date.now() - started })),
  (error) => {
    if (!(error instanceof TidingsError)) {
      console.error(error);
      process.exit(1);
    }
    const { name, code, message, details, status, attempts, retryAfterMs } = error;
    console.log(JSON.stringify({ error: { name, code, message, details, status, attempts, retryAfterMs }, ms: Date.now() - started }));
  },
);

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `register_events_trusted` computes an event's body hash (the md5 of its
 * normalized data, ordering key and given time) only when the event has an
 * idempotency key (issue 15 item 4). The hash is compared only for a repeated
 * key, and stored only with the key; for every other event it was the whole
 * body serialized and hashed for nothing: a tenth of the Postgres CPU of
 * registering a batch of real OpenLineage events (3.7 kB each). Unkeyed
 * events now answer a null `body_hash`.
 *
 * The function is otherwise unchanged (SqlEntryPoint1764700100000): its
 * definition is read back and only the hash expression is wrapped, so a
 * later change to the rest of it carries over.
 */
const HASH = `md5(jsonb_build_object('data', r.data, 'ordering_key', r.ordering_key,
                                        'occurred_at', CASE WHEN r.occurred_at_given THEN extract(epoch FROM r.occurred_at) END)::text)`;
const KEYED_HASH = `CASE WHEN r.idempotency_key IS NOT NULL THEN ${HASH} END`;

export class BodyHashOfKeyedEventsOnly1764760100000 implements MigrationInterface {
  name = 'BodyHashOfKeyedEventsOnly1764760100000';

  async up(q: QueryRunner): Promise<void> {
    await replaceInFunction(q, `${HASH} AS hash`, `${KEYED_HASH} AS hash`);
  }

  async down(q: QueryRunner): Promise<void> {
    await replaceInFunction(q, `${KEYED_HASH} AS hash`, `${HASH} AS hash`);
  }
}

async function replaceInFunction(q: QueryRunner, from: string, to: string): Promise<void> {
  const [{ definition }] = await q.query(`SELECT pg_get_functiondef('register_events_trusted(jsonb)'::regprocedure) AS definition`);
  const parts = (definition as string).split(from);
  if (parts.length !== 2) throw new Error(`register_events_trusted: expected its hash expression once, found it ${parts.length - 1} times`);
  await q.query(parts.join(to));
}

import { MigrationInterface, QueryRunner } from 'typeorm';

const INTERNAL_FUNCTIONS = [
  'register_records(jsonb)',
  'register_events_trusted(jsonb)',
  'event_record(text, jsonb, text, int)',
  'event_body_errors(jsonb, jsonb, text, text)',
  'event_format_valid(text, text)',
  'event_instant(text)',
  'match_subscribers(text[], uuid, uuid, text)',
];

/**
 * The SQL entry point's public functions (DESIGN §7.3) and the role that
 * may call them:
 *
 *   SELECT register_event('project:created', '{"project": {"uuid": "…", "name": "demo"}}', 'key-1');
 *   SELECT * FROM register_events('[{"type": "project:created", "body": {…}, "idempotency_key": "key-1"}]');
 *
 * Both run as their owner (SECURITY DEFINER, fixed search_path), so that
 * `tidings_producer` needs no privilege on any table. The role is
 * cluster-wide: created when missing (several databases of one cluster may
 * run this migration at once), never dropped here.
 */
export class ProducerRole1764700200000 implements MigrationInterface {
  name = 'ProducerRole1764700200000';

  async up(q: QueryRunner): Promise<void> {
    const [{ schema }] = await q.query(`SELECT current_schema() AS schema`);
    const searchPath = `SET search_path = ${quoteIdent(schema)}, pg_temp`;
    await q.query(`
      CREATE FUNCTION register_event(type text, body jsonb, idempotency_key text DEFAULT NULL) RETURNS uuid
        LANGUAGE sql SECURITY DEFINER ${searchPath} AS $$
        SELECT register_records(jsonb_build_array(event_record($1, $2, $3, NULL)))
      $$`);
    await q.query(`
      CREATE FUNCTION register_events(events jsonb) RETURNS SETOF uuid
        LANGUAGE plpgsql SECURITY DEFINER ${searchPath} AS $$
      DECLARE
        records jsonb := '[]';
        item jsonb;
        item_index int := 0;
      BEGIN
        IF jsonb_typeof(events) IS DISTINCT FROM 'array' THEN
          RAISE EXCEPTION 'register_events takes a JSON array of {type, body, idempotency_key?}' USING ERRCODE = '22023';
        END IF;
        FOR item IN SELECT value FROM jsonb_array_elements(events) LOOP
          IF jsonb_typeof(item) IS DISTINCT FROM 'object' OR EXISTS (SELECT FROM jsonb_object_keys(item) k WHERE k NOT IN ('type', 'body', 'idempotency_key'))
             OR jsonb_typeof(item->'type') IS DISTINCT FROM 'string'
             OR COALESCE(jsonb_typeof(item->'idempotency_key'), 'null') NOT IN ('string', 'null') THEN
            RAISE EXCEPTION 'events[%] must be an object {type, body, idempotency_key?} (type and idempotency_key strings)', item_index
              USING ERRCODE = '22023';
          END IF;
          records := records || jsonb_build_array(event_record(item->>'type', item->'body', item->>'idempotency_key', item_index));
          item_index := item_index + 1;
        END LOOP;
        RETURN QUERY SELECT * FROM register_records(records);
      END $$`);
    for (const fn of [...INTERNAL_FUNCTIONS, 'register_event(text, jsonb, text)', 'register_events(jsonb)']) {
      await q.query(`REVOKE EXECUTE ON FUNCTION ${fn} FROM PUBLIC`);
    }
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tidings_producer') THEN CREATE ROLE tidings_producer NOLOGIN; END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- created meanwhile by another database's migration
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO tidings_producer`);
    await q.query(`GRANT EXECUTE ON FUNCTION register_event(text, jsonb, text), register_events(jsonb) TO tidings_producer`);
  }

  async down(q: QueryRunner): Promise<void> {
    const [{ schema }] = await q.query(`SELECT current_schema() AS schema`);
    await q.query(`DROP FUNCTION register_events(jsonb)`);
    await q.query(`DROP FUNCTION register_event(text, jsonb, text)`);
    await q.query(`REVOKE USAGE ON SCHEMA ${quoteIdent(schema)} FROM tidings_producer`);
    for (const fn of INTERNAL_FUNCTIONS) await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO PUBLIC`);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

import { MigrationInterface, QueryRunner } from 'typeorm';
import catalogue from './data/event-catalogue-v3.json';
import formats from './data/event-formats-v3.json';
import { EventFormatSnapshotRow, EventTypeRulesSnapshotRow, syncEventTypeRules } from './data/sync-event-type-rules';

/**
 * The SQL entry point (DESIGN §7.3), part one: one implementation of
 * registering events, in SQL, that every path ends in (the public functions
 * and their role follow in 1764700200000-ProducerRole.ts).
 *
 * - `register_events_trusted(records)` takes events already validated and
 *   shaped (what EventRegistrar sends, one prepared statement per group of
 *   events): it fills the ordering key, claims idempotency keys per producer,
 *   inserts the events, matches subscriptions, inserts thin deliveries and
 *   NOTIFYs the relay (heard on commit). One row back per record, saying
 *   whether it was created, which event holds its key, and whether that
 *   event's body differs (an idempotency conflict).
 * - `register_event(type, body, idempotency_key)` and `register_events(events)`
 *   will validate each body against `event_types.schema` (`event_body_errors`,
 *   an interpreter of exactly the keywords the registry emits, with Ajv's
 *   error list), shape it into the same record (`event_record`) and call the
 *   trusted function (`register_records`). Producer = the database role
 *   (`session_user`).
 *
 * What SQL needs from the registry (scope paths, subscription patterns,
 * which types producers may register, the format patterns) comes from the
 * catalogue snapshot v3, written by scripts/event-catalogue-snapshot.js.
 */
export class SqlEntryPoint1764700100000 implements MigrationInterface {
  name = 'SqlEntryPoint1764700100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE event_types
        ADD COLUMN scope_paths jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN subscription_patterns text[] NOT NULL DEFAULT '{}',
        ADD COLUMN producer_registrable boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE event_formats (
        name    text PRIMARY KEY,
        pattern text NOT NULL,
        flags   text NOT NULL,
        message text NOT NULL)`);
    await syncEventTypeRules(q, catalogue as EventTypeRulesSnapshotRow[], formats as EventFormatSnapshotRow[]);

    // The enabled subscribers with a subscription selecting an event: by exact type, prefix wildcard or `*` (given as the
    // list of patterns selecting its type, looked up by index), narrowed by each scope filter the subscription sets.
    // A plain SQL function, so the planner inlines it; OFFSET 0 keeps it a per-event lookup (flattened, the planner would
    // guess 100 events and hash-join against every subscriber).
    await q.query(`
      CREATE FUNCTION match_subscribers(patterns text[], project_uuid uuid, job_uuid uuid, pipeline_key text)
        RETURNS TABLE (id uuid, name text, kind text, format text, content_type text) LANGUAGE sql STABLE AS $$
        SELECT s.id, s.name, s.kind, s.format, s.content_type
          FROM subscriptions sub
          JOIN subscribers s ON s.id = sub.subscriber_id
         WHERE sub.event_type = ANY($1)
           AND s.enabled AND s.deleted_at IS NULL
           AND (sub.project_uuid IS NULL OR sub.project_uuid = $2)
           AND (sub.job_uuid IS NULL OR sub.job_uuid = $3)
           AND (sub.pipeline_key IS NULL OR sub.pipeline_key = $4)
        OFFSET 0
      $$`);

    // formats.ts: the pattern, and for date-time isDateTime's calendar check (years 0–99 take 1900's leap rule, as Date.UTC reads them).
    await q.query(`
      CREATE FUNCTION event_format_valid(format text, value text) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
      DECLARE
        f event_formats;
        m text[];
        y int;
        mo int;
        days int;
      BEGIN
        SELECT * INTO f FROM event_formats WHERE name = format;
        m := regexp_match(value, f.pattern, f.flags);
        IF m IS NULL THEN RETURN false; END IF;
        IF format <> 'date-time' THEN RETURN true; END IF;
        mo := m[2]::int;
        IF mo < 1 OR mo > 12 OR m[3]::int < 1 OR m[4]::int > 23 OR m[5]::int > 59 OR COALESCE(m[6]::int, 0) > 59 THEN RETURN false; END IF;
        IF m[8] IS NOT NULL AND (m[8]::int > 23 OR m[9]::int > 59) THEN RETURN false; END IF;
        y := m[1]::int;
        IF y < 100 THEN y := y + 1900; END IF;
        days := CASE WHEN mo = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END
                     WHEN mo IN (4, 6, 9, 11) THEN 30 ELSE 31 END;
        RETURN m[3]::int <= days;
      END $$`);

    // A valid date-time as an instant. Its offset is applied here: Postgres refuses offsets past ±15:59, which the format allows.
    await q.query(`
      CREATE FUNCTION event_instant(value text) RETURNS timestamptz LANGUAGE sql STABLE AS $$
        SELECT (regexp_replace($1, '(Z|[+-][0-9]{2}:?[0-9]{2})$', '', 'i')::timestamp AT TIME ZONE 'UTC')
               - CASE WHEN m[8] IS NULL THEN interval '0' ELSE (m[7] || '1')::int * make_interval(hours => m[8]::int, mins => m[9]::int) END
          FROM event_formats f, regexp_match($1, f.pattern, f.flags) AS m
         WHERE f.name = 'date-time'
      $$`);

    // Mirrors Ajv (allErrors, strictNumbers) and toErrorDetails (event-validator.ts) keyword by keyword, in Ajv's order:
    // type; const, enum; then the keywords of the value's own type. Returns [{field, message}], possibly with repeats.
    await q.query(`
      CREATE FUNCTION event_body_errors(s jsonb, v jsonb, at text, event_type text) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
      DECLARE
        errors jsonb := '[]';
        kind text := jsonb_typeof(v);
        label text := CASE WHEN at = '' THEN 'the event' ELSE at END;
        types text[];
        n numeric;
        len int;
        name text;
        sub jsonb;
        child text;
        i int;
        message text;
      BEGIN
        IF kind = 'number' THEN
          n := v::text::numeric;
          -- JSON.parse reads numbers as doubles: beyond their range a number is Infinity, which strictNumbers refuses.
          IF abs(n) > 1.7976931348623157e308 THEN kind := 'infinity'; END IF;
        END IF;
        IF s ? 'type' THEN
          types := CASE jsonb_typeof(s->'type') WHEN 'array' THEN ARRAY(SELECT jsonb_array_elements_text(s->'type')) ELSE ARRAY[s->>'type'] END;
          IF NOT (kind = ANY(types) OR (kind = 'number' AND 'integer' = ANY(types) AND n % 1 = 0)) THEN
            SELECT f.message INTO message FROM event_formats f WHERE f.name = s->>'format';
            message := COALESCE(message, 'must be ' || (
              SELECT string_agg(CASE WHEN t IN ('object', 'array', 'integer') THEN 'an ' ELSE 'a ' END || t, ' or ' ORDER BY o)
                FROM unnest(types) WITH ORDINALITY AS u(t, o) WHERE t <> 'null'));
            errors := errors || jsonb_build_object('field', at, 'message', label || ' ' || message);
          END IF;
        END IF;
        IF s ? 'const' AND v <> s->'const' THEN
          errors := errors || jsonb_build_object('field', at, 'message', label || ' must be ' || (s->'const')::text);
        END IF;
        IF s ? 'enum' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(s->'enum') e WHERE e = v) THEN
          errors := errors || jsonb_build_object('field', at, 'message', label || ' must be one of ' || (
            SELECT string_agg(e #>> '{}', ', ' ORDER BY o) FROM jsonb_array_elements(s->'enum') WITH ORDINALITY AS x(e, o) WHERE e <> 'null'));
        END IF;
        IF kind = 'number' THEN
          IF s ? 'maximum' AND n > (s->>'maximum')::numeric THEN
            errors := errors || jsonb_build_object('field', at, 'message', label || ' must be at most ' || (s->>'maximum'));
          END IF;
          IF s ? 'minimum' AND n < (s->>'minimum')::numeric THEN
            errors := errors || jsonb_build_object('field', at, 'message', label || ' must be at least ' || (s->>'minimum'));
          END IF;
        ELSIF kind = 'string' THEN
          len := length(v #>> '{}');
          IF s ? 'maxLength' AND len > (s->>'maxLength')::int THEN
            errors := errors || jsonb_build_object('field', at, 'message', label || ' must be at most ' || (s->>'maxLength') || ' characters long');
          END IF;
          IF s ? 'minLength' AND len < (s->>'minLength')::int THEN
            errors := errors || jsonb_build_object('field', at, 'message', label || CASE WHEN (s->>'minLength')::int = 1 THEN ' must not be empty'
                                                                                   ELSE ' must be at least ' || (s->>'minLength') || ' characters long' END);
          END IF;
          IF s ? 'format' AND NOT event_format_valid(s->>'format', v #>> '{}') THEN
            SELECT f.message INTO message FROM event_formats f WHERE f.name = s->>'format';
            errors := errors || jsonb_build_object('field', at, 'message', label || ' ' || COALESCE(message, 'must be in ' || (s->>'format') || ' format'));
          END IF;
        ELSIF kind = 'array' THEN
          len := jsonb_array_length(v);
          IF s ? 'maxItems' AND len > (s->>'maxItems')::int THEN
            errors := errors || jsonb_build_object('field', at, 'message', label || ' must hold at most ' || (s->>'maxItems') || ' item' || CASE WHEN (s->>'maxItems')::int = 1 THEN '' ELSE 's' END);
          END IF;
          IF s ? 'minItems' AND len < (s->>'minItems')::int THEN
            errors := errors || jsonb_build_object('field', at, 'message', label || ' must hold at least ' || (s->>'minItems') || ' item' || CASE WHEN (s->>'minItems')::int = 1 THEN '' ELSE 's' END);
          END IF;
          IF s ? 'items' THEN
            FOR i IN 0 .. len - 1 LOOP
              errors := errors || event_body_errors(s->'items', v->i, at || '[' || i || ']', event_type);
            END LOOP;
          END IF;
        ELSIF kind = 'object' THEN
          -- A missing object whose schema requires fields is reported as those fields (toErrorDetails).
          FOR name IN SELECT jsonb_array_elements_text(s->'required') LOOP
            CONTINUE WHEN v ? name;
            child := CASE WHEN at = '' THEN name ELSE at || '.' || name END;
            sub := s->'properties'->name;
            IF sub->'type' = '"object"' AND jsonb_typeof(sub->'required') = 'array' AND jsonb_array_length(sub->'required') > 0 THEN
              SELECT errors || jsonb_agg(jsonb_build_object('field', child || '.' || f, 'message', child || '.' || f || ' is required') ORDER BY o)
                INTO errors FROM jsonb_array_elements_text(sub->'required') WITH ORDINALITY AS r(f, o);
            ELSE
              errors := errors || jsonb_build_object('field', child, 'message', child || ' is required');
            END IF;
          END LOOP;
          IF s->'additionalProperties' = 'false' THEN
            FOR name IN SELECT jsonb_object_keys(v) LOOP
              CONTINUE WHEN s->'properties' ? name;
              child := CASE WHEN at = '' THEN name ELSE at || '.' || name END;
              errors := errors || jsonb_build_object('field', child, 'message', child || ' is not a field of ' || event_type || ' events');
            END LOOP;
          END IF;
          FOR name, sub IN SELECT key, value FROM jsonb_each(s->'properties') LOOP
            CONTINUE WHEN NOT v ? name;
            errors := errors || event_body_errors(sub, v->name, CASE WHEN at = '' THEN name ELSE at || '.' || name END, event_type);
          END LOOP;
        END IF;
        RETURN errors;
      END $$`);

    // One body as the trusted function's record, or SQLSTATE 22023 naming what is wrong (POST /v1/events' rules and messages).
    await q.query(EVENT_RECORD_V1);

    // The one registration statement. A record's key is held by an event committed before (seen in this statement's
    // snapshot, or after a concurrent insert commits: original_id is then null and the caller looks again) or by an
    // earlier record of the same call. "Same body" is the md5 of the normalized jsonb of data, ordering_key and the
    // occurred_at instant the body gave.
    await q.query(`
      CREATE FUNCTION register_events_trusted(records jsonb)
        RETURNS TABLE (id uuid, recorded_at timestamptz, webhooks int, original_id uuid, conflict boolean, body_hash text)
        LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      BEGIN
        RETURN QUERY
        WITH input AS MATERIALIZED (
          -- No join here: the records keep their order, so the first of two records with one key is the one that claims it.
          SELECT r.*, t.subscription_patterns AS patterns,
                 md5(jsonb_build_object('data', r.data, 'ordering_key', r.ordering_key,
                                        'occurred_at', CASE WHEN r.occurred_at_given THEN extract(epoch FROM r.occurred_at) END)::text) AS hash,
                 COALESCE(r.ordering_key, (
                   SELECT CASE WHEN count(*) > 0 AND count(*) = count(k.v) THEN string_agg(k.v, '/' ORDER BY p.o) END
                     FROM unnest(t.ordering_key_path) WITH ORDINALITY AS p(path, o)
                    CROSS JOIN LATERAL (SELECT r.data #>> string_to_array(p.path, '.') AS v) k)) AS key_of_order
            FROM jsonb_to_recordset(records) AS r(
                   id uuid, type text, occurred_at timestamptz, occurred_at_given boolean, idempotency_key text, ordering_key text,
                   source text, producer text, data jsonb, request_id text,
                   project_uuid uuid, job_uuid uuid, pipeline_uuid uuid, pipeline_run_uuid uuid, environment_uuid uuid,
                   pipeline_key text, run_key text, task_key text, lineage_namespace text, lineage_job text,
                   lineage_run_id uuid, lineage_parent_run_id uuid)
           CROSS JOIN LATERAL (SELECT x.subscription_patterns, x.ordering_key_path FROM event_types x WHERE x.name = r.type
                               UNION ALL SELECT '{}', '{}' LIMIT 1) t),
        matched AS (
          SELECT DISTINCT e.id AS event_id, m.id FROM input e CROSS JOIN LATERAL match_subscribers(e.patterns, e.project_uuid, e.job_uuid, e.pipeline_key) m),
        claimed AS (
          INSERT INTO event_idempotency (producer, key, event_id, body_hash)
          SELECT producer, idempotency_key, id, hash FROM input WHERE idempotency_key IS NOT NULL
          ON CONFLICT (producer, key) DO NOTHING
          RETURNING producer, key, event_id, body_hash),
        new_events AS (
          INSERT INTO events (id, type, occurred_at, idempotency_key, producer, source, ordering_key, data, request_id,
                              project_uuid, job_uuid, pipeline_uuid, pipeline_run_uuid, environment_uuid, pipeline_key, run_key,
                              task_key, lineage_namespace, lineage_job, lineage_run_id, lineage_parent_run_id)
          SELECT id, type, occurred_at, idempotency_key, producer, source, key_of_order, data, request_id,
                 project_uuid, job_uuid, pipeline_uuid, pipeline_run_uuid, environment_uuid, pipeline_key, run_key,
                 task_key, lineage_namespace, lineage_job, lineage_run_id, lineage_parent_run_id
            FROM input WHERE idempotency_key IS NULL OR id IN (SELECT event_id FROM claimed)
          RETURNING id, recorded_at),
        inserted AS (
          -- A delivery carries its event's ordering key and time only for a webhook that is ordered now
          -- (migration 1764700050000-OrderedDelivery): an unordered one's rows stay thin and out of the ordering index.
          INSERT INTO deliveries (id, event_id, event_type, subscriber_id, ordering_key, occurred_at, next_attempt_at)
          SELECT tidings_uuid_v7(), i.id, i.type, m.id, o.key, CASE WHEN o.key IS NOT NULL THEN i.occurred_at END, now()
            FROM matched m JOIN new_events n ON n.id = m.event_id JOIN input i ON i.id = m.event_id
           CROSS JOIN LATERAL (SELECT CASE WHEN s.ordered THEN i.key_of_order END AS key FROM subscribers s WHERE s.id = m.id) o
          RETURNING event_id),
        counted AS (
          SELECT event_id, count(*)::int AS webhooks FROM inserted GROUP BY event_id),
        holders AS (
          -- One primary-key probe per keyed record: OFFSET 0 keeps the planner from turning it into a hash join over a
          -- scan of every key in the idempotency window (it guesses 100 records).
          SELECT i.producer, i.idempotency_key, k.event_id, k.body_hash
            FROM input i
           CROSS JOIN LATERAL (SELECT k.event_id, k.body_hash FROM event_idempotency k
                                WHERE k.producer = i.producer AND k.key = i.idempotency_key OFFSET 0) k
           WHERE i.idempotency_key IS NOT NULL
          UNION ALL
          SELECT * FROM claimed)
        SELECT i.id, n.recorded_at, COALESCE(c.webhooks, 0), h.event_id, h.body_hash <> i.hash, i.hash
          FROM input i
          LEFT JOIN new_events n ON n.id = i.id
          LEFT JOIN counted c ON c.event_id = i.id
          LEFT JOIN holders h ON n.id IS NULL AND h.producer = i.producer AND h.idempotency_key = i.idempotency_key
         WHERE (SELECT count(*) FROM (SELECT pg_notify('tidings_outbox', '') FROM inserted LIMIT 1) AS notify) >= 0;
      END $$`);

    // The trusted function's rows as ids: a repeat's original, or SQLSTATE 23505 when the repeat's body differs.
    await q.query(`
      CREATE FUNCTION register_records(records jsonb) RETURNS SETOF uuid LANGUAGE plpgsql AS $$
      DECLARE
        r record;
        holder uuid;
      BEGIN
        -- In the order given (a join promises no order of its own).
        FOR r IN SELECT t.*, x.producer, x.idempotency_key AS key FROM register_events_trusted(records) t
                   JOIN (SELECT (a.e->>'id')::uuid AS id, a.e->>'producer' AS producer, a.e->>'idempotency_key' AS idempotency_key, a.o
                           FROM jsonb_array_elements(records) WITH ORDINALITY AS a(e, o)) x ON x.id = t.id
                  ORDER BY x.o LOOP
          IF r.recorded_at IS NOT NULL THEN RETURN NEXT r.id; CONTINUE; END IF;
          holder := r.original_id;
          IF holder IS NULL THEN
            -- Claimed by a transaction that committed while this one waited: its row is visible to a new statement.
            SELECT k.event_id, k.body_hash <> r.body_hash INTO holder, r.conflict FROM event_idempotency k
             WHERE k.producer = r.producer AND k.key = r.key;
          END IF;
          IF r.conflict THEN
            RAISE EXCEPTION 'idempotency_conflict: idempotency key % was used by % for a different body', r.key, r.producer
              USING ERRCODE = '23505', DETAIL = jsonb_build_object('idempotency_key', r.key, 'original_id', holder)::text,
                    HINT = 'Send a repeat with the body of the original, or use a new idempotency key';
          END IF;
          RETURN NEXT holder;
        END LOOP;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION register_records(jsonb)`);
    await q.query(`DROP FUNCTION register_events_trusted(jsonb)`);
    await q.query(`DROP FUNCTION event_record(text, jsonb, text, int)`);
    await q.query(`DROP FUNCTION event_body_errors(jsonb, jsonb, text, text)`);
    await q.query(`DROP FUNCTION event_instant(text)`);
    await q.query(`DROP FUNCTION event_format_valid(text, text)`);
    await q.query(`DROP FUNCTION match_subscribers(text[], uuid, uuid, text)`);
    await q.query(`DROP TABLE event_formats`);
    await q.query(`ALTER TABLE event_types DROP COLUMN scope_paths, DROP COLUMN subscription_patterns, DROP COLUMN producer_registrable`);
  }
}

/** event_record as this migration made it (1764770000000-OccurredAtBounds.ts puts it back on the way down). */
export const EVENT_RECORD_V1 = `
      CREATE FUNCTION event_record(event_type text, body jsonb, idempotency_key text, item_index int) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
      DECLARE
        t event_types;
        errors jsonb;
        fields text;
        reason text;
        record jsonb;
        scope jsonb;
        value jsonb;
        hint text := CASE WHEN item_index IS NULL THEN 'Each type''s body schema is in event_types.schema (GET /v1/event-types/{type})'
                          ELSE format('events[%s]', item_index) END;
      BEGIN
        IF event_type IS NULL OR event_type = '' THEN
          RAISE EXCEPTION 'type is required' USING ERRCODE = '22023', HINT = hint,
            DETAIL = '[{"field":"type","message":"type must be a non-empty string"}]';
        END IF;
        SELECT * INTO t FROM event_types WHERE name = event_type AND deprecated_at IS NULL AND schema IS NOT NULL;
        IF NOT FOUND OR NOT t.producer_registrable THEN
          reason := CASE WHEN FOUND THEN event_type || ' events are recorded by Tidings itself or by their own ingestion API'
                         ELSE 'unknown event type ' || event_type END;
          RAISE EXCEPTION '%', reason USING ERRCODE = '22023', HINT = hint, DETAIL = jsonb_build_array(jsonb_build_object('field', 'type', 'message', reason))::text;
        END IF;
        IF jsonb_typeof(body) IS DISTINCT FROM 'object' THEN
          RAISE EXCEPTION 'The body must be a JSON object describing one event' USING ERRCODE = '22023', HINT = hint;
        END IF;
        IF idempotency_key IS NOT NULL THEN
          IF body ? 'idempotency_key' AND body->'idempotency_key' <> to_jsonb(idempotency_key) THEN
            RAISE EXCEPTION 'The idempotency_key argument and the body''s idempotency_key differ' USING ERRCODE = '22023', HINT = hint,
              DETAIL = '[{"field":"idempotency_key","message":"idempotency_key must equal the idempotency_key argument when both are given"}]';
          END IF;
          body := body || jsonb_build_object('idempotency_key', idempotency_key);
        END IF;
        SELECT jsonb_agg(e ORDER BY o) INTO errors
          -- schema || '{}': a detoasted copy, so the walk does not decompress the stored schema at each step.
          FROM (SELECT e, min(o) AS o FROM jsonb_array_elements(event_body_errors(t.schema || '{}', body, '', event_type)) WITH ORDINALITY AS x(e, o) GROUP BY e) d;
        IF errors IS NOT NULL THEN
          SELECT string_agg(f, ', ' ORDER BY o) INTO fields
            FROM (SELECT e->>'field' AS f, min(o) AS o FROM jsonb_array_elements(errors) WITH ORDINALITY AS x(e, o) GROUP BY 1) d;
          RAISE EXCEPTION 'Invalid % event: %', event_type, fields USING ERRCODE = '22023', HINT = hint, DETAIL = errors::text;
        END IF;
        record := jsonb_build_object(
          'id', tidings_uuid_v7(), 'type', event_type, 'source', 'sql', 'producer', session_user,
          'occurred_at', COALESCE(to_jsonb(event_instant(body->>'occurred_at')), to_jsonb(now())), 'occurred_at_given', body ? 'occurred_at',
          'idempotency_key', body->'idempotency_key', 'ordering_key', body->'ordering_key',
          'data', body - ARRAY['type', 'occurred_at', 'idempotency_key', 'ordering_key']);
        FOR scope IN SELECT jsonb_array_elements(t.scope_paths) LOOP
          value := body #> ARRAY(SELECT jsonb_array_elements_text(scope->'path'));
          IF value IS NOT NULL AND value <> 'null' THEN record := record || jsonb_build_object(scope->>'column', value); END IF;
        END LOOP;
        RETURN record;
      END $$`;

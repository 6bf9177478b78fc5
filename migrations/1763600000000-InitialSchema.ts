import { MigrationInterface, QueryRunner } from 'typeorm';
import { EVENT_CATALOGUE_V1 } from './data/event-catalogue-v1';

export class InitialSchema1763600000000 implements MigrationInterface {
  name = 'InitialSchema1763600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_types (
        name          text PRIMARY KEY,
        "group"       text NOT NULL CHECK ("group" IN ('platform','observability','lineage','engine','client')),
        description   text NOT NULL,
        deprecated_at timestamptz
      )`);
    await q.query(
      `INSERT INTO event_types (name, "group", description)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
      [EVENT_CATALOGUE_V1.map((t) => t.name), EVENT_CATALOGUE_V1.map((t) => t.group), EVENT_CATALOGUE_V1.map((t) => t.description)],
    );

    // Single-table inheritance: `type` is the discriminator. Events are an audit log.
    await q.query(`
      CREATE TABLE events (
        id                uuid PRIMARY KEY,
        type              text NOT NULL REFERENCES event_types(name),
        occurred_at       timestamptz NOT NULL,
        recorded_at       timestamptz NOT NULL DEFAULT now(),
        idempotency_key   text,
        source            text NOT NULL CHECK (source IN ('internal','api','openlineage','observability','client')),
        project_uuid      uuid,
        job_uuid          uuid,
        pipeline_uuid     uuid,
        pipeline_run_uuid uuid,
        environment_uuid  uuid,
        pipeline_key      text,
        run_key           text,
        task_key          text,
        lineage_namespace text,
        lineage_job       text,
        lineage_run_id    uuid,
        data              jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE UNIQUE INDEX events_idempotency_key_uq ON events (idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await q.query(`CREATE INDEX events_recorded_idx ON events (recorded_at DESC, id DESC)`);
    await q.query(`CREATE INDEX events_type_recorded_idx ON events (type, recorded_at DESC, id DESC)`);
    await q.query(`CREATE INDEX events_project_idx ON events (project_uuid, recorded_at DESC) WHERE project_uuid IS NOT NULL`);
    await q.query(`CREATE INDEX events_job_idx ON events (job_uuid, recorded_at DESC) WHERE job_uuid IS NOT NULL`);

    // Single-table inheritance: `kind` is webhook | analytics.
    await q.query(`
      CREATE TABLE subscribers (
        id              uuid PRIMARY KEY,
        kind            text NOT NULL CHECK (kind IN ('webhook','analytics')),
        name            text NOT NULL,
        url             text,
        secrets         jsonb NOT NULL DEFAULT '[]',
        content_type    text NOT NULL DEFAULT 'application/json'
                        CHECK (content_type IN ('application/json','application/x-www-form-urlencoded')),
        format          text NOT NULL DEFAULT 'standard' CHECK (format IN ('standard','slack','discord','teams')),
        verify_tls      boolean NOT NULL DEFAULT true,
        headers         jsonb NOT NULL DEFAULT '{}',
        enabled         boolean NOT NULL DEFAULT true,
        disabled_reason text,
        disabled_at     timestamptz,
        failing_since   timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        deleted_at      timestamptz
      )`);
    await q.query(`CREATE INDEX subscribers_created_idx ON subscribers (created_at DESC, id DESC) WHERE deleted_at IS NULL`);

    await q.query(`
      CREATE TABLE subscriptions (
        id            uuid PRIMARY KEY,
        subscriber_id uuid NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
        event_type    text NOT NULL,
        project_uuid  uuid,
        job_uuid      uuid,
        pipeline_key  text,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    // Matching looks subscriptions up by the exact type and each of its prefix wildcards.
    await q.query(`CREATE INDEX subscriptions_event_type_idx ON subscriptions (event_type)`);
    await q.query(`CREATE INDEX subscriptions_subscriber_idx ON subscriptions (subscriber_id)`);

    // The outbox.
    await q.query(`
      CREATE TABLE deliveries (
        id                   uuid PRIMARY KEY,
        event_id             uuid REFERENCES events(id) ON DELETE SET NULL,
        event_type           text NOT NULL,
        subscriber_id        uuid NOT NULL REFERENCES subscribers(id),
        payload              jsonb NOT NULL,
        status               text NOT NULL DEFAULT 'pending'
                             CHECK (status IN ('pending','claimed','delivered','failed','cancelled')),
        next_trigger         text NOT NULL DEFAULT 'auto' CHECK (next_trigger IN ('auto','manual')),
        attempt_count        integer NOT NULL DEFAULT 0,
        next_attempt_at      timestamptz,
        claimed_at           timestamptz,
        last_attempt_at      timestamptz,
        delivered_at         timestamptz,
        last_response_status integer,
        last_error           text,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
    // The relay's claim query walks this partial index only: its size is the due backlog, not the table.
    await q.query(`CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX deliveries_claimed_idx ON deliveries (claimed_at) WHERE status = 'claimed'`);
    await q.query(`CREATE INDEX deliveries_created_idx ON deliveries (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX deliveries_subscriber_idx ON deliveries (subscriber_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX deliveries_failed_idx ON deliveries (subscriber_id, created_at) WHERE status = 'failed'`);
    await q.query(`CREATE INDEX deliveries_event_idx ON deliveries (event_id)`);

    await q.query(`
      CREATE TABLE delivery_attempts (
        id               uuid PRIMARY KEY,
        delivery_id      uuid NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        number           integer NOT NULL,
        trigger          text NOT NULL CHECK (trigger IN ('auto','manual')),
        started_at       timestamptz NOT NULL,
        duration_ms      integer NOT NULL,
        response_status  integer,
        response_headers jsonb,
        response_body    text,
        error            text
      )`);
    await q.query(`CREATE INDEX delivery_attempts_delivery_idx ON delivery_attempts (delivery_id, number)`);

    await q.query(`
      CREATE TABLE api_keys (
        id           uuid PRIMARY KEY,
        name         text NOT NULL,
        prefix       text NOT NULL,
        hash         text NOT NULL UNIQUE,
        scopes       text[] NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at   timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['api_keys', 'delivery_attempts', 'deliveries', 'subscriptions', 'subscribers', 'events', 'event_types']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}

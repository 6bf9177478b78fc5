import { MigrationInterface, QueryRunner } from 'typeorm';
import { editRegisterEventsTrusted, reversed } from './data/edit-register-events-trusted';

/**
 * `register_events_trusted` reads fewer buffer pages per event (issue: the
 * Postgres work per registered event; figures in docs/benchmark.md). Three
 * lookups it did per record or per delivery are now done once per statement,
 * or only where their answer is used:
 *
 * - the event type's patterns and ordering-key path: one primary-key probe of
 *   `event_types` per distinct type of the statement (`types`), not one per
 *   record. A group of single events, or a batch, is mostly of one type.
 * - whether each matched webhook is ordered: one probe of `subscribers` per
 *   distinct matched webhook (`webhooks`), not one per delivery row.
 * - the holder of an idempotency key: probed only for the records not
 *   inserted (a repeated key), not for every keyed record; a new record's
 *   holder is itself, and its row was not read.
 *
 * What the statement writes and answers is unchanged. The function is
 * otherwise as before (its definition is read back and only these fragments
 * are replaced, as in BodyHashOfKeyedEventsOnly1764760100000).
 */
export const TYPES_PER_STATEMENT = `WITH types AS MATERIALIZED (
          -- One probe per distinct type of the statement; the records then read this list, not the table.
          -- (OFFSET 0: a primary-key probe each, not a scan of the table to hash-join with the types it guesses.)
          SELECT x.name, x.subscription_patterns, x.ordering_key_path
            FROM (SELECT DISTINCT r.type FROM jsonb_to_recordset(records) AS r(type text)) r
           CROSS JOIN LATERAL (SELECT x.* FROM event_types x WHERE x.name = r.type OFFSET 0) x),`;

const EDITS: ReadonlyArray<readonly [string, string]> = [
  [
    `WITH input AS MATERIALIZED (`,
    `${TYPES_PER_STATEMENT}
        input AS MATERIALIZED (`,
  ],
  [
    `CROSS JOIN LATERAL (SELECT x.subscription_patterns, x.ordering_key_path FROM event_types x WHERE x.name = r.type`,
    `CROSS JOIN LATERAL (SELECT x.subscription_patterns, x.ordering_key_path FROM types x WHERE x.name = r.type`,
  ],
  [
    `CROSS JOIN LATERAL match_subscribers(e.patterns, e.project_uuid, e.job_uuid, e.pipeline_key) m),`,
    `CROSS JOIN LATERAL match_subscribers(e.patterns, e.project_uuid, e.job_uuid, e.pipeline_key) m),
        webhooks AS MATERIALIZED (
          -- Whether each matched webhook is ordered, read once per webhook rather than once per delivery row.
          SELECT s.id, s.ordered FROM (SELECT DISTINCT id FROM matched) m
           CROSS JOIN LATERAL (SELECT s.id, s.ordered FROM subscribers s WHERE s.id = m.id OFFSET 0) s),`,
  ],
  [
    `CROSS JOIN LATERAL (SELECT CASE WHEN s.ordered THEN i.key_of_order END AS key FROM subscribers s WHERE s.id = m.id) o`,
    `CROSS JOIN LATERAL (SELECT CASE WHEN s.ordered THEN i.key_of_order END AS key FROM webhooks s WHERE s.id = m.id) o`,
  ],
  [
    `           WHERE i.idempotency_key IS NOT NULL
          UNION ALL`,
    `           WHERE i.idempotency_key IS NOT NULL AND i.id NOT IN (SELECT id FROM new_events)
          UNION ALL`,
  ],
];

export class LeanerRegistration1764785000000 implements MigrationInterface {
  name = 'LeanerRegistration1764785000000';

  async up(q: QueryRunner): Promise<void> {
    await editRegisterEventsTrusted(q, EDITS);
  }

  async down(q: QueryRunner): Promise<void> {
    await editRegisterEventsTrusted(q, reversed(EDITS));
  }
}

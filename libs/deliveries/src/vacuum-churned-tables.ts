import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Tables whose rows are updated in place or deleted (so leave dead versions behind); the others only grow. */
const CHURNED = ['deliveries', 'subscribers', 'webhook_attempt_stats', 'observed_runs', 'observed_run_tasks', 'lineage_runs', 'event_idempotency'];
/** Vacuum once dead versions pass this share of the live rows, and at least this many. */
const DEAD_SHARE = 0.2;
const DEAD_MIN = 10_000;
/** Tables whose statistics the hot statements' plans depend on. */
const PLANNED = ['deliveries', 'events', 'delivery_attempts', 'subscribers', 'subscriptions'];
/** Analyze once rows changed since the last analyze pass this share of the live rows, and at least this many. */
const CHANGED_SHARE = 0.1;
const CHANGED_MIN = 1_000;

/**
 * Where autovacuum is off (some managed setups, and the machines Tidings is
 * developed on), nothing would reclaim the dead row versions that settling
 * deliveries leaves (claims and starts are HOT updates, pruned on the page;
 * a settle is not), and the table and its indexes would grow without bound.
 * Then the worker vacuums the tables it churns itself, each once its dead
 * versions pass a fifth of its live rows; SKIP_LOCKED leaves a table another
 * replica is vacuuming. With autovacuum on it does nothing: Postgres does it,
 * with the per-table thresholds of the migrations.
 *
 * Likewise it analyzes the tables the hot statements are planned on once a
 * tenth of their rows changed: a table that grew from empty with no
 * statistics once made the start statement walk every pending delivery.
 */
@Injectable()
export class VacuumChurnedTables {
  constructor(private readonly db: DataSource) {}

  /** Resolves to what it did, e.g. `['vacuum deliveries', 'analyze events']`. */
  async execute(): Promise<string[]> {
    const [{ autovacuum }] = await this.db.query(`SELECT current_setting('autovacuum') = 'on' AS autovacuum`);
    if (autovacuum) return [];
    // A partitioned table has no rows of its own: its partitions are judged, and vacuumed, each by itself, under the parent's name.
    const due: { relname: string; vacuum: boolean }[] = await this.db.query(
      `WITH tables AS (
         SELECT s.relname, coalesce(p.relname, s.relname) AS family, s.n_dead_tup, s.n_live_tup, s.n_mod_since_analyze
           FROM pg_stat_user_tables s
           LEFT JOIN pg_inherits i ON i.inhrelid = s.relid
           LEFT JOIN pg_class p ON p.oid = i.inhparent
          WHERE s.schemaname = current_schema())
       SELECT relname, family = ANY($1::text[]) AND n_dead_tup > greatest($2::bigint, (n_live_tup * $3::float8)::bigint) AS vacuum
         FROM tables
        WHERE (family = ANY($1::text[]) AND n_dead_tup > greatest($2::bigint, (n_live_tup * $3::float8)::bigint))
           OR (family = ANY($4::text[]) AND n_mod_since_analyze > greatest($5::bigint, (n_live_tup * $6::float8)::bigint))`,
      [CHURNED, DEAD_MIN, DEAD_SHARE, PLANNED, CHANGED_MIN, CHANGED_SHARE],
    );
    const done: string[] = [];
    for (const { relname, vacuum } of due) {
      await this.db.query(vacuum ? `VACUUM (ANALYZE, SKIP_LOCKED) "${relname}"` : `ANALYZE (SKIP_LOCKED) "${relname}"`);
      done.push(`${vacuum ? 'vacuum' : 'analyze'} ${relname}`);
    }
    return done;
  }
}

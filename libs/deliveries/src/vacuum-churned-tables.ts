import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Tables whose rows are updated in place or deleted (so leave dead versions behind); the others only grow. */
const CHURNED = ['deliveries', 'subscribers', 'webhook_attempt_stats', 'observed_runs', 'observed_run_tasks', 'lineage_runs', 'event_idempotency'];
/** Vacuum once dead versions pass this share of the live rows, and at least this many. */
const DEAD_SHARE = 0.2;
const DEAD_MIN = 10_000;
/**
 * A deliveries partition is vacuumed sooner, on its churn alone: once its dead
 * versions pass DUE_FRONT_PER_ROOT × √(its index pages), and at least
 * DUE_FRONT_MIN (see below for why the square root).
 */
const DUE_FRONT_PER_ROOT = 80;
const DUE_FRONT_MIN = 2_000;
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
 * versions pass a fifth of its live rows. With autovacuum on it does
 * nothing: Postgres does it, with the per-table thresholds of the migrations.
 *
 * Deliveries need more: the claim walks the due index
 * (`(next_attempt_at) WHERE status = 'pending'`) from its start, and a
 * settled delivery leaves its entry there; new entries arrive at the right
 * end, so nothing but a vacuum removes the dead front, and every claim reads
 * it (40,000 settles: 112 pages per claim instead of 2). So the partition
 * that takes the churn (today's, mostly) is vacuumed on its dead versions
 * alone, not on their share of a day's rows, and with INDEX_CLEANUP ON:
 * when few heap pages hold dead rows, as in a large partition, Postgres
 * would otherwise skip its indexes and leave the front in place. A vacuum
 * reads every index of the partition once; a claim reads the dead front,
 * about 1/360 page per entry. Trading one against the other, the churn to
 * wait for grows with the square root of the partition's index pages (a
 * settle counts about two dead versions, its claim's and start's not yet
 * pruned): at 1,500 index pages (the bench's), 3,100 dead versions, about a
 * page of vacuum per settle and a front of 4 pages; at 36,000 (a million
 * rows), 15,000 dead versions, about 5 pages of vacuum per settle and a
 * front of 21 pages per claim. No ANALYZE in these: the analyze rule below suffices.
 *
 * Likewise it analyzes the tables the hot statements are planned on once a
 * tenth of their rows changed: a table that grew from empty with no
 * statistics once made the start statement walk every pending delivery.
 *
 * One replica at a time (an advisory lock; the others skip the pass), and
 * SKIP_LOCKED leaves a table a manual vacuum holds.
 */
@Injectable()
export class VacuumChurnedTables {
  constructor(private readonly db: DataSource) {}

  /** Resolves to what it did, e.g. `['vacuum deliveries_p20261203', 'analyze events_p20261203']`. */
  async execute(): Promise<string[]> {
    const [{ autovacuum }] = await this.db.query(`SELECT current_setting('autovacuum') = 'on' AS autovacuum`);
    if (autovacuum) return [];
    // VACUUM runs outside a transaction, so the lock is the session's: taken and given back on this one connection.
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock(hashtext(current_schema() || '.vacuum_churned_tables')) AS locked`);
      if (!locked) return [];
      try {
        return await this.vacuumDue(runner);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext(current_schema() || '.vacuum_churned_tables'))`);
      }
    } finally {
      await runner.release();
    }
  }

  private async vacuumDue(runner: { query(sql: string, params?: unknown[]): Promise<any> }): Promise<string[]> {
    // A partitioned table has no rows of its own: its partitions are judged, and vacuumed, each by itself, under the parent's name.
    const due: { relname: string; action: 'churn' | 'vacuum' | 'analyze' }[] = await runner.query(
      `WITH tables AS (
         SELECT s.relname, coalesce(p.relname, s.relname) AS family, s.n_dead_tup, s.n_live_tup, s.n_mod_since_analyze,
                (SELECT coalesce(sum(ic.relpages), 0) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid WHERE x.indrelid = s.relid) AS index_pages
           FROM pg_stat_user_tables s
           LEFT JOIN pg_inherits i ON i.inhrelid = s.relid
           LEFT JOIN pg_class p ON p.oid = i.inhparent
          WHERE s.schemaname = current_schema()),
       judged AS (
         SELECT relname,
                CASE WHEN family = 'deliveries' AND n_dead_tup > greatest($7::bigint, ($8::float8 * sqrt(index_pages))::bigint) THEN 'churn'
                     WHEN family = ANY($1::text[]) AND n_dead_tup > greatest($2::bigint, (n_live_tup * $3::float8)::bigint) THEN 'vacuum'
                     WHEN family = ANY($4::text[]) AND n_mod_since_analyze > greatest($5::bigint, (n_live_tup * $6::float8)::bigint) THEN 'analyze'
                END AS action
           FROM tables)
       SELECT relname, action FROM judged WHERE action IS NOT NULL`,
      [CHURNED, DEAD_MIN, DEAD_SHARE, PLANNED, CHANGED_MIN, CHANGED_SHARE, DUE_FRONT_MIN, DUE_FRONT_PER_ROOT],
    );
    const done: string[] = [];
    for (const { relname, action } of due) {
      const options = { churn: 'SKIP_LOCKED, INDEX_CLEANUP ON', vacuum: 'ANALYZE, SKIP_LOCKED', analyze: 'SKIP_LOCKED' }[action];
      await runner.query(`${action === 'analyze' ? 'ANALYZE' : 'VACUUM'} (${options}) "${relname}"`);
      done.push(`${action === 'analyze' ? 'analyze' : 'vacuum'} ${relname}`);
    }
    return done;
  }
}

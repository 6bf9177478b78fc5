import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Tables whose rows are updated in place (so leave dead versions behind); the others only grow. */
const CHURNED = ['deliveries', 'subscribers', 'observed_runs', 'observed_run_tasks', 'lineage_runs'];
/** Vacuum once dead versions pass this share of the live rows, and at least this many. */
const DEAD_SHARE = 0.2;
const DEAD_MIN = 10_000;

/**
 * Where autovacuum is off (some managed setups, and the machines Tidings is
 * developed on), nothing would reclaim the dead row versions that settling
 * deliveries leaves (claims and starts are HOT updates, pruned on the page;
 * a settle is not), and the table and its indexes would grow without bound.
 * Then the worker vacuums the tables it churns itself, each once its dead
 * versions pass a fifth of its live rows; SKIP_LOCKED leaves a table another
 * replica is vacuuming. With autovacuum on it does nothing: Postgres does it,
 * with the per-table thresholds of the migrations.
 */
@Injectable()
export class VacuumChurnedTables {
  constructor(private readonly db: DataSource) {}

  /** Resolves to the tables vacuumed. */
  async execute(): Promise<string[]> {
    const [{ autovacuum }] = await this.db.query(`SELECT current_setting('autovacuum') = 'on' AS autovacuum`);
    if (autovacuum) return [];
    const due: { relname: string }[] = await this.db.query(
      `SELECT relname FROM pg_stat_user_tables
        WHERE schemaname = current_schema() AND relname = ANY($1::text[])
          AND n_dead_tup > greatest($2::bigint, (n_live_tup * $3::float8)::bigint)`,
      [CHURNED, DEAD_MIN, DEAD_SHARE],
    );
    for (const { relname } of due) await this.db.query(`VACUUM (ANALYZE, SKIP_LOCKED) "${relname}"`);
    return due.map((t) => t.relname);
  }
}

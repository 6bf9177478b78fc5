import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-table autovacuum thresholds for the tables whose rows are updated:
 * Postgres's defaults (20 % of the table dead before a vacuum) let a
 * 10 M-row deliveries table carry 2 M dead versions and their index entries.
 * Vacuum (and analyze) at 2 % instead, and never wait for fewer than 5,000
 * dead rows. Where autovacuum is off, the worker vacuums these tables itself
 * (VacuumChurnedTables).
 */
export class ChurnSettings1764400000000 implements MigrationInterface {
  name = 'ChurnSettings1764400000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['deliveries', 'subscribers']) {
      await q.query(
        `ALTER TABLE ${table} SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 5000,
                                  autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 5000)`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['deliveries', 'subscribers']) {
      await q.query(
        `ALTER TABLE ${table} RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
                                    autovacuum_analyze_scale_factor, autovacuum_analyze_threshold)`,
      );
    }
  }
}

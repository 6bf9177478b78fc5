import { MigrationInterface, QueryRunner } from 'typeorm';
import v4 from './data/event-catalogue-v4.json';
import catalogue from './data/event-catalogue-v5.json';
import formats from './data/event-formats-v3.json';
import { EventFormatSnapshotRow, EventTypeRulesSnapshotRow, syncEventTypeRules } from './data/sync-event-type-rules';

/**
 * The registry's snapshot v5 (scripts/event-catalogue-snapshot.js): adds
 * `observability:run:missing` and `observability:run:late`, recorded by the
 * worker from expected-run schedules (DESIGN §7.2), to v4's rows.
 */
export class ScheduleEventTypes1764731000000 implements MigrationInterface {
  name = 'ScheduleEventTypes1764731000000';

  async up(q: QueryRunner): Promise<void> {
    await syncEventTypeRules(q, catalogue as EventTypeRulesSnapshotRow[], formats as EventFormatSnapshotRow[]);
  }

  async down(q: QueryRunner): Promise<void> {
    await syncEventTypeRules(q, v4 as EventTypeRulesSnapshotRow[], formats as EventFormatSnapshotRow[]);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';
import v4 from './data/event-catalogue-v4.json';
import catalogue from './data/event-catalogue-v5.json';
import { EventTypeSnapshotRow, syncEventTypes } from './data/sync-event-types';

/**
 * The registry's snapshot v5 (scripts/event-catalogue-snapshot.js): adds
 * `observability:run:missing` and `observability:run:late`, recorded by the
 * worker from expected-run schedules (DESIGN §7.2), to v4's rows.
 */
export class ScheduleEventTypes1764731000000 implements MigrationInterface {
  name = 'ScheduleEventTypes1764731000000';

  async up(q: QueryRunner): Promise<void> {
    await syncEventTypes(q, catalogue as EventTypeSnapshotRow[]);
  }

  async down(q: QueryRunner): Promise<void> {
    await syncEventTypes(q, v4 as EventTypeSnapshotRow[]);
  }
}

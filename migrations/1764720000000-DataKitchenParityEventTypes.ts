import { MigrationInterface, QueryRunner } from 'typeorm';
import previous from './data/event-catalogue-v3.json';
import catalogue from './data/event-catalogue-v4.json';
import formats from './data/event-formats-v3.json';
import { EventFormatSnapshotRow, EventTypeRulesSnapshotRow, syncEventTypeRules } from './data/sync-event-type-rules';

/**
 * DataKitchen Event Ingestion API v1 parity (DESIGN §4, §7.2): the types of
 * components without runs (`observability:stream:*`, `observability:server:*`:
 * message-log, metric-log, test-outcomes), `payload_keys` in the observability
 * context, `details` (DataKitchen's `message_details`) in the log layer, and
 * run names up to 1024 characters. Rows from the registry's snapshot v4, with
 * what the SQL entry point reads of each (formats unchanged since v3).
 */
export class DataKitchenParityEventTypes1764720000000 implements MigrationInterface {
  name = 'DataKitchenParityEventTypes1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await syncEventTypeRules(q, catalogue as EventTypeRulesSnapshotRow[], formats as EventFormatSnapshotRow[]);
  }

  async down(q: QueryRunner): Promise<void> {
    // The new types stay as deprecated rows: events may name them.
    await syncEventTypeRules(q, previous as EventTypeRulesSnapshotRow[], formats as EventFormatSnapshotRow[]);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';
import previous from './data/event-catalogue-v2.json';
import catalogue from './data/event-catalogue-v4.json';
import { EventTypeSnapshotRow, syncEventTypes } from './data/sync-event-types';

/**
 * DataKitchen Event Ingestion API v1 parity (DESIGN §4, §7.2): the types of
 * components without runs (`observability:stream:*`, `observability:server:*`:
 * message-log, metric-log, test-outcomes), `payload_keys` in the observability
 * context, `details` (DataKitchen's `message_details`) in the log layer, and
 * run names up to 1024 characters. Rows from the registry's snapshot v4.
 */
export class DataKitchenParityEventTypes1764720000000 implements MigrationInterface {
  name = 'DataKitchenParityEventTypes1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await syncEventTypes(q, catalogue as EventTypeSnapshotRow[]);
  }

  async down(q: QueryRunner): Promise<void> {
    // The new types stay as deprecated rows: events may name them.
    await syncEventTypes(q, previous as EventTypeSnapshotRow[]);
  }
}

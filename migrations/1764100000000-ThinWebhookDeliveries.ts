import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook deliveries stop storing their body: the worker renders it from the
 * immutable event and the webhook's settings when sending (DESIGN §5), so a
 * status change no longer copies ~600 B of jsonb. Rows written before keep
 * theirs and are sent as they are, so pending deliveries of an upgraded
 * database go out unchanged; analytics rows keep their telemetry payload
 * until telemetry is exported from the event log.
 */
export class ThinWebhookDeliveries1764100000000 implements MigrationInterface {
  name = 'ThinWebhookDeliveries1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries ALTER COLUMN payload DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The older code cannot send a delivery without a stored body: refuse rather than drop or blank them.
    const [{ thin }] = await q.query(`SELECT count(*)::int AS thin FROM deliveries WHERE payload IS NULL`);
    if (thin > 0) throw new Error(`${thin} deliveries have no stored body; the previous version cannot send them`);
    await q.query(`ALTER TABLE deliveries ALTER COLUMN payload SET NOT NULL`);
  }
}

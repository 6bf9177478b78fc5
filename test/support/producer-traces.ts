import { FakeWebhookReceiver, ReceivedRequest, waitFor } from '@tidings/testing';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';

/*
 * What a producer outside Tidings left behind (the client package's and the
 * Python example's specs): the rows of its transaction, and the webhook its
 * event became.
 */

/** Counts of the business row (`table`, by uuid), the event and the event's deliveries. */
export async function transactionTraces(db: DataSource, table: string, uuid: string, eventId: string): Promise<{ business: number; events: number; deliveries: number }> {
  const [row] = await db.query(
    `SELECT (SELECT count(*)::int FROM ${table} WHERE uuid = $1) AS business,
            (SELECT count(*)::int FROM events WHERE id = $2) AS events,
            (SELECT count(*)::int FROM deliveries WHERE event_id = $2) AS deliveries`,
    [uuid, eventId],
  );
  return row;
}

/** The request to `path` that carried event `eventId`, verified with the standardwebhooks package (which throws on a wrong signature). */
export async function verifiedWebhook(receiver: FakeWebhookReceiver, path: string, secret: string, eventId: string): Promise<{ request: ReceivedRequest; payload: any }> {
  return waitFor(`the webhook for event ${eventId}`, () => {
    for (const request of receiver.received(path)) {
      const payload = new Webhook(secret).verify(request.body, {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      }) as any;
      if (payload.event.id === eventId) return { request, payload };
    }
    return undefined;
  });
}

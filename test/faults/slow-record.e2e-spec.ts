import { Client } from 'pg';
import { FaultRig, LoadDriver, receiverCounts, tally } from '../support/fault-rig';
import { waitFor } from '@tidings/testing';

/*
 * A live worker keeps its leases. Two workers; the attempts of a few
 * deliveries are sent, then cannot be recorded for four times the claim's
 * lease (the attempts table is locked, as a long stall of Postgres or of the
 * worker would do). Their leases must not run out meanwhile: had one run
 * out, the other worker would claim the delivery again and send it a second
 * time although nothing crashed (issue 16 item 2). Once the lock goes, each
 * delivery is recorded once, with one attempt.
 */
const PATH = '/slow-record';
const SENT = 5;
const LEASE_MS = 3000;

describe('a worker whose attempts cannot be recorded for longer than the lease', () => {
  let rig: FaultRig;
  let locker: Client | undefined;
  let passed = false;

  beforeAll(async () => {
    rig = await FaultRig.start({
      workers: 2,
      env: { DELIVERY_CLAIM_LEASE: `${LEASE_MS}ms`, WEBHOOK_TIMEOUT_MS: '2000', RELAY_INTERVAL: '200ms' },
    });
  }, 180_000);

  afterAll(async () => {
    if (!passed) rig?.dump('slow-record did not pass');
    await locker?.end().catch(() => undefined);
    await rig?.stop();
  }, 60_000);

  it('keeps the leases of its attempts in flight: nothing is sent twice', async () => {
    const receiver = rig.receiver!;
    receiver.on(PATH, { status: 200 });
    const webhookId = await rig.createWebhook(PATH);

    locker = new Client({ connectionString: rig.pg!.url() });
    await locker.connect();
    await locker.query(`SET search_path = ${rig.env.TIDINGS_SCHEMA ?? 'tidings'}`);
    await locker.query('BEGIN');
    // Blocks every insert into the attempts (the record statement's first step), nothing else the workers do.
    await locker.query('LOCK TABLE delivery_attempts IN SHARE MODE');

    const outcomes = await new LoadDriver({ baseUrl: rig.baseUrl, apiKey: rig.adminKey, concurrency: SENT, total: SENT })
      .start()
      .finished();
    expect(tally(outcomes)).toBe(`201×${SENT}`);
    await receiver.waitForRequests(PATH, SENT, 60_000);
    const lockedAt = Date.now();
    // Four leases long, measured from when the last attempt was sent: a lease not renewed would run out three times over.
    while (Date.now() - lockedAt < 4 * LEASE_MS) await new Promise((resolve) => setTimeout(resolve, 250));
    const [{ n: waitingToRecord }] = await rig.query(`SELECT count(*)::int AS n FROM delivery_attempts`).catch(() => [{ n: -1 }]);
    await locker.query('COMMIT');

    const settled = await rig.waitDelivered(webhookId, SENT, 60_000);
    const counts = receiverCounts(receiver, PATH);
    const attempts = await rig.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.subscriber_id = $1 GROUP BY a.delivery_id`,
      [webhookId],
    );
    process.stdout.write(
      `slow-record: ${SENT} sent, ${receiver.received(PATH).length} requests at the receiver, ${counts.duplicates} duplicates, ` +
        `${waitingToRecord} attempts recorded while locked, attempts per delivery ${JSON.stringify(attempts.map((a) => a.n))}\n`,
    );
    expect(settled).toMatchObject({ done: true });
    expect(waitingToRecord).toBe(0);
    expect(counts.duplicates).toBe(0);
    expect(attempts.map((a) => a.n)).toEqual(Array(SENT).fill(1));
    passed = true;
  }, 180_000);
});

import { waitForProgress } from '@tidings/testing';
import { Client } from 'pg';
import { FaultRig, LoadDriver, printFaultSummary, receiverCounts, sleep } from '../support/fault-rig';

/*
 * Postgres out of connections while attempts are in flight: every
 * connection slot is taken and the worker's own are cut, so the attempts it
 * is sending cannot be recorded when they finish. The worker holds their
 * results and records them once connections come back, and starts nothing
 * new meanwhile: nothing is sent twice, nothing lost.
 */
const PATH = '/hook';
const CONCURRENCY = 4;
const RECEIVER_DELAY_MS = 400;
const SENT = 120;
const EXHAUSTED_MS = 4000;
const MAX_CONNECTIONS = 40;

describe('fault: Postgres out of connections with attempts in flight', () => {
  let rig: FaultRig;
  let passed = false;
  const hogs: Client[] = [];

  beforeAll(async () => {
    rig = await FaultRig.start({
      postgres: { max_connections: String(MAX_CONNECTIONS), superuser_reserved_connections: '0' },
      env: { WORKER_CONCURRENCY: String(CONCURRENCY), DELIVERY_CLAIM_LEASE: '10s' },
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(hogs.map((c) => c.end().catch(() => undefined)));
    if (!passed) rig?.dump('connection-limit did not pass');
    await rig?.stop();
  }, 60_000);

  /** Opens connections until Postgres refuses one (53300); resolves to how many it opened. */
  async function takeEveryFreeConnection(): Promise<number> {
    for (let opened = 0; ; opened++) {
      const client = new Client({ connectionString: rig.pg!.url(), connectionTimeoutMillis: 5000, application_name: 'hog' });
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (error: any) {
        if (error?.code !== '53300') throw error;
        return opened;
      }
      hogs.push(client);
    }
  }

  it('holds the results of attempts it cannot record and records them later: no duplicate, nothing lost', async () => {
    const receiver = rig.receiver!;
    receiver.on(PATH, { status: 200, delayMs: RECEIVER_DELAY_MS });
    const webhookId = await rig.createWebhook(PATH);

    const load = new LoadDriver({ baseUrl: rig.baseUrl, apiKey: rig.adminKey, concurrency: 4, total: SENT, ratePerSecond: 20 }).start();
    await receiver.waitForRequests(PATH, 12, 60_000);

    await takeEveryFreeConnection();
    // Cut the worker's connections (the slots they free are taken at once): its attempts in flight finish with nowhere to record.
    const [{ n: cut }] = (
      await hogs[0].query(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'tidings-worker'`,
      )
    ).rows;
    await takeEveryFreeConnection();
    const exhaustedAt = Date.now();
    const unansweredAtCut = receiver.received(PATH).filter((r) => r.answeredStatus === undefined).length;
    await sleep(EXHAUSTED_MS);
    const held = (rig.worker!.output().match(/is held until Postgres can record it/g) ?? []).length;
    const releasedAt = Date.now();
    await Promise.all(hogs.splice(0).map((c) => c.end()));
    const receivedWhileExhausted = receiver.received(PATH).filter((r) => r.receivedAt > exhaustedAt && r.receivedAt < releasedAt).length;

    const outcomes = await load.finished();
    const committed = outcomes.filter((o) => o.status === 201).map((o) => o.eventId!);
    const settled = await waitForProgress(
      'every delivery to be delivered',
      async () => {
        const statuses = await rig.statusCounts(webhookId);
        return { progress: statuses.delivered ?? 0, done: (statuses.delivered ?? 0) === committed.length };
      },
      { stallMs: 30_000, intervalMs: 250 },
    );
    const counts = receiverCounts(receiver, PATH);
    const deliveryIds = await rig.deliveryIdsFor(webhookId, committed);
    const lost = deliveryIds.filter((id) => !counts.perId.has(id));
    const [{ n: attempts }] = await rig.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.subscriber_id = $1`,
      [webhookId],
    );
    printFaultSummary(
      'connection-limit',
      {
        sent: committed.length,
        delivered: deliveryIds.length - lost.length,
        duplicates: counts.duplicates,
        lost: lost.length + committed.length - deliveryIds.length,
      },
      `worker connections cut: ${cut}, unanswered at the cut: ${unansweredAtCut}, results held: ${held}, ` +
        `sent while exhausted: ${receivedWhileExhausted}, attempts recorded: ${attempts}, settled: ${JSON.stringify(settled)}`,
    );

    expect(cut).toBeGreaterThan(0);
    expect(held).toBeGreaterThan(0);
    expect(settled.done).toBe(true);
    expect(lost).toEqual([]);
    expect(counts.duplicates).toBe(0);
    // One attempt per delivery, each recorded once.
    expect(attempts).toBe(committed.length);
    expect(await rig.failedAttempts(webhookId)).toBe('none');
    passed = true;
  }, 240_000);
});

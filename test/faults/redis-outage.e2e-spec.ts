import { waitFor } from '@tidings/testing';
import { randomUUID } from 'node:crypto';
import { pipelineRunEvent } from '../support/fixtures';
import { FaultRig, LoadDriver, printFaultSummary, receiverCounts, sleep, tally } from '../support/fault-rig';

/*
 * Fault 3: Redis goes away. (a) It is stopped for several seconds while events
 * keep arriving, then started again, empty: the api keeps answering 201 (it
 * writes only to Postgres), the worker reconnects by itself and the relay
 * rebuilds the queue from Postgres. (b) It is flushed with a backlog queued:
 * everything is still delivered. Nothing twice except attempts in flight.
 */
const CONCURRENCY = 4;
const OUTAGE_MS = 6000;
/** How late this process's event loop may see a request sent before a fault. */
const IN_FLIGHT_MARGIN_MS = 1000;

describe('fault 3: Redis outage and Redis flush', () => {
  let rig: FaultRig;
  let passed = 0;
  let workerPid: number | undefined;

  beforeAll(async () => {
    rig = await FaultRig.start({ env: { WORKER_CONCURRENCY: String(CONCURRENCY) } });
    workerPid = rig.worker!.pid;
  }, 120_000);

  afterAll(async () => {
    if (passed < 2) rig?.dump('redis-outage did not pass');
    await rig?.stop();
  }, 60_000);

  /** Each test has its own project, webhook and receiver path, so their counts do not mix. */
  async function scopedWebhook(path: string, delayMs: number) {
    const project = randomUUID();
    rig.receiver!.on(path, { status: 200, delayMs });
    const webhookId = await rig.createWebhook(path, [{ event_type: 'project:*', project_uuid: project }]);
    return { project, webhookId };
  }

  it('Redis stopped for 6 s under load, then started again empty: all 201, all delivered, the same worker recovers', async () => {
    const path = '/outage';
    const { project, webhookId } = await scopedWebhook(path, 50);
    const load = new LoadDriver({
      baseUrl: rig.baseUrl,
      apiKey: rig.adminKey,
      concurrency: 8,
      ratePerSecond: 40,
      requestTimeoutMs: 15_000,
      body: () => pipelineRunEvent({ project }),
    }).start();

    await sleep(2500);
    await rig.redis!.stopServer();
    const downAt = Date.now();
    await sleep(OUTAGE_MS);
    const receivedDuringOutage = rig.receiver!.received(path).filter((r) => r.receivedAt > downAt).length;
    await rig.redis!.startServer();
    const upAt = Date.now();
    await sleep(2500);
    const outcomes = await load.stop();
    const duringOutage = outcomes.filter((o) => o.startedAt >= downAt && o.startedAt < upAt);

    const committed = outcomes.filter((o) => o.status === 201).map((o) => o.eventId!);
    const settled = await rig.waitDelivered(webhookId, committed.length, 90_000);
    const counts = receiverCounts(rig.receiver!, path);
    const deliveryIds = await rig.deliveryIdsFor(webhookId, committed);
    const lost = deliveryIds.filter((id) => !counts.perId.has(id));
    printFaultSummary(
      'redis-stopped',
      {
        sent: outcomes.length,
        delivered: deliveryIds.length - lost.length,
        duplicates: counts.duplicates,
        lost: committed.length - (deliveryIds.length - lost.length),
      },
      `during the ${upAt - downAt} ms outage: ${tally(duringOutage)}, received during outage: ${receivedDuringOutage}, ` +
        `all delivered ${Date.now() - upAt} ms after Redis was back${settled.done ? '' : ` — NOT DONE: ${JSON.stringify(settled.statuses)}`}`,
    );

    // The api writes only to Postgres: 201 throughout.
    expect(duringOutage.length).toBeGreaterThan(50);
    expect(tally(outcomes)).toBe(`201×${outcomes.length}`);
    expect(deliveryIds).toHaveLength(committed.length);
    expect(lost).toEqual([]);
    expect(settled).toMatchObject({ done: true });
    expect(counts.duplicates).toBeLessThanOrEqual(CONCURRENCY);
    // Reconnected by itself: the same processes did it.
    expect(rig.worker!.isRunning).toBe(true);
    expect(rig.worker!.pid).toBe(workerPid);
    expect(rig.api!.pids).toHaveLength(1);
    expect(await rig.failedAttempts(webhookId)).toBe('none');
    passed++;
  }, 150_000);

  it('Redis flushed with a backlog queued: everything delivered, nothing twice except attempts in flight', async () => {
    const path = '/flush';
    const delayMs = 200;
    const sent = 200;
    const { project, webhookId } = await scopedWebhook(path, delayMs);
    const outcomes = await new LoadDriver({
      baseUrl: rig.baseUrl,
      apiKey: rig.adminKey,
      concurrency: 8,
      total: sent,
      body: () => pipelineRunEvent({ project }),
    })
      .start()
      .finished();
    expect(tally(outcomes)).toBe(`201×${sent}`);

    // A backlog: attempts in flight, jobs waiting in Redis, deliveries due in Postgres.
    const waitKey = `${rig.env.QUEUE_PREFIX}:webhook-deliveries:wait`;
    await rig.receiver!.waitForRequests(path, 20, 60_000);
    const queued = await waitFor('jobs waiting in Redis', () => rig.redis!.command((r) => r.llen(waitKey)), 30_000);
    const keysBefore = await rig.redis!.command((r) => r.dbsize());
    await rig.redis!.flushAll();
    const flushAt = Date.now();
    const [{ n: claimedAtFlush }] = await rig.query(
      `SELECT count(*)::int AS n FROM deliveries WHERE subscriber_id = $1 AND status = 'pending' AND claimed_at IS NOT NULL`,
      [webhookId],
    );
    const settled = await rig.waitDelivered(webhookId, sent, 90_000);
    // In flight at the flush: sent before it (the receiver, in this process, may handle one a little later).
    const beforeFlush = rig.receiver!.received(path).filter((r) => r.receivedAt <= flushAt + IN_FLIGHT_MARGIN_MS);
    const beforeFlushIds = new Set(beforeFlush.map((r) => String(r.headers['webhook-id'])));
    const inFlightAtFlush = beforeFlush.filter((r) => r.receivedAt <= flushAt && r.receivedAt + delayMs > flushAt).length;

    const counts = receiverCounts(rig.receiver!, path);
    const deliveryIds = await rig.deliveryIdsFor(
      webhookId,
      outcomes.map((o) => o.eventId!),
    );
    const lost = deliveryIds.filter((id) => !counts.perId.has(id));
    const duplicated = [...counts.perId].filter(([, n]) => n > 1).map(([id]) => id);
    printFaultSummary(
      'redis-flushed',
      { sent, delivered: deliveryIds.length - lost.length, duplicates: counts.duplicates, lost: sent - (deliveryIds.length - lost.length) },
      `flushed ${keysBefore} keys with ${queued} jobs waiting, ${claimedAtFlush} claimed, ${inFlightAtFlush} in flight; ` +
        `all delivered ${settled.ms} ms after the flush${settled.done ? '' : ` — NOT DONE: ${JSON.stringify(settled.statuses)}`}`,
    );
    expect(deliveryIds).toHaveLength(sent);
    expect(lost).toEqual([]);
    expect(settled).toMatchObject({ done: true });
    expect(duplicated.filter((id) => !beforeFlushIds.has(id))).toEqual([]);
    expect(counts.duplicates).toBeLessThanOrEqual(CONCURRENCY);
    expect(rig.worker!.isRunning).toBe(true);
    expect(rig.worker!.pid).toBe(workerPid);
    expect(await rig.failedAttempts(webhookId)).toBe('none');
    passed++;
  }, 150_000);
});

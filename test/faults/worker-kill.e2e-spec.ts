import { FaultRig, LoadDriver, printFaultSummary, receiverCounts, tally } from '../support/fault-rig';

/*
 * Fault 1: the worker is SIGKILLed with attempts in flight and more queued,
 * then a new worker starts. Every committed event is delivered; only attempts
 * the killed worker had started may arrive twice.
 */
const PATH = '/hook';
const SENT = 300;
const CONCURRENCY = 4;
const RECEIVER_DELAY_MS = 150;

describe('fault 1: worker killed (SIGKILL) with deliveries in flight', () => {
  let rig: FaultRig;
  let passed = false;

  beforeAll(async () => {
    rig = await FaultRig.start({ env: { WORKER_CONCURRENCY: String(CONCURRENCY) } });
  }, 120_000);

  afterAll(async () => {
    if (!passed) rig?.dump('worker-kill did not pass');
    await rig?.stop();
  }, 60_000);

  it('every committed event is delivered after a restart; duplicates only for attempts in flight at the kill', async () => {
    const receiver = rig.receiver!;
    receiver.on(PATH, { status: 200, delayMs: RECEIVER_DELAY_MS });
    const webhookId = await rig.createWebhook(PATH);

    const load = new LoadDriver({ baseUrl: rig.baseUrl, apiKey: rig.adminKey, concurrency: 8, total: SENT }).start();
    // Kill once deliveries are flowing: some attempts are in flight, more wait in the queue and in Postgres.
    await receiver.waitForRequests(PATH, 60, 60_000);
    const killedPid = rig.worker!.pid;
    rig.worker!.kill('SIGKILL');
    const killAt = Date.now();
    expect((await rig.worker!.waitExit(10_000)).signal).toBe('SIGKILL');
    const [{ n: claimedAtKill }] = await rig.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending' AND claimed_at IS NOT NULL`);

    const outcomes = await load.finished();
    expect(tally(outcomes)).toBe(`201×${SENT}`);

    // Everything received before the new worker exists was sent by the killed one. (Not "before killAt": the
    // receiver shares this process's event loop and may handle a request the dead worker sent a moment after.)
    const restartAt = Date.now();
    const fromKilled = receiver.received(PATH).filter((r) => r.receivedAt < restartAt);
    const fromKilledIds = new Set(fromKilled.map((r) => String(r.headers['webhook-id'])));
    // Received but not yet answered when the worker died (the receiver answers after a fixed delay). Attempts answered
    // just before the kill but not yet recorded can come again too: the bound is the worker's concurrency.
    const inFlightAtKill = fromKilled.filter((r) => r.receivedAt + RECEIVER_DELAY_MS > killAt).length;
    await rig.worker!.start();
    expect(rig.worker!.pid).not.toBe(killedPid);
    const settled = await rig.waitDelivered(webhookId, SENT, 90_000);

    const deliveryIds = await rig.deliveryIdsFor(
      webhookId,
      outcomes.map((o) => o.eventId!),
    );
    const counts = receiverCounts(receiver, PATH);
    const lost = deliveryIds.filter((id) => !counts.perId.has(id));
    const duplicated = [...counts.perId].filter(([, n]) => n > 1).map(([id]) => id);
    printFaultSummary(
      'worker-sigkill',
      {
        sent: SENT,
        delivered: deliveryIds.length - lost.length,
        duplicates: counts.duplicates,
        lost: SENT - (deliveryIds.length - lost.length),
      },
      `unanswered at kill: ${inFlightAtKill}, claimed at kill: ${claimedAtKill}, sent by the killed worker: ${fromKilled.length}, ` +
        `all delivered ${settled.ms} ms after the restart${settled.done ? '' : ` — NOT DONE: ${JSON.stringify(settled.statuses)}`}`,
    );

    expect(deliveryIds).toHaveLength(SENT);
    expect(lost).toEqual([]);
    expect(settled).toMatchObject({ done: true });
    // A duplicate is an attempt the killed worker had started and sent, then sent again by the new one.
    expect(duplicated.filter((id) => !fromKilledIds.has(id))).toEqual([]);
    expect(counts.duplicates).toBeLessThanOrEqual(CONCURRENCY);
    // The receiver always answered 200: no attempt may be recorded as failed.
    expect(await rig.failedAttempts(webhookId)).toBe('none');
    passed = true;
  }, 150_000);
});

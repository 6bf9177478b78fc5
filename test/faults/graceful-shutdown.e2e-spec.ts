import { FaultRig, LoadDriver, printFaultSummary, receiverCounts, tally } from '../support/fault-rig';

/*
 * Fault 6: SIGTERM to the worker while attempts are in flight. It stops taking
 * jobs, lets the attempts in flight finish and records them, and exits by
 * itself within SHUTDOWN_GRACE. Nothing it held is left waiting for the claim
 * lease: a new worker delivers the rest at once, and nothing arrives twice.
 */
const PATH = '/hook';
const SENT = 40;
const CONCURRENCY = 4;
const RECEIVER_DELAY_MS = 1000;
const GRACE_MS = 5000;
/** Long, so that a delivery left claimed by the old worker would visibly wait for it. */
const LEASE_MS = 20_000;

describe('fault 6: graceful shutdown (SIGTERM) of the worker', () => {
  let rig: FaultRig;
  let passed = false;

  beforeAll(async () => {
    rig = await FaultRig.start({
      env: {
        WORKER_CONCURRENCY: String(CONCURRENCY),
        SHUTDOWN_GRACE: `${GRACE_MS}ms`,
        DELIVERY_CLAIM_LEASE: `${LEASE_MS}ms`,
        // Comfortably above the receiver's delay on a loaded machine.
        WEBHOOK_TIMEOUT_MS: '4000',
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (!passed) rig?.dump('graceful-shutdown did not pass');
    await rig?.stop();
  }, 60_000);

  it('finishes and records the attempts in flight, exits within the grace, leaves nothing to the lease', async () => {
    const receiver = rig.receiver!;
    receiver.on(PATH, { status: 200, delayMs: RECEIVER_DELAY_MS });
    const webhookId = await rig.createWebhook(PATH);
    const outcomes = await new LoadDriver({ baseUrl: rig.baseUrl, apiKey: rig.adminKey, concurrency: 8, total: SENT }).start().finished();
    expect(tally(outcomes)).toBe(`201×${SENT}`);

    // A second round of attempts is in flight: the receiver holds each for a second.
    await receiver.waitForRequests(PATH, CONCURRENCY + 2, 30_000);
    const oldPid = rig.worker!.pid;
    rig.worker!.kill('SIGTERM');
    const termAt = Date.now();
    const exit = await rig.worker!.waitExit(GRACE_MS + 10_000);
    const exitMs = exit.at - termAt;

    const inFlight = receiver.received(PATH).filter((r) => r.receivedAt <= termAt && r.receivedAt + RECEIVER_DELAY_MS > termAt);
    const inFlightIds = inFlight.map((r) => String(r.headers['webhook-id']));
    const startedAfterTerm = receiver.received(PATH).filter((r) => r.receivedAt > termAt).length;
    // Recorded by the old worker before it exited: delivered, with a successful attempt.
    const recorded = await rig.query<{ id: string; status: string; ok_attempts: number }>(
      `SELECT d.id, d.status, count(a.id) FILTER (WHERE a.response_status BETWEEN 200 AND 299)::int AS ok_attempts
         FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
        WHERE d.id = ANY($1::uuid[]) GROUP BY d.id`,
      [inFlightIds],
    );
    const statusesAtExit = await rig.statusCounts(webhookId);

    // The rest goes quickly now; a new worker takes over.
    receiver.on(PATH, { status: 200, delayMs: 20 });
    await rig.worker!.start();
    const settled = await rig.waitDelivered(webhookId, SENT, 60_000);
    const drainMs = settled.ms;
    const sweptByLease = /expired claim/.test(rig.worker!.output());

    const counts = receiverCounts(receiver, PATH);
    const deliveryIds = await rig.deliveryIdsFor(
      webhookId,
      outcomes.map((o) => o.eventId!),
    );
    const lost = deliveryIds.filter((id) => !counts.perId.has(id));
    const recordedAtExit = recorded.filter((r) => r.status === 'delivered' && r.ok_attempts === 1).length;
    const failedAttempts = await rig.failedAttempts(webhookId);
    printFaultSummary(
      'worker-sigterm',
      {
        sent: SENT,
        delivered: deliveryIds.length - lost.length,
        duplicates: counts.duplicates,
        lost: SENT - (deliveryIds.length - lost.length),
      },
      `in flight at SIGTERM: ${inFlight.length}, recorded before exit: ${recordedAtExit}, ` +
        `exited after ${exitMs} ms with ${exit.code ?? exit.signal}, attempts reaching the receiver after SIGTERM: ${startedAfterTerm}, ` +
        `failed attempts recorded: ${failedAttempts}, at exit ${JSON.stringify(statusesAtExit)}, ` +
        `new worker delivered the rest in ${drainMs} ms (${sweptByLease ? 'WAITED for' : 'did not wait for'} the ${LEASE_MS} ms claim lease)` +
        `${settled.done ? '' : ` — NOT DONE: ${JSON.stringify(settled.statuses)}`}`,
    );

    expect(inFlight.length).toBeGreaterThan(0);
    // Exited by itself, cleanly, within the grace: not the deadline's exit(1), not killed.
    // (Nest re-raises SIGTERM once its shutdown hooks are done, so a clean exit shows as that signal, or as code 0.)
    expect(['0', 'SIGTERM']).toContain(String(exit.code ?? exit.signal));
    expect(exitMs).toBeLessThan(GRACE_MS + 3000);
    expect(rig.worker!.pid).not.toBe(oldPid);
    expect(deliveryIds).toHaveLength(SENT);
    expect(lost).toEqual([]);
    expect(settled).toMatchObject({ done: true });
    // It stopped taking jobs: no attempt was started (and failed) while it shut down.
    expect(failedAttempts).toBe('none');
    // The attempts in flight finished and were recorded by the old worker.
    expect(`${recordedAtExit}/${inFlight.length} recorded`).toBe(`${inFlight.length}/${inFlight.length} recorded`);
    expect(counts.duplicates).toBe(0);
    // Nothing was left to the lease: the new worker finished well before one could have expired.
    expect(sweptByLease).toBe(false);
    expect(drainMs).toBeLessThan(LEASE_MS / 2);
    passed = true;
  }, 150_000);
});

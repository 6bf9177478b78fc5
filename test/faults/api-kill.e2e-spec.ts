import { FaultRig, LoadDriver, printFaultSummary, receiverCounts, RequestOutcome, tally } from '../support/fault-rig';

/*
 * Fault 2: the api is SIGKILLed while requests stream in. Every event that got
 * a 201 is delivered. A request that got no response either left nothing, or a
 * whole event (the event row and all its delivery rows) that is delivered like
 * any other: never half-written. Retrying it with the same Idempotency-Key
 * returns the original (200) or creates it (201).
 */
const PATH = '/hook';

describe('fault 2: api killed (SIGKILL) mid-stream', () => {
  let rig: FaultRig;
  let passed = false;

  beforeAll(async () => {
    rig = await FaultRig.start({ env: { WORKER_CONCURRENCY: '8' } });
  }, 120_000);

  afterAll(async () => {
    if (!passed) rig?.dump('api-kill did not pass');
    await rig?.stop();
  }, 60_000);

  it('every 201 is delivered; a request without a response is all there or not there at all', async () => {
    const receiver = rig.receiver!;
    receiver.on(PATH, { status: 200, delayMs: 20 });
    // One webhook on '*': every platform event must have exactly one delivery row.
    const webhookId = await rig.createWebhook(PATH);

    // Kill the api mid-stream. On a busy machine the kill can fall where every request in flight has already been
    // answered (the answers wait in this process's sockets): then there is nothing to test, and the api comes back
    // for another try (its earlier requests all got 201s and are accounted for like the rest).
    let load!: LoadDriver;
    let killedPid: number | undefined;
    let inFlightAtKill = 0;
    const outcomes: RequestOutcome[] = [];
    for (let round = 1; ; round++) {
      load = new LoadDriver({ baseUrl: rig.baseUrl, apiKey: rig.adminKey, concurrency: 16, requestTimeoutMs: 15_000 }).start();
      await load.waitFor('201s', 150, (o) => o.status === 201, 60_000);
      killedPid = rig.api!.pid;
      rig.api!.kill('SIGKILL');
      inFlightAtKill = load.inFlight;
      // The stream stops with the api: what was in flight gets no response.
      const stopped = load.stop();
      expect((await rig.api!.waitExit(10_000)).signal).toBe('SIGKILL');
      const got = await stopped;
      outcomes.push(...got);
      if (got.some((o) => o.status === undefined) || round === 3) break;
      await rig.api!.start();
    }

    // Nothing but 201s and requests without any response.
    expect(outcomes.filter((o) => o.status !== undefined && o.status !== 201)).toEqual([]);
    const created = outcomes.filter((o) => o.status === 201);
    const noResponse = outcomes.filter((o) => o.status === undefined);
    expect(noResponse.length).toBeGreaterThan(0);

    // Every 201 is in the database.
    const createdIds = created.map((o) => o.eventId!);
    const [{ n: createdFound }] = await rig.query(`SELECT count(*)::int AS n FROM events WHERE id = ANY($1::uuid[])`, [createdIds]);
    expect(createdFound).toBe(created.length);

    // No-response requests: either nothing was written, or the whole event was.
    const written = await rig.query<{ idempotency_key: string; id: string; deliveries: number }>(
      `SELECT e.idempotency_key, e.id, (SELECT count(*)::int FROM deliveries d WHERE d.event_id = e.id) AS deliveries
         FROM events e WHERE e.idempotency_key = ANY($1::text[])`,
      [noResponse.map((o) => o.idempotencyKey)],
    );
    expect(written.filter((w) => w.deliveries !== 1)).toEqual([]);
    // And across the whole database: no platform event without its delivery row.
    const halfWritten = await rig.query(
      `SELECT e.id, count(d.id)::int AS deliveries FROM events e LEFT JOIN deliveries d ON d.event_id = e.id
        WHERE e.type NOT LIKE 'tidings:%' AND e.type <> 'ping' GROUP BY e.id HAVING count(d.id) <> 1`,
    );
    expect(halfWritten).toEqual([]);

    // The api comes back; clients retry what got no response, with the same Idempotency-Key.
    await rig.api!.start();
    expect(rig.api!.pid).not.toBe(killedPid);
    const writtenKeys = new Set(written.map((w) => w.idempotency_key));
    const retried: RequestOutcome[] = [];
    for (const original of noResponse) retried.push(await load.resend(original));
    expect(retried.map((r) => `${r.idempotencyKey} ${r.status}`)).toEqual(
      noResponse.map((o) => `${o.idempotencyKey} ${writtenKeys.has(o.idempotencyKey) ? 200 : 201}`),
    );

    const [{ n: events }] = await rig.query(`SELECT count(*)::int AS n FROM events WHERE type NOT LIKE 'tidings:%'`);
    expect(events).toBe(created.length + noResponse.length);
    const settled = await rig.waitDelivered(webhookId, events, 90_000);

    const counts = receiverCounts(receiver, PATH);
    const committedIds = [...createdIds, ...written.map((w) => w.id)];
    const deliveryIds = await rig.deliveryIdsFor(webhookId, committedIds);
    const lost = deliveryIds.filter((id) => !counts.perId.has(id));
    printFaultSummary(
      'api-sigkill',
      {
        sent: outcomes.length,
        delivered: deliveryIds.length - lost.length,
        duplicates: counts.duplicates,
        lost: committedIds.length - (deliveryIds.length - lost.length),
      },
      `201: ${created.length}, no response: ${noResponse.length} [${tally(noResponse)}] (in flight at kill: ${inFlightAtKill}, ` +
        `committed anyway: ${written.length}, half-written: ${halfWritten.length}), retried after restart: ${tally(retried)}` +
        `${settled.done ? '' : ` — NOT DONE: ${JSON.stringify(settled.statuses)}`}`,
    );
    expect(deliveryIds).toHaveLength(committedIds.length);
    expect(lost).toEqual([]);
    expect(settled).toMatchObject({ done: true });
    expect(counts.unique).toBe(events);
    // The worker never crashed here: nothing may arrive twice.
    expect(counts.duplicates).toBe(0);
    expect(await rig.failedAttempts(webhookId)).toBe('none');
    passed = true;
  }, 150_000);
});

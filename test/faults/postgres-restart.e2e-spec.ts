import { randomUUID } from 'node:crypto';
import { pipelineRunEvent } from '../support/fixtures';
import { FaultRig, LoadDriver, printFaultSummary, receiverCounts, RequestOutcome, sleep, tally } from '../support/fault-rig';

/*
 * Fault 4: Postgres restarts while the api is under load, first cleanly
 * (`pg_ctl stop -m fast`), then as a crash (`-m immediate`, recovery at start).
 * Requests during the outage get 503 (not 500, no hang past the pool's
 * connection timeout); the same api and worker processes recover by
 * themselves, through both restarts; nothing that got a 201 is lost.
 */
const CONCURRENCY = 4;
const OUTAGE_MS = 6000;
/** The api's pool gives up connecting after 5 s (libs/database/src/data-source-options.ts); a request may take a little more. */
const REQUEST_BOUND_MS = 10_000;

describe('fault 4: Postgres restarted under load', () => {
  let rig: FaultRig;
  let passed = 0;
  let apiPid: number | undefined;
  let workerPid: number | undefined;

  beforeAll(async () => {
    rig = await FaultRig.start({ env: { WORKER_CONCURRENCY: String(CONCURRENCY) } });
    apiPid = rig.api!.pid;
    workerPid = rig.worker!.pid;
  }, 120_000);

  afterAll(async () => {
    if (passed < 2) rig?.dump('postgres-restart did not pass');
    await rig?.stop();
  }, 60_000);

  it.each([['fast'], ['immediate']] as const)(
    'stop -m %s: 503 during the outage, no hang; the same processes recover; every 201 delivered',
    async (mode) => {
      const path = `/${mode}`;
      const project = randomUUID();
      rig.receiver!.on(path, { status: 200, delayMs: 50 });
      const webhookId = await rig.createWebhook(path, [{ event_type: 'project:*', project_uuid: project }]);

      const load = new LoadDriver({
        baseUrl: rig.baseUrl,
        apiKey: rig.adminKey,
        concurrency: 8,
        // Enough traffic that the stop lands inside open transactions, not only between requests.
        ratePerSecond: 100,
        // Well past the bound, so a hang is measured rather than cut short.
        requestTimeoutMs: REQUEST_BOUND_MS * 2,
        body: () => pipelineRunEvent({ project }),
      }).start();
      await sleep(2000);
      const downAt = Date.now();
      await rig.pg!.stop(mode);
      await sleep(OUTAGE_MS);
      await rig.pg!.start();
      const upAt = Date.now();
      await sleep(6000);
      const streamed = [...(await load.stop())];

      // After the outage the api answers 201 again without a restart.
      const after: RequestOutcome[] = [];
      for (let i = 0; i < 10; i++) after.push(await load.sendOne());
      const outcomes = load.outcomes;

      const duringOutage = streamed.filter((o) => o.startedAt >= downAt && o.startedAt < upAt);
      const slowest = Math.max(...outcomes.map((o) => o.durationMs));
      const settledAfter = streamed.filter((o) => o.startedAt >= upAt + 3000);
      const unexpected = outcomes.filter((o) => o.status !== 201 && o.status !== 503);

      const committed = outcomes.filter((o) => o.status === 201).map((o) => o.eventId!);
      const settled = await rig.waitDelivered(webhookId, committed.length, 90_000);
      const counts = receiverCounts(rig.receiver!, path);
      const deliveryIds = await rig.deliveryIdsFor(webhookId, committed);
      const lost = deliveryIds.filter((id) => !counts.perId.has(id));
      printFaultSummary(
        `postgres-restart-${mode}`,
        {
          sent: outcomes.length,
          delivered: deliveryIds.length - lost.length,
          duplicates: counts.duplicates,
          lost: committed.length - (deliveryIds.length - lost.length),
        },
        `outage ${upAt - downAt} ms: ${tally(duringOutage)}; all requests: ${tally(outcomes)}; slowest ${slowest} ms; ` +
          `all delivered ${Date.now() - upAt} ms after Postgres was back${settled.done ? '' : ` — NOT DONE: ${JSON.stringify(settled.statuses)}`}`,
      );

      expect(deliveryIds).toHaveLength(committed.length);
      expect(lost).toEqual([]);
      expect(settled).toMatchObject({ done: true });
      // Only attempts in flight when Postgres went (sent, not recorded) may be sent again.
      expect(counts.duplicates).toBeLessThanOrEqual(CONCURRENCY);
      // Only 201 and 503: no 500, and no network error (the api did not crash or drop connections). A 500 here is
      // usually a lost-connection error the api's error mapping does not recognise; the api's log line is in the message.
      expect(
        `${tally(unexpected)}${unexpected.length ? `; the api logged: ${rig.api!.linesFor(unexpected.map((o) => o.requestId)).join('\n')}` : ''}`,
      ).toBe('none');
      expect(duringOutage.filter((o) => o.status === 503).length).toBeGreaterThan(0);
      expect(outcomes.filter((o) => o.status === 503).every((o) => o.errorCode === 'unavailable')).toBe(true);
      expect(slowest).toBeLessThan(REQUEST_BOUND_MS);
      // Recovered by themselves: the same processes, answering 201 again.
      expect(tally(settledAfter)).toBe(`201×${settledAfter.length}`);
      expect(tally(after)).toBe('201×10');
      expect(rig.api!.isRunning && rig.worker!.isRunning).toBe(true);
      expect([rig.api!.pid, rig.worker!.pid]).toEqual([apiPid, workerPid]);
      expect(await rig.failedAttempts(webhookId)).toBe('none');
      passed++;
    },
    150_000,
  );
});

import { FaultRig, LoadDriver, RequestOutcome, tally } from '../support/fault-rig';
import { waitForProgress } from '@tidings/testing';

/*
 * Several replicas at once: 2 api and 3 worker processes on one Postgres and
 * one Redis, events posted to both apis, delivered to a healthy endpoint and
 * to one that fails 30 % of its requests. Mid-stream one worker is SIGKILLed
 * and another SIGTERMed, then both come back. Per webhook it prints sent /
 * delivered / duplicates / lost / stuck / wrongly disabled; nothing may be
 * lost, stuck or disabled, attempt numbers are unique per delivery, and
 * duplicates stay within what the killed worker had in flight.
 *
 * At this rate (120 events/s for 25 s) the engine before the fix wrongly
 * disabled the flaky webhook in every run tried: a lost race between two
 * workers' records read a missing failure streak as 1970.
 */
const HEALTHY = '/healthy';
const FLAKY = '/flaky';
const PER_API = 1500;
const RATE_PER_API = 60;
const CONCURRENCY = 6;
const RECEIVER_DELAY_MS = 40;

interface WebhookFigures {
  sent: number;
  delivered: number;
  duplicates: number;
  lost: number;
  stuck: number;
  wronglyDisabled: number;
  repeatedAttemptNumbers: number;
}

describe('several api and worker replicas, a flaky endpoint, a worker SIGKILL and a SIGTERM', () => {
  let rig: FaultRig;
  let passed = false;

  beforeAll(async () => {
    rig = await FaultRig.start({
      apis: 2,
      workers: 3,
      env: {
        WORKER_CONCURRENCY: String(CONCURRENCY),
        // Long enough that a loaded machine does not expire live claims; a killed worker's come back after it.
        DELIVERY_CLAIM_LEASE: '20s',
        // Eight attempts; the flaky receiver fails one delivery at most three times, so every delivery gets through.
        WEBHOOK_RETRY_SCHEDULE: '0,100ms,200ms,300ms,500ms,1s,1s,2s',
      },
    });
  }, 180_000);

  afterAll(async () => {
    if (!passed) rig?.dump('multi-replica did not pass');
    await rig?.stop();
  }, 60_000);

  it('loses nothing, leaves nothing stuck, disables nothing, and duplicates only what the killed worker had in flight', async () => {
    const receiver = rig.receiver!;
    receiver.on(HEALTHY, { status: 200, delayMs: RECEIVER_DELAY_MS });
    receiver.on(FLAKY, { status: 200, delayMs: RECEIVER_DELAY_MS, flaky: { ratio: 0.3, maxPerId: 3 } });
    const webhooks = { healthy: await rig.createWebhook(HEALTHY), flaky: await rig.createWebhook(FLAKY) };

    const loads = rig.apis.map((api) =>
      new LoadDriver({ baseUrl: api.baseUrl, apiKey: rig.adminKey, concurrency: 4, total: PER_API, ratePerSecond: RATE_PER_API }).start(),
    );
    const [, killed, terminated] = rig.workers;

    await receiver.waitForRequests(HEALTHY, PER_API / 2, 120_000);
    killed.kill('SIGKILL');
    const killAt = Date.now();
    expect((await killed.waitExit(10_000)).signal).toBe('SIGKILL');
    const unansweredAtKill = receiver.received().filter((r) => r.receivedAt <= killAt && r.receivedAt + RECEIVER_DELAY_MS > killAt).length;

    await receiver.waitForRequests(HEALTHY, PER_API, 120_000);
    terminated.kill('SIGTERM');
    const terminatedExit = await terminated.waitExit(30_000);
    const restartAt = Date.now();
    await killed.start();
    await terminated.start();

    const outcomes: RequestOutcome[] = (await Promise.all(loads.map((load) => load.finished()))).flat();
    expect(tally(outcomes)).toBe(`201×${PER_API * rig.apis.length}`);
    const eventIds = outcomes.map((o) => o.eventId!);

    // Done when every delivery of these events is delivered; a wait bounded by progress, not by a fixed time.
    const settled = await waitForProgress(
      'every delivery to be delivered',
      async () => {
        const [row] = await rig.query<{ delivered: number; total: number }>(
          `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered, count(*)::int AS total
             FROM deliveries WHERE event_id = ANY($1::uuid[]) AND subscriber_id = ANY($2::uuid[])`,
          [eventIds, Object.values(webhooks)],
        );
        return { progress: row.delivered, done: row.total === eventIds.length * 2 && row.delivered === row.total };
      },
      { stallMs: 45_000, intervalMs: 500 },
    );

    const figures: Record<string, WebhookFigures> = {};
    for (const [name, webhookId] of Object.entries(webhooks)) {
      figures[name] = await figuresFor(rig, webhookId, name === 'healthy' ? HEALTHY : FLAKY, eventIds, restartAt);
    }
    const duplicates = figures.healthy.duplicates + figures.flaky.duplicates;
    process.stderr.write(
      `MULTI-REPLICA 2 api + 3 workers (concurrency ${CONCURRENCY} each); SIGKILL with ${unansweredAtKill} request(s) unanswered, ` +
        `SIGTERM exit ${terminatedExit.code ?? terminatedExit.signal}; settled: ${JSON.stringify(settled)}\n` +
        Object.entries(figures)
          .map(
            ([name, f]) =>
              `  ${name.padEnd(8)} sent ${f.sent} / delivered ${f.delivered} / duplicates ${f.duplicates} / lost ${f.lost} / ` +
              `stuck ${f.stuck} / wrongly disabled ${f.wronglyDisabled} / repeated attempt numbers ${f.repeatedAttemptNumbers}`,
          )
          .join('\n') +
        '\n',
    );

    for (const f of Object.values(figures)) {
      expect(f).toMatchObject({ sent: PER_API * rig.apis.length, lost: 0, stuck: 0, wronglyDisabled: 0, repeatedAttemptNumbers: 0 });
    }
    // Nest re-raises SIGTERM once its shutdown hooks are done: a clean exit shows as that signal, or as code 0.
    expect(['0', 'SIGTERM']).toContain(String(terminatedExit.code ?? terminatedExit.signal));
    // Only attempts the SIGKILLed worker had started can be sent again; it had at most CONCURRENCY in flight.
    expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
    expect(settled.done).toBe(true);
    passed = true;
  }, 420_000);
});

/** One webhook's figures; a duplicate is a second 2xx-answered request for a delivery (a retry after a failure is not). */
async function figuresFor(rig: FaultRig, webhookId: string, path: string, eventIds: string[], restartAt: number): Promise<WebhookFigures> {
  const deliveries = await rig.query<{ id: string; status: string }>(
    `SELECT id, status FROM deliveries WHERE subscriber_id = $1 AND event_id = ANY($2::uuid[])`,
    [webhookId, eventIds],
  );
  const answered2xx = new Map<string, number[]>();
  for (const r of rig.receiver!.received(path)) {
    if (r.answeredStatus === undefined || r.answeredStatus < 200 || r.answeredStatus > 299) continue;
    const id = String(r.headers['webhook-id']);
    answered2xx.set(id, [...(answered2xx.get(id) ?? []), r.receivedAt]);
  }
  const delivered = deliveries.filter((d) => answered2xx.has(d.id)).length;
  const [{ n: repeated }] = await rig.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT a.delivery_id, a.number FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
        WHERE d.subscriber_id = $1 GROUP BY 1, 2 HAVING count(*) > 1) r`,
    [webhookId],
  );
  const [{ enabled }] = await rig.query<{ enabled: boolean }>(`SELECT enabled FROM subscribers WHERE id = $1`, [webhookId]);
  const duplicates = [...answered2xx.values()].reduce((n, times) => n + times.length - 1, 0);
  // A second 2xx for one delivery both of which came after the restarts cannot be blamed on the kill.
  const afterRestart = [...answered2xx.values()].filter((times) => times.length > 1 && times[0] >= restartAt).length;
  expect(afterRestart).toBe(0);
  return {
    sent: eventIds.length,
    delivered,
    duplicates,
    lost: eventIds.length - delivered,
    stuck: deliveries.filter((d) => d.status !== 'delivered').length,
    wronglyDisabled: enabled ? 0 : 1,
    repeatedAttemptNumbers: repeated,
  };
}

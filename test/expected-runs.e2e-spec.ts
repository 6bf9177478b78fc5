import { EvaluateExpectedRuns } from '@tidings/ingest';
import { FakeWebhookReceiver, freePort, nodeScript, StartedProcess, startProcess, waitFor } from '@tidings/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { Harness, startTidings } from './support/tidings-harness';

const DIST = join(__dirname, '..', 'dist');
const PIPELINE = 'SFTP_to_Tableau';
const SCHEDULE_PATH = `/v1/observability/pipelines/${PIPELINE}/schedule`;

/**
 * Expected-run schedules (DESIGN §7.2): the routes, and the worker's
 * judgement — two worker processes on a clock the test drives
 * (TIDINGS_TEST_CLOCK_FILE) record each missing or late tick exactly once.
 */
describe('expected-run schedules: observability:run:missing and :late', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;
  let toolKey: string;
  let clockDir: string;
  const workers: { process: StartedProcess; port: number }[] = [];

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings({ worker: false });
    toolKey = (await t.http('POST', '/v1/api-keys', { name: 'airflow', scopes: ['events:write'] })).body.key;
    clockDir = mkdtempSync(join(tmpdir(), 'tidings-clock-'));
  });
  afterAll(async () => {
    for (const worker of workers) await worker.process.stop();
    await t?.stop();
    await receiver?.stop();
    if (clockDir) rmSync(clockDir, { recursive: true, force: true });
  });

  const scheduleRows = async () => (await t.db.query(`SELECT count(*)::int AS n FROM observed_schedules`))[0].n;

  it('PUT validates (bad cron, unknown time zone, non-positive durations, unknown fields → 400, nothing written); GET, DELETE; admin keys only', async () => {
    const bad = async (body: unknown, field: string, message: RegExp) => {
      const res = await t.http('PUT', SCHEDULE_PATH, body);
      expect({ status: res.status, error: res.body.error }).toEqual({ status: 400, error: 'validation_failed' });
      expect(res.body.details).toEqual(expect.arrayContaining([{ field, message: expect.stringMatching(message) }]));
    };
    await bad({ cron: '0 25 * * *', start_within: '30m' }, 'cron', /not a cron expression/);
    await bad({ cron: 'every night', start_within: '30m' }, 'cron', /5 fields/);
    await bad({ cron: '0 2 * * *', timezone: 'Europe/Atlantis', start_within: '30m' }, 'timezone', /not an IANA time zone/);
    await bad({ cron: '0 2 * * *', start_within: '0m' }, 'start_within', /longer than zero/);
    await bad({ cron: '0 2 * * *', start_within: '-1h' }, 'start_within', /not a duration/);
    await bad({ cron: '0 2 * * *', start_within: '30m', finish_within: '0s' }, 'finish_within', /longer than zero/);
    await bad({ cron: '0 2 * * *', start_within: '30m', owner: 'data-team' }, 'owner', /./);
    await bad({ start_within: '30m' }, 'cron', /./);
    expect((await t.http('PUT', SCHEDULE_PATH, '[1,2]')).status).toBe(400);
    expect(await scheduleRows()).toBe(0);

    const valid = { cron: '30 2 * * *', timezone: 'Europe/Paris', start_within: '30m', finish_within: '2h' };
    expect((await t.http('PUT', SCHEDULE_PATH, valid, { key: null })).status).toBe(401);
    expect((await t.http('PUT', SCHEDULE_PATH, valid, { key: toolKey })).status).toBe(403);
    expect((await t.http('GET', SCHEDULE_PATH, undefined, { key: toolKey })).status).toBe(403);
    expect(await scheduleRows()).toBe(0);

    const put = await t.http('PUT', SCHEDULE_PATH, valid);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      pipeline_key: PIPELINE,
      cron: '30 2 * * *',
      timezone: 'Europe/Paris',
      start_within: '30m',
      finish_within: '2h',
      last_missing: null,
      last_late: null,
    });
    // 02:30 in Paris is 01:30 UTC in winter: the next tick is one of those, in the future.
    expect(put.body.next_tick).toMatch(/T01:30:00\.000Z$/);
    expect(Date.parse(put.body.next_start_by) - Date.parse(put.body.next_tick)).toBe(30 * 60_000);
    const got = await t.http('GET', SCHEDULE_PATH);
    expect(got.body).toEqual(put.body);
    // The same schedule saved again keeps judging from where it was; a changed one starts afresh.
    const again = await t.http('PUT', SCHEDULE_PATH, valid);
    expect(again.body.effective_from).toBe(put.body.effective_from);
    const replaced = await t.http('PUT', SCHEDULE_PATH, { cron: '0 * * * *', start_within: '90s' });
    expect(replaced.body).toMatchObject({ cron: '0 * * * *', timezone: 'UTC', start_within: '90s', finish_within: null });
    expect(Date.parse(replaced.body.effective_from)).toBeGreaterThan(Date.parse(put.body.effective_from));
    expect(await scheduleRows()).toBe(1);

    expect((await t.http('DELETE', SCHEDULE_PATH)).status).toBe(204);
    expect((await t.http('GET', SCHEDULE_PATH)).status).toBe(404);
    expect((await t.http('DELETE', SCHEDULE_PATH)).status).toBe(404);
  });

  it('passes racing on the same tick record it once: the claim is taken in the transaction that records the event', async () => {
    const path = '/v1/observability/pipelines/race_pipeline/schedule';
    const schedule = (await t.http('PUT', path, { cron: '* * * * *', start_within: '20s' })).body;
    const now = new Date(Date.parse(schedule.next_tick) + 30_000);
    const evaluate = t.api.get(EvaluateExpectedRuns);
    const passes = await Promise.all([evaluate.execute(now), evaluate.execute(now), evaluate.execute(now), evaluate.execute(now)]);
    expect(passes.map((pass) => pass.failed)).toEqual([[], [], [], []]);
    expect(passes.reduce((sum, pass) => sum + pass.missing, 0)).toBe(1);
    const [row] = await t.db.query(
      `SELECT count(*)::int AS n FROM events WHERE type = 'observability:run:missing' AND pipeline_key = 'race_pipeline'`,
    );
    expect(row.n).toBe(1);
    expect(await evaluate.execute(now)).toMatchObject({ missing: 0, late: 0 });
    expect((await t.http('GET', path)).body.last_missing).toMatchObject({ tick: schedule.next_tick });
    expect((await t.http('DELETE', path)).status).toBe(204);
  });

  it('two workers on a controlled clock: a run in time, a tick with no run (one missing), a run that does not finish (one late), delivered signed', async () => {
    const hook = (
      await t.http('POST', '/v1/webhooks', {
        name: 'runs',
        url: receiver.url('/runs'),
        subscriptions: [{ event_type: 'observability:run:*', pipeline_key: PIPELINE }],
      })
    ).body;
    const chat = (
      await t.http('POST', '/v1/webhooks', {
        name: 'chat',
        url: receiver.url('/chat'),
        format: 'slack',
        subscriptions: [{ event_type: 'observability:run:missing' }, { event_type: 'observability:run:late' }],
      })
    ).body;
    const schedule = (await t.http('PUT', SCHEDULE_PATH, { cron: '* * * * *', start_within: '20s', finish_within: '40s' })).body;
    // The first tick the schedule judges, and the two after it.
    const T0 = Date.parse(schedule.next_tick);
    const tick = (n: number, plusSeconds = 0) => new Date(T0 + n * 60_000 + plusSeconds * 1000);

    const clockFile = join(clockDir, 'now');
    const setClock = (at: Date) => writeFileSync(clockFile, at.toISOString());
    setClock(tick(0, -1));

    // Tick 0: a run starts 5 s after it and completes at +30 s. Tick 1: nothing. Tick 2: a run starts at +5 s and never ends.
    const status = async (run: string, state: string, at: Date) => {
      const res = await t.http(
        'POST',
        '/events/v1/run-status',
        { pipeline_key: PIPELINE, run_key: run, run_name: run, status: state, event_timestamp: at.toISOString() },
        { key: toolKey },
      );
      expect(res.status).toBe(204);
    };
    await status('in-time', 'RUNNING', tick(0, 5));
    await status('in-time', 'COMPLETED', tick(0, 30));
    await status('nightly', 'RUNNING', tick(2, 5));

    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const env = { ...process.env, ...t.env, WORKER_PORT: String(port), SCHEDULE_INTERVAL: '200ms', TIDINGS_TEST_CLOCK_FILE: clockFile };
      workers.push({ process: startProcess({ name: `worker-${i}`, ...nodeScript(DIST, 'apps/worker/src/main.js'), env }), port });
    }
    const metric = async (port: number, name: string) => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith(name))
        .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    };
    /** Sets the clock, then waits until each worker has finished a pass that read it. */
    const advance = async (at: Date) => {
      setClock(at);
      for (const worker of workers) {
        await waitFor(
          `${worker.process.name} judged at ${at.toISOString()}`,
          async () => (await metric(worker.port, 'tidings_schedule_evaluated_at_seconds')) >= at.getTime() / 1000,
          60_000,
          100,
        );
      }
    };
    const recorded = async () =>
      t.db.query(
        `SELECT e.id, e.type, e.data->'schedule'->>'tick' AS tick, e.run_key, e.occurred_at FROM events e WHERE e.type IN ('observability:run:missing', 'observability:run:late') AND e.pipeline_key = $1 ORDER BY e.type, e.id`,
        [PIPELINE],
      );

    await advance(tick(0, 30)); // tick 0's start deadline (+20 s) passed: its run started in time
    expect(await recorded()).toEqual([]);
    await advance(tick(1, 30)); // tick 0's finish deadline passed (it ended at +30 s, in time); tick 1's start deadline passed with no run
    expect((await recorded()).map((e: any) => [e.type, e.tick])).toEqual([['observability:run:missing', tick(1).toISOString()]]);
    await advance(tick(2, 50)); // tick 2's run started in time, and was still running 40 s after the tick
    await advance(tick(2, 55)); // another pass of each worker: nothing recorded twice
    const events = await recorded();
    expect(events.map((e: any) => [e.type, e.tick, e.run_key])).toEqual([
      ['observability:run:late', tick(2).toISOString(), 'nightly'],
      ['observability:run:missing', tick(1).toISOString(), null],
    ]);
    const claims = await t.db.query(
      `SELECT kind, tick, event_id, run_key FROM observed_schedule_ticks WHERE pipeline_key = $1 ORDER BY tick`,
      [PIPELINE],
    );
    expect(claims.map((c: any) => [c.kind, new Date(c.tick).toISOString(), c.event_id])).toEqual([
      ['missing', tick(1).toISOString(), events[1].id],
      ['late', tick(2).toISOString(), events[0].id],
    ]);
    const byWorker = await Promise.all(
      workers.map(async (w) => ({
        missing: await metric(w.port, 'tidings_schedule_verdicts_total{kind="missing"'),
        late: await metric(w.port, 'tidings_schedule_verdicts_total{kind="late"'),
      })),
    );
    console.log(`expected runs: verdicts recorded by worker: ${JSON.stringify(byWorker)}`);
    expect(byWorker.reduce((sum, w) => sum + w.missing, 0)).toBe(1);
    expect(byWorker.reduce((sum, w) => sum + w.late, 0)).toBe(1);

    // The webhook on observability:run:* gets both (besides the runs' own status events), signed.
    const scheduled = await waitFor('missing and late delivered', () => {
      const got = receiver
        .received('/runs')
        .filter((r) => ['observability:run:missing', 'observability:run:late'].includes(String(r.headers['x-tidings-event-type'])));
      return got.length >= 2 ? got : undefined;
    });
    const bodies = scheduled.map((r) => new Webhook(hook.secret).verify(r.body, r.headers as any) as any);
    for (const body of bodies) console.log(`expected runs: delivered ${body.event.type} ${body.event.id}: ${JSON.stringify(body)}`);
    const missing = bodies.find((b) => b.event.type === 'observability:run:missing')!.event;
    const late = bodies.find((b) => b.event.type === 'observability:run:late')!.event;
    expect(missing).toMatchObject({
      id: events[1].id,
      occurred_at: tick(1, 20).toISOString(),
      pipeline: { key: PIPELINE },
      schedule: {
        cron: '* * * * *',
        timezone: 'UTC',
        tick: tick(1).toISOString(),
        start_within_s: 20,
        start_by: tick(1, 20).toISOString(),
        finish_within_s: 40,
      },
    });
    expect(late).toMatchObject({
      id: events[0].id,
      occurred_at: tick(2, 40).toISOString(),
      pipeline: { key: PIPELINE, run: { key: 'nightly', name: 'nightly', status: 'RUNNING', started_at: tick(2, 5).toISOString() } },
      schedule: { tick: tick(2).toISOString(), finish_by: tick(2, 40).toISOString() },
    });
    expect(receiver.received('/runs').filter((r) => String(r.headers['x-tidings-event-type']).match(/missing|late/))).toHaveLength(2);

    // Chat: one line each, in the schedule's time zone.
    const clock = (at: Date) => at.toISOString().slice(11, 19);
    const lines = (await receiver.waitForRequests('/chat', 2)).map(
      (r) => (new Webhook(chat.secret).verify(r.body, r.headers as any) as any).text,
    );
    console.log(`expected runs: chat lines ${JSON.stringify(lines)}`);
    expect(lines.sort()).toEqual([
      `No run of ${PIPELINE} started by ${clock(tick(1, 20))} UTC`,
      `Run nightly of ${PIPELINE} has not finished by ${clock(tick(2, 40))} UTC`,
    ]);

    // The run summary and the runs list show the schedule's state.
    const summary = (await t.http('GET', `/v1/observability/pipelines/${PIPELINE}/runs/nightly`)).body;
    expect(summary.schedule).toMatchObject({
      cron: '* * * * *',
      start_within: '20s',
      finish_within: '40s',
      last_missing: { tick: tick(1).toISOString(), event_id: events[1].id, run_key: null },
      last_late: { tick: tick(2).toISOString(), event_id: events[0].id, run_key: 'nightly' },
    });
    const list = (await t.http('GET', `/v1/observability/runs?pipeline_key=${PIPELINE}`)).body;
    expect(list.data.map((run: any) => [run.run_key, run.schedule?.last_late?.run_key])).toEqual([
      ['nightly', 'nightly'],
      ['in-time', 'nightly'],
    ]);
  }, 180_000);
});

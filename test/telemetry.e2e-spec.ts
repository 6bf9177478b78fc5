import { EVENT_CLASSES, EventClass, EventError, EventInput, EventRegistrar, EventSource, TidingsEvent } from '@tidings/events';
import { FakeAnalyticsBackend, FakeWebhookReceiver, markFreeText, waitFor } from '@tidings/testing';
import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

const API_KEY = 'phc_tidings_e2e';
const sourceOf = (type: string): EventSource =>
  type.startsWith('lineage:')
    ? 'openlineage'
    : type.startsWith('observability:')
      ? 'observability'
      : type.startsWith('client:')
        ? 'client'
        : 'internal';

/** Every received request is a well-formed PostHog batch: gzip JSON to /batch/ with the key and ≤ 100 complete events. */
function expectWellFormed(backend: FakeAnalyticsBackend, distinctId: string): void {
  expect(backend.requests.length).toBeGreaterThan(0);
  for (const request of backend.requests) {
    expect(request.path).toBe('/batch/');
    expect(request.headers['content-encoding']).toBe('gzip');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.json?.api_key).toBe(API_KEY);
    const batch = request.json?.batch ?? [];
    expect(batch.length).toBeGreaterThan(0);
    expect(batch.length).toBeLessThanOrEqual(100);
    for (const event of batch) {
      expect(event).toEqual({
        event: expect.any(String),
        distinct_id: distinctId,
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        properties: expect.objectContaining({ event_id: expect.any(String), event_type: event.event, $insert_id: event.uuid }),
      });
    }
  }
}

describe('telemetry: the event log exported, anonymized, in batches to a PostHog-compatible backend', () => {
  let t: Harness;
  let backend: FakeAnalyticsBackend;
  let receiver: FakeWebhookReceiver;
  let distinctId: string;

  beforeAll(async () => {
    backend = await FakeAnalyticsBackend.start();
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings({ env: { ANALYTICS_URL: backend.url, ANALYTICS_API_KEY: API_KEY } });
    [{ distinct_id: distinctId }] = await t.db.query(`SELECT distinct_id FROM installation`);
  });
  afterAll(async () => {
    await t?.stop();
    await backend?.stop();
    await receiver?.stop();
  });
  afterEach(() => backend.answer({ ok: true }));

  async function register(event: TidingsEvent): Promise<void> {
    await t.db.transaction((tx) => t.api.get(EventRegistrar).register(tx, event));
  }

  /** The exporter's position: the last event the backend accepted. */
  async function cursorEventId(): Promise<string | undefined> {
    const [row] = await t.db.query(`SELECT event_id FROM telemetry_cursor`);
    return row?.event_id;
  }

  /** tidings_telemetry_backlog_events from a scrape of the worker's /metrics. */
  async function backlogGauge(): Promise<number> {
    const { port } = t.worker!.getHttpServer().address() as AddressInfo;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return Number(/^tidings_telemetry_backlog_events\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? NaN);
  }

  it('no analytics subscriber or delivery channel; a cursor over the log and a stable per-installation distinct_id', async () => {
    expect(await t.db.query(`SELECT count(*)::int AS n FROM subscribers WHERE kind <> 'webhook'`)).toEqual([{ n: 0 }]);
    expect(
      await t.db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'deliveries' AND column_name = 'channel'`),
    ).toEqual([]);
    await waitFor('the exporter to create its cursor', async () => (await t.db.query(`SELECT 1 FROM telemetry_cursor`)).length === 1);
    expect(distinctId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM installation`)).toEqual([{ n: 1 }]);
  });

  it('every type of the catalogue: the backend gets the event, and never a name, title, parameter or other free text', async () => {
    const sent: { type: string; id: string; markers: string[] }[] = [];
    for (const [type, cls] of [...EVENT_CLASSES.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const source = sourceOf(type);
      const accepts = (input: Record<string, unknown>) => {
        try {
          (cls as EventClass).create(input as EventInput, source);
          return true;
        } catch (error) {
          if (error instanceof EventError) return false;
          throw error;
        }
      };
      const { input, markers } = markFreeText(cls.exampleInput(), accepts, { client: source === 'client' });
      expect({ type, markers: markers.length > 0 }).toEqual({ type, markers: true });
      const event = cls.create(input as EventInput, source);
      // A layer class without its telemetry override would silently send nothing of that layer.
      expect({ type, layers: event.telemetryLayers() }).toEqual({
        type,
        layers: cls.LAYERS.map((l) => l.key),
      });
      await register(event);
      sent.push({ type, id: event.id, markers });
    }
    expect(sent.length).toBe(EVENT_CLASSES.size);
    // The catalogue the database holds has no type without a class (so none escapes this test).
    const catalogue: { name: string }[] = await t.db.query(`SELECT name FROM event_types`);
    expect(catalogue.map((row) => row.name).filter((name) => !EVENT_CLASSES.has(name))).toEqual([]);

    const received = await backend.waitForEvents(sent.map((s) => s.id));
    received.forEach((event, i) => {
      expect(event.event).toBe(sent[i].type);
      expect(event.properties).toMatchObject({ event_id: sent[i].id, event_type: sent[i].type, app_version: t.config.version });
    });
    const everything = backend.requests
      .map((r) => r.text)
      .join('\n')
      .toLowerCase();
    const leaked = sent.flatMap((s) => s.markers.filter((m) => everything.includes(m.toLowerCase())).map((m) => `${s.type}: ${m}`));
    expect(leaked).toEqual([]);
    expectWellFormed(backend, distinctId);
    // Fewer requests than events: they were batched.
    const requestsWithThem = backend.requests.filter((r) => r.json?.batch?.some((e) => sent.some((s) => s.id === e.properties.event_id)));
    expect(requestsWithThem.length).toBeLessThan(sent.length);
  }, 60_000);

  it('the same event: the webhook gets the notification payload, analytics the anonymized telemetry', async () => {
    const hook = await t.http('POST', '/v1/webhooks', {
      name: 'side-by-side',
      url: receiver.url('/side-by-side'),
      subscriptions: [{ event_type: 'project:one-off-job:pipeline-run:failed' }],
    });
    expect(hook.status).toBe(201);
    const body = pipelineRunEvent();
    const registered = await t.http('POST', '/v1/events', { ...body, occurred_at: '2026-11-20T10:00:00Z' });
    expect(registered.status).toBe(201);
    // Telemetry adds no delivery: it is exported from the event itself.
    expect(registered.body.deliveries).toBe(1);
    const [webhookRequest] = await receiver.waitForRequests('/side-by-side', 1);
    const [telemetry] = await backend.waitForEvents([registered.body.id]);
    process.stderr.write(
      `NOTIFICATION PAYLOAD (webhook body):\n${JSON.stringify(JSON.parse(webhookRequest.body), null, 2)}\n` +
        `TELEMETRY (as the analytics backend received it):\n${JSON.stringify(telemetry, null, 2)}\n`,
    );
    expect(telemetry.properties).toMatchObject({
      project_uuid: body.project.uuid,
      job_uuid: body.job.uuid,
      job_status: 'FAILURE',
      pipeline_run_uuid: body.pipeline_run.uuid,
      pipeline_run_status: 'FAILURE',
      pipeline_run_number: 12,
      pipeline_run_failed_steps_count: 1,
      pipeline_run_pipeline_parameters_count: 1,
    });
    expect(JSON.stringify(telemetry)).not.toMatch(/demo|nightly|"etl"|load|2026-11-19/);
    const detail = await t.http('GET', `/v1/events/${registered.body.id}`);
    expect(detail.body.delivery_count).toBe(1);
    expect(detail.body.deliveries.map((d: any) => d.webhook.id)).toEqual([hook.body.id]);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE event_id = $1`, [registered.body.id])).toEqual([{ n: 1 }]);
    // The backend dedupes on uuid: the event id.
    expect(telemetry.uuid).toBe(registered.body.id);
    expect((await t.http('DELETE', `/v1/webhooks/${hook.body.id}`)).status).toBe(204);
  });

  it('the ingestion APIs: lineage and observability events reach analytics without their names, SQL or messages', async () => {
    const secret = `acme${randomUUID().slice(0, 8)}`;
    const lineage = await t.http('POST', '/api/v1/lineage', {
      eventType: 'COMPLETE',
      eventTime: '2026-11-20T10:00:00.000Z',
      producer: 'https://github.com/apache/airflow/tree/providers-openlineage/1.14.0',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: { runId: randomUUID(), facets: { [`${secret}_facet`]: { _producer: 'x', _schemaURL: 'y', note: secret } } },
      job: {
        namespace: `${secret}-ns`,
        name: `${secret}.job`,
        facets: {
          sql: {
            _producer: 'x',
            _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/SQLJobFacet.json',
            query: `SELECT * FROM ${secret}`,
          },
        },
      },
      inputs: [{ namespace: `s3://${secret}`, name: `${secret}/orders` }],
      outputs: [{ namespace: 'redshift://warehouse:5439', name: `${secret}.public.orders` }],
    });
    expect(lineage.status).toBe(201);
    const log = await t.http('POST', '/events/v1/message-log', {
      pipeline_key: `${secret}_pipeline`,
      run_key: `${secret}-run`,
      task_key: `${secret}_task`,
      pipeline_name: `${secret} pipeline`,
      log_level: 'WARNING',
      message: `could not reach ${secret}@example.com`,
      external_url: `https://${secret}.example.com/run`,
      metadata: { owner: secret },
    });
    expect(log.status).toBe(204);
    const [logEvent] = await t.db.query(`SELECT id FROM events WHERE type = 'observability:message-log' AND pipeline_key = $1`, [
      `${secret}_pipeline`,
    ]);
    const [lineageEvent, logTelemetry] = await backend.waitForEvents([lineage.body.id, logEvent.id]);
    expect(lineageEvent.properties).toMatchObject({
      lineage_event_type: 'COMPLETE',
      lineage_run_state: 'COMPLETED',
      lineage_integration: 'airflow',
      lineage_inputs_count: 1,
      lineage_outputs_count: 1,
      lineage_job_facets_count: 1,
      lineage_run_facets_count: 1,
    });
    expect(logTelemetry.properties).toMatchObject({
      log_level: 'WARNING',
      observed_run_status: 'RUNNING',
      observed_task_status: 'RUNNING',
    });
    expect(backend.requests.map((r) => r.text).join('\n')).not.toContain(secret);
  });

  it('batches: many events arrive in far fewer requests, each once, with the event id as uuid', async () => {
    const before = backend.requests.length;
    const events = Array.from({ length: 250 }, () => pipelineRunEvent());
    const res = await t.http('POST', '/v1/events/batch', events);
    expect(res.body.summary.successful).toBe(250);
    const ids: string[] = res.body.events.map((e: { id: string }) => e.id);
    const received = await backend.waitForEvents(ids);
    expect(received.map((e) => e.uuid)).toEqual(ids);
    const requests = backend.requests.slice(before).filter((r) => r.json?.batch?.some((e) => ids.includes(e.properties.event_id)));
    expect(requests.length).toBeGreaterThanOrEqual(3); // at most 100 per request
    expect(requests.length).toBeLessThan(20);
    const sent = requests.flatMap((r) => r.json!.batch!.map((e) => e.uuid!)).filter((id) => ids.includes(id));
    expect(sent).toHaveLength(250);
    expect(new Set(sent).size).toBe(250);
    expectWellFormed(backend, distinctId);
  });

  it('backend down: the cursor waits, a webhook is delivered meanwhile, nothing is lost, a resent event keeps its uuid', async () => {
    const hook = await t.http('POST', '/v1/webhooks', {
      name: 'during-outage',
      url: receiver.url('/during-outage'),
      subscriptions: [{ event_type: 'project:one-off-job:pipeline-run:succeeded' }],
    });
    expect(hook.status).toBe(201);
    await waitFor('the exporter to be idle', async () => (await backlogGauge()) === 0);
    backend.answer({ close: true });
    const before = backend.requests.length;
    const position = await cursorEventId();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await t.http('POST', '/v1/events', pipelineRunEvent())).body.id);
    await waitFor('three refused batch attempts', () => backend.requests.slice(before).length >= 3, 20_000);
    expect(await cursorEventId()).toBe(position);
    expect(await backlogGauge()).toBeGreaterThanOrEqual(30);

    // Webhooks flow while telemetry waits.
    const webhookEvent = await t.http('POST', '/v1/events', pipelineRunEvent({ type: 'project:one-off-job:pipeline-run:succeeded' }));
    const [delivered] = await receiver.waitForRequests('/during-outage', 1, 5_000);
    expect(delivered.body).toContain(webhookEvent.body.id);
    expect(await cursorEventId()).toBe(position);

    backend.answer({ ok: true });
    const received = await backend.waitForEvents([...ids, webhookEvent.body.id], 30_000);
    expect(received.map((e) => e.uuid)).toEqual([...ids, webhookEvent.body.id]);
    // Each refused request carried the same events under the same uuids as the one accepted.
    const refused = backend.requests.slice(before).filter((r) => r.answered === 'close');
    expect(refused.length).toBeGreaterThanOrEqual(3);
    const acceptedUuid = new Map(backend.acceptedEvents().map((e) => [e.properties.event_id, e.uuid]));
    const resent = refused.flatMap((r) => r.json?.batch ?? []);
    expect(resent.length).toBeGreaterThanOrEqual(3);
    for (const event of resent) {
      expect(event.uuid).toBe(event.properties.event_id);
      expect(acceptedUuid.get(event.properties.event_id)).toBe(event.uuid);
    }
    await waitFor('the backlog gauge to drain', async () => (await backlogGauge()) === 0, 10_000);
    expectWellFormed(backend, distinctId);
    expect((await t.http('DELETE', `/v1/webhooks/${hook.body.id}`)).status).toBe(204);
  }, 60_000);

  it('a hanging analytics backend never delays webhooks', async () => {
    const hook = await t.http('POST', '/v1/webhooks', {
      name: 'prompt',
      url: receiver.url('/prompt'),
      subscriptions: [{ event_type: 'project:one-off-job:pipeline-run:succeeded' }],
    });
    expect(hook.status).toBe(201);
    backend.answer({ hang: true });
    const before = backend.requests.length;
    // Fill the analytics slots with hanging requests first.
    await t.http('POST', '/v1/events', pipelineRunEvent());
    await waitFor('a hanging analytics request', () => backend.requests.length > before, 10_000);
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await t.http('POST', '/v1/events', pipelineRunEvent({ type: 'project:one-off-job:pipeline-run:succeeded' }))).body.id);
    await receiver.waitForRequests('/prompt', 5, 5_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(backend.requests.slice(before).every((r) => r.answered === 'hang')).toBe(true);
    backend.answer({ ok: true });
    await backend.waitForEvents(ids, 30_000);
  }, 60_000);

  describe('POST /v1/analytics (front-end relay)', () => {
    let key: string;
    beforeAll(async () => {
      key = (await t.http('POST', '/v1/api-keys', { name: 'front end', scopes: ['analytics:write'] })).body.key;
      // A catch-all webhook must never see client events.
      await t.http('POST', '/v1/webhooks', { name: 'everything', url: receiver.url('/everything'), subscriptions: [{ event_type: '*' }] });
    });

    it('a known client event: 202, recorded in the log, exported to analytics only, with email/URL/path-like values removed', async () => {
      const res = await t.http(
        'POST',
        '/v1/analytics',
        {
          event: 'client:view:loaded',
          properties: {
            view: 'jobs',
            duration_ms: 412,
            first_visit: false,
            user: 'alice@example.com',
            referrer: 'https://intranet.acme.example/jobs?owner=alice',
            file: '/home/alice/orders.csv',
            note: 'opened the nightly job of ACME',
          },
        },
        { key },
      );
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: expect.any(String), recorded: true });
      const [event] = await backend.waitForEvents([res.body.id]);
      expect(event.event).toBe('client:view:loaded');
      expect(event.properties).toMatchObject({ view: 'jobs', duration_ms: 412, first_visit: false, source: 'client' });
      for (const gone of ['user', 'referrer', 'file', 'note']) expect(event.properties).not.toHaveProperty(gone);
      const text = backend.requests.map((r) => r.text).join('\n');
      expect(text).not.toMatch(/alice|intranet|orders\.csv|ACME/);
      // Stored anonymized too, with no webhook delivery.
      const [row] = await t.db.query(`SELECT source, data FROM events WHERE id = $1`, [res.body.id]);
      expect(row).toEqual({ source: 'client', data: { client: { properties: { view: 'jobs', duration_ms: 412, first_visit: false } } } });
      expect(await t.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE event_id = $1`, [res.body.id])).toEqual([{ n: 0 }]);
      expect(event.uuid).toBe(res.body.id);
      expect(receiver.received('/everything').filter((r) => r.body.includes(res.body.id))).toEqual([]);
    });

    it('missing properties are an empty map', async () => {
      const res = await t.http('POST', '/v1/analytics', { event: 'client:heartbeat' }, { key });
      expect(res.status).toBe(202);
      const [event] = await backend.waitForEvents([res.body.id]);
      expect(event.event).toBe('client:heartbeat');
      expect((await t.http('POST', '/v1/analytics', { event: 'client:heartbeat', properties: null }, { key })).status).toBe(202);
    });

    it('an unknown or non-client event is 400, listing the allowed names', async () => {
      for (const event of ['client:made-up', 'project:created', '', 42, undefined]) {
        const res = await t.http('POST', '/v1/analytics', { event, properties: {} }, { key });
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('validation_failed');
        expect(res.body.message).toContain('client:view:loaded');
        expect(res.body.message).toContain('client:debug-ping');
        expect(res.body.details).toEqual([expect.objectContaining({ field: 'event' })]);
      }
      expect((await t.http('POST', '/v1/analytics', { event: 'client:heartbeat', properties: ['a'] }, { key })).status).toBe(400);
      expect((await t.http('POST', '/v1/analytics', { event: 'client:heartbeat', extra: 1 }, { key })).status).toBe(400);
      expect((await t.http('POST', '/v1/analytics', [{ event: 'client:heartbeat' }], { key })).status).toBe(400);
    });

    it('needs the analytics:write scope (or admin)', async () => {
      const tool = (await t.http('POST', '/v1/api-keys', { name: 'tool', scopes: ['events:write'] })).body.key;
      expect((await t.http('POST', '/v1/analytics', { event: 'client:heartbeat' }, { key: tool })).status).toBe(403);
      expect((await t.http('POST', '/v1/analytics', { event: 'client:heartbeat' }, { key: null })).status).toBe(401);
      expect((await t.http('POST', '/v1/analytics', { event: 'client:heartbeat' })).status).toBe(202);
      // …and an analytics key can do nothing else.
      expect((await t.http('POST', '/v1/events', pipelineRunEvent(), { key })).status).toBe(403);
    });
  });
});

describe('telemetry switched off', () => {
  let backend: FakeAnalyticsBackend;

  beforeAll(async () => {
    backend = await FakeAnalyticsBackend.start();
  });
  afterAll(async () => {
    await backend?.stop();
  });

  it.each([
    ['TELEMETRY_DISABLED=true', (url: string) => ({ ANALYTICS_URL: url, TELEMETRY_DISABLED: 'true' })],
    ['no ANALYTICS_URL', () => ({})],
  ])('%s: nothing is exported, no cursor is kept, client events are not recorded', async (_label, env) => {
    const t = await startTidings({ env: env(backend.url) });
    try {
      expect((await t.http('POST', '/v1/events', pipelineRunEvent())).status).toBe(201);
      expect((await t.http('POST', '/v1/events/batch', [pipelineRunEvent(), pipelineRunEvent()])).body.summary.successful).toBe(2);
      const key = (await t.http('POST', '/v1/api-keys', { name: 'fe', scopes: ['analytics:write'] })).body.key;
      const relayed = await t.http('POST', '/v1/analytics', { event: 'client:heartbeat', properties: { view: 'jobs' } }, { key });
      expect(relayed.status).toBe(202);
      expect(relayed.body).toEqual({ id: null, recorded: false });
      // Still validated while off.
      expect((await t.http('POST', '/v1/analytics', { event: 'client:nope' }, { key })).status).toBe(400);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await t.db.query(`SELECT count(*)::int AS n FROM telemetry_cursor`)).toEqual([{ n: 0 }]);
      expect(await t.db.query(`SELECT count(*)::int AS n FROM events WHERE source <> 'client'`)).toEqual([{ n: 3 }]);
      expect(await t.db.query(`SELECT count(*)::int AS n FROM events WHERE source = 'client'`)).toEqual([{ n: 0 }]);
      expect(backend.requests).toEqual([]);
    } finally {
      await t.stop();
    }
  });
});

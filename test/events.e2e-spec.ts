import { EventRegistrar, JobPipelineRunFailed, ProjectCreated } from '@tidings/events';
import { FakeWebhookReceiver, waitFor } from '@tidings/testing';
import { randomUUID } from 'node:crypto';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

describe('events: registration, validation, idempotency, scoping', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings();
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
  });

  const counts = async () => {
    const [row] = await t.db.query(`SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM deliveries) AS deliveries`);
    return row as { events: number; deliveries: number };
  };

  async function webhook(path: string, subscriptions: object[]) {
    const res = await t.http('POST', '/v1/webhooks', { name: path, url: receiver.url(path), subscriptions });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('refuses unknown types and missing fields with 400 naming them, and writes nothing', async () => {
    await webhook('/everything', [{ event_type: '*' }]);
    const before = await counts();

    const unknown = await t.http('POST', '/v1/events', { type: 'project:exploded', project: { uuid: randomUUID() } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'type' }] });

    const missing = await t.http('POST', '/v1/events', { type: 'project:one-off-job:pipeline-run:failed', project: { name: 'demo' }, job: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.details.map((d: any) => d.field).sort()).toEqual(['job.uuid', 'pipeline_run.uuid', 'project.uuid']);

    const extra = await t.http('POST', '/v1/events', { ...pipelineRunEvent(), colour: 'blue' });
    expect(extra.status).toBe(400);
    expect(extra.body.details).toEqual([expect.objectContaining({ field: 'colour' })]);

    const internal = await t.http('POST', '/v1/events', { type: 'tidings:webhook:disabled', webhook: { id: randomUUID() } });
    expect(internal.status).toBe(400);

    const updatedWithoutChanges = await t.http('POST', '/v1/events', { type: 'project:updated', project: { uuid: randomUUID() } });
    expect(updatedWithoutChanges.status).toBe(400);
    expect(updatedWithoutChanges.body.details[0].field).toMatch(/^update/);

    for (const body of ['[1,2', '"just a string"', 'null', '[]']) {
      const res = await t.http('POST', '/v1/events', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBeDefined();
    }
    const wrongType = await t.http('POST', '/v1/events', 'type=project:created', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(wrongType.status).toBe(415);

    // A closed layer names an unknown key, `constructor` included; nothing written by any of these.
    const base = pipelineRunEvent();
    const unknownKey = await t.http('POST', '/v1/events', { ...base, project: JSON.parse(`{"uuid": "${base.project.uuid}", "constructor": "x"}`) });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.body.details).toEqual([{ field: 'project.constructor', message: expect.stringContaining('project.constructor is not a field') }]);
    expect(await counts()).toEqual(before);

    // In an open map a key named constructor is data like any other (class-transformer used to choke on it, a 400
    // since; the Ajv validator reads JSON as JSON): stored as sent, alone and in a batch.
    const withConstructor = { ...base, pipeline_run: { ...base.pipeline_run, parameters: JSON.parse('{"constructor": "x"}') } };
    const accepted = await t.http('POST', '/v1/events', withConstructor);
    expect(accepted.status).toBe(201);
    const [stored] = await t.db.query(`SELECT data FROM events WHERE id = $1`, [accepted.body.id]);
    expect(stored.data.pipeline_run.parameters).toEqual({ constructor: 'x' });
    const batch = await t.http('POST', '/v1/events/batch', [withConstructor, pipelineRunEvent()]);
    expect(batch.body).toMatchObject({ status: 'success', summary: { successful: 2, failed: 0 } });
  });

  it('an Idempotency-Key repeat returns the original with 200 and creates no deliveries; with another body, 409', async () => {
    const key = `order-${randomUUID()}`;
    const body = pipelineRunEvent();
    const first = await t.http('POST', '/v1/events', body, { headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const before = await counts();
    // The same body, its keys in another order: the same event.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await t.http('POST', '/v1/events', reordered, { headers: { 'idempotency-key': key } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, duplicate: true, deliveries: first.body.deliveries });
    const viaField = await t.http('POST', '/v1/events', { ...body, idempotency_key: key });
    expect(viaField).toMatchObject({ status: 200, body: { id: first.body.id } });
    // Issue 13 finding 6: a different body under the same key is refused, not silently answered with the first event.
    const changed = await t.http('POST', '/v1/events', { ...body, job: { ...body.job, name: 'changed' } }, { headers: { 'idempotency-key': key } });
    expect(changed.status).toBe(409);
    expect(changed.body).toMatchObject({ error: 'idempotency_conflict', details: [{ field: 'idempotency_key' }] });
    expect(changed.body.message).toContain(first.body.id);
    expect(await counts()).toEqual(before);

    // Keys are scoped to the calling API key: another producer's same key is its own event.
    const writer = (await t.http('POST', '/v1/api-keys', { name: 'other-producer', scopes: ['events:write'] })).body.key;
    const other = await t.http('POST', '/v1/events', { ...body, job: { ...body.job, name: 'changed' } }, { key: writer, headers: { 'idempotency-key': key } });
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
    const producers = await t.db.query(`SELECT producer FROM events WHERE id = ANY($1::uuid[]) ORDER BY producer`, [[first.body.id, other.body.id]]);
    expect(new Set(producers.map((row: { producer: string }) => row.producer)).size).toBe(2);

    const conflicting = await t.http('POST', '/v1/events', { ...body, idempotency_key: 'a' }, { headers: { 'idempotency-key': 'b' } });
    expect(conflicting.status).toBe(400);
  });

  it('concurrent single requests share statements yet each keeps its own event, request id and idempotency answer', async () => {
    const path = '/concurrent';
    const project = randomUUID();
    const hook = await webhook(path, [{ event_type: 'project:one-off-job:pipeline-run:failed', project_uuid: project }]);
    const before = await counts();
    const n = 40;
    const key = `same-${randomUUID()}`;
    // 40 distinct events, each with its own request id, and 8 requests racing with one Idempotency-Key.
    const distinct = Array.from({ length: n }, (_, i) =>
      t.http('POST', '/v1/events', pipelineRunEvent({ project, number: i + 1 }), { headers: { 'x-request-id': `concurrent-${i}` } }),
    );
    const raceBody = pipelineRunEvent({ project });
    const racing = Array.from({ length: 8 }, () => t.http('POST', '/v1/events', raceBody, { headers: { 'idempotency-key': key } }));
    const [answers, raced] = await Promise.all([Promise.all(distinct), Promise.all(racing)]);

    expect(answers.map((a) => a.status)).toEqual(Array(n).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(n);
    const rows: { id: string; request_id: string; number: number }[] = await t.db.query(
      `SELECT id, request_id, (data #>> '{pipeline_run,number}')::int AS number FROM events WHERE id = ANY($1::uuid[])`,
      [answers.map((a) => a.body.id)],
    );
    for (const [i, answer] of answers.entries()) {
      expect(rows.find((r) => r.id === answer.body.id)).toMatchObject({ request_id: `concurrent-${i}`, number: i + 1 });
    }
    // Each event matched on its own: one delivery to this webhook each (other tests' catch-all webhooks add the same to all).
    expect(new Set(answers.map((a) => a.body.deliveries)).size).toBe(1);
    const mine: { event_id: string; n: number }[] = await t.db.query(
      `SELECT event_id, count(*)::int AS n FROM deliveries WHERE subscriber_id = $1 AND event_id = ANY($2::uuid[]) GROUP BY event_id`,
      [hook, answers.map((a) => a.body.id)],
    );
    expect(mine).toHaveLength(n);
    expect(mine.every((row) => row.n === 1)).toBe(true);
    expect(raced.filter((r) => r.status === 201)).toHaveLength(1);
    expect(raced.filter((r) => r.status === 200)).toHaveLength(7);
    expect(new Set(raced.map((r) => r.body.id)).size).toBe(1);
    expect(await counts()).toMatchObject({ events: before.events + n + 1 });
    await receiver.waitForRequests(path, n + 1);
  });

  it('register(tx, event) writes nothing when the caller rolls back, and both rows when it commits', async () => {
    const registrar = t.api.get(EventRegistrar);
    const body = pipelineRunEvent();
    const before = await counts();
    await expect(
      t.db.transaction(async (tx) => {
        const result = await registrar.register(tx, JobPipelineRunFailed.create(body));
        expect(result.deliveries).toBeGreaterThan(0);
        throw new Error('the business write failed');
      }),
    ).rejects.toThrow('the business write failed');
    expect(await counts()).toEqual(before);

    const committed = await t.db.transaction((tx) => registrar.register(tx, JobPipelineRunFailed.create(body)));
    const after = await counts();
    expect(after.events).toBe(before.events + 1);
    expect(after.deliveries).toBe(before.deliveries + committed.deliveries);
    const [row] = await t.db.query(`SELECT source, project_uuid, job_uuid, pipeline_run_uuid FROM events WHERE id = $1`, [committed.event.id]);
    expect(row).toEqual({ source: 'internal', project_uuid: body.project.uuid, job_uuid: body.job.uuid, pipeline_run_uuid: body.pipeline_run.uuid });
  });

  it('matches subscriptions by exact type, prefix wildcard and *, narrowed by project and job; one delivery per webhook', async () => {
    const project = randomUUID();
    const job = randomUUID();
    const hooks = {
      exact: await webhook('/exact', [{ event_type: 'project:one-off-job:pipeline-run:failed' }]),
      wildcard: await webhook('/wildcard', [{ event_type: 'project:one-off-job:*' }]),
      projectScoped: await webhook('/project', [{ event_type: 'project:*', project_uuid: project }]),
      jobScoped: await webhook('/job', [{ event_type: 'project:one-off-job:*', job_uuid: job }]),
      twoMatches: await webhook('/two', [{ event_type: '*' }, { event_type: 'project:*' }]),
      otherType: await webhook('/other', [{ event_type: 'project:cron-job:*' }]),
    };
    const disabled = await webhook('/disabled', [{ event_type: '*' }]);
    await t.http('PATCH', `/v1/webhooks/${disabled}`, { enabled: false });

    const receivers = async (eventId: string) => {
      const res = await t.http('GET', `/v1/deliveries?event_id=${eventId}&limit=200`);
      return new Set(res.body.data.map((d: any) => d.webhook.id));
    };
    const inScope = await t.http('POST', '/v1/events', pipelineRunEvent({ project, job }));
    const got = await receivers(inScope.body.id);
    for (const id of [hooks.exact, hooks.wildcard, hooks.projectScoped, hooks.jobScoped, hooks.twoMatches]) expect(got).toContain(id);
    expect(got).not.toContain(hooks.otherType);
    expect(got).not.toContain(disabled);
    const twoMatchDeliveries = (await t.http('GET', `/v1/deliveries?event_id=${inScope.body.id}&webhook_id=${hooks.twoMatches}`)).body.data;
    expect(twoMatchDeliveries).toHaveLength(1);

    const otherJob = await receivers((await t.http('POST', '/v1/events', pipelineRunEvent({ project }))).body.id);
    expect(otherJob).toContain(hooks.projectScoped);
    expect(otherJob).not.toContain(hooks.jobScoped);

    const otherProject = await receivers((await t.http('POST', '/v1/events', pipelineRunEvent({ job }))).body.id);
    expect(otherProject).not.toContain(hooks.projectScoped);
    expect(otherProject).toContain(hooks.jobScoped);

    const projectEvent = await t.http('POST', '/v1/events', { type: 'project:created', project: { uuid: project, name: 'p' } });
    const forProject = await receivers(projectEvent.body.id);
    expect(forProject).toContain(hooks.projectScoped);
    expect(forProject).not.toContain(hooks.wildcard);
    expect(forProject).not.toContain(hooks.jobScoped);

    await receiver.waitForRequests('/job', 2);
    expect(receiver.received('/job').every((r) => JSON.parse(r.body).event.project.job.uuid === job)).toBe(true);
  });

  it('refuses subscriptions to unknown types, client events and filters a type cannot match', async () => {
    const bad = await t.http('POST', '/v1/webhooks', {
      name: 'bad',
      url: receiver.url('/bad'),
      subscriptions: [
        { event_type: 'project:nope' },
        { event_type: 'nothing:*' },
        { event_type: 'client:heartbeat' },
        { event_type: 'project:created', job_uuid: randomUUID() },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.field)).toEqual([
      'subscriptions[0].event_type',
      'subscriptions[1].event_type',
      'subscriptions[2].event_type',
      'subscriptions[3].job_uuid',
    ]);
    const loopback = await t.http('POST', '/v1/webhooks', { name: 'meta', url: 'http://169.254.169.254/latest', subscriptions: [] });
    expect(loopback.status).toBe(400);
    expect(loopback.body.details[0].field).toBe('url');
  });

  it('batch: each event validated alone, the valid ones registered, a summary returned', async () => {
    const good = pipelineRunEvent();
    const res = await t.http('POST', '/v1/events/batch', [good, { type: 'project:nope' }, pipelineRunEvent(), { type: 'project:created', project: {} }]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'partial_success',
      summary: { received: 4, successful: 2, failed: 2 },
      failed_events: [{ index: 1 }, { index: 3 }],
    });
    expect(res.body.failed_events[1].reason).toMatch(/project\.uuid/);
    const ids = res.body.events.map((e: any) => e.id);
    for (const id of ids) expect((await t.http('GET', `/v1/events/${id}`)).status).toBe(200);

    expect((await t.http('POST', '/v1/events/batch', { events: [{ type: 'nope' }] })).body.status).toBe('failure');
    expect((await t.http('POST', '/v1/events/batch', [])).status).toBe(400);
    expect((await t.http('POST', '/v1/events/batch', { not: 'a list' })).status).toBe(400);
    const tooMany = await t.http('POST', '/v1/events/batch', Array.from({ length: 1001 }, () => good));
    expect(tooMany.status).toBe(400);
  });

  it('batch: a key seen before, or earlier in the batch, gives the original back without deliveries; each event matched on its own scope', async () => {
    const project = randomUUID();
    const scoped = await webhook('/batch-scoped', [{ event_type: 'project:one-off-job:pipeline-run:failed', project_uuid: project }]);
    const key = `batch-${randomUUID()}`;
    const firstBody = pipelineRunEvent({ project });
    const first = await t.http('POST', '/v1/events', firstBody, { headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const before = await counts();
    const shared = `batch-${randomUUID()}`;
    const sharedBody = { ...pipelineRunEvent({ project }), idempotency_key: shared };
    const res = await t.http('POST', '/v1/events/batch', [
      { ...firstBody, idempotency_key: key },
      sharedBody,
      pipelineRunEvent(),
      sharedBody,
    ]);
    expect(res.body).toMatchObject({ status: 'success', summary: { received: 4, successful: 4, failed: 0 } });
    const [again, fresh, elsewhere, repeated] = res.body.events;
    expect(again).toEqual({ index: 0, id: first.body.id, deliveries: first.body.deliveries, duplicate: true });
    expect(fresh).toMatchObject({ index: 1, duplicate: false });
    expect(elsewhere).toMatchObject({ index: 2, duplicate: false, deliveries: fresh.deliveries - 1 });
    expect(repeated).toEqual({ index: 3, id: fresh.id, deliveries: fresh.deliveries, duplicate: true });

    const after = await counts();
    expect(after.events).toBe(before.events + 2);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE event_id = ANY($1::uuid[])`, [[fresh.id, elsewhere.id]]);
    expect(after.deliveries).toBe(before.deliveries + n);
    const toScoped = await t.db.query(`SELECT event_id FROM deliveries WHERE subscriber_id = $1`, [scoped]);
    expect(toScoped.map((d: any) => d.event_id).sort()).toEqual([first.body.id, fresh.id].sort());

    // A key repeated with a different body fails that event only, in the summary.
    const conflicted = await t.http('POST', '/v1/events/batch', [{ ...firstBody, project: { ...firstBody.project, name: 'renamed' }, idempotency_key: key }, pipelineRunEvent()]);
    expect(conflicted.body).toMatchObject({
      status: 'partial_success',
      summary: { received: 2, successful: 1, failed: 1 },
      failed_events: [{ index: 0, details: [{ field: 'idempotency_key' }] }],
      events: [{ index: 1, duplicate: false }],
    });
    expect(conflicted.body.failed_events[0].reason).toContain(first.body.id);
  });

  it('lists events newest first with filters and cursor pagination; one event shows its payload and deliveries', async () => {
    const project = randomUUID();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await t.http('POST', '/v1/events', pipelineRunEvent({ project, number: i }))).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await t.http('GET', `/v1/events?project_uuid=${project}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((e: any) => e.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const byWildcard = await t.http('GET', `/v1/events?type=project:one-off-job:*&project_uuid=${project}`);
    expect(byWildcard.body.data).toHaveLength(5);
    expect((await t.http('GET', `/v1/events?type=project:cron-job:*&project_uuid=${project}`)).body.data).toHaveLength(0);

    const one = await t.http('GET', `/v1/events/${ids[0]}`);
    expect(one.body).toMatchObject({ id: ids[0], source: 'api', scope: { project_uuid: project }, payload: { project: { uuid: project } } });
    expect(Array.isArray(one.body.deliveries)).toBe(true);
    expect((await t.http('GET', `/v1/events/${randomUUID()}`)).status).toBe(404);
    expect((await t.http('GET', `/v1/events/not-a-uuid`)).status).toBe(400);
    expect((await t.http('GET', `/v1/events?since=yesterday`)).status).toBe(400);
  });

  it('lists the whole catalogue with scope filters and example payloads', async () => {
    const res = await t.http('GET', '/v1/event-types');
    expect(res.status).toBe(200);
    const byName = new Map(res.body.data.map((t: any) => [t.name, t]));
    // DESIGN §4: 58 platform, 18 observability (6 of them for streams and servers), 8 lineage, 3 engine and 7 client types.
    expect(byName.size).toBe(96);
    for (const group of ['platform', 'observability', 'lineage', 'engine', 'client']) {
      expect(res.body.data.some((t: any) => t.group === group)).toBe(true);
    }
    expect(byName.get('project:one-off-job:pipeline-run:failed')).toMatchObject({
      registrable_via_api: true,
      scope_filters: ['project_uuid', 'job_uuid'],
      example: { type: 'project:one-off-job:pipeline-run:failed', project: { job: { pipeline_run: {} } } },
    });
    expect(byName.get('client:heartbeat')).toMatchObject({ registrable_via_api: false });
    expect(byName.get('project:cron-job:succeeded')).toBeUndefined();
  });

  it('publishes each type with the JSON Schema of its body, its ordering key and a body the API accepts', async () => {
    const type = 'project:one-off-job:pipeline-run:failed';
    const res = await t.http('GET', `/v1/event-types/${type}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: type,
      group: 'platform',
      scope_filters: ['project_uuid', 'job_uuid'],
      ordering_key: ['pipeline_run.uuid'],
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        required: ['project', 'job', 'pipeline_run'],
        additionalProperties: false,
        properties: { type: { const: type }, project: { required: ['uuid'] } },
      },
    });
    const registered = await t.http('POST', '/v1/events', { type, ...res.body.example_body });
    expect(registered.status).toBe(201);
    expect((await t.http('GET', `/v1/event-types/${encodeURIComponent('observability:run:failed')}`)).body).toMatchObject({
      registrable_via_api: false,
      ordering_key: ['pipeline.key', 'run.key'],
    });
    const unknown = await t.http('GET', '/v1/event-types/project:exploded');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('not_found');

    // The OpenAPI document takes POST /v1/events bodies (its EventInput) from the same registry: one alternative per platform type.
    const doc = await t.http('GET', '/docs/openapi.json');
    const body = doc.body.components.schemas.EventInput;
    expect(body.oneOf).toHaveLength(58);
    expect(body.oneOf.find((s: any) => s.title === type)).toMatchObject({
      required: ['type', 'project', 'job', 'pipeline_run'],
      properties: { type: { enum: [type] }, project: { properties: { name: { type: 'string', nullable: true } } } },
    });
  });

  it('an in-process caller registers engine-free platform events with the typed classes too', async () => {
    const registrar = t.api.get(EventRegistrar);
    const id = await webhook('/inproc', [{ event_type: 'project:created' }]);
    const project = randomUUID();
    await t.db.transaction((tx) => registrar.register(tx, ProjectCreated.create({ project: { uuid: project, name: 'from code' } })));
    const [request] = await receiver.waitForRequests('/inproc', 1);
    expect(JSON.parse(request.body)).toMatchObject({ delivered_for: { id }, event: { type: 'project:created', project: { uuid: project, name: 'from code' } } });
    await waitFor('delivered', async () => (await t.http('GET', `/v1/deliveries?webhook_id=${id}&status=delivered`)).body.data.length === 1);
  });
});

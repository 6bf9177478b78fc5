import { FakeWebhookReceiver, waitFor } from '@tidings/testing';
import { createHmac, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

/** Verifies a received request with the independent Standard Webhooks implementation. */
function verify(secret: string, request: { body: string; headers: Record<string, any> }) {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': request.headers['webhook-id'],
    'webhook-timestamp': request.headers['webhook-timestamp'],
    'webhook-signature': request.headers['webhook-signature'],
  });
}

/** The spec's HMAC, computed here, for bodies the JSON-only verifier cannot parse (form encoding). */
function signatureMatches(secret: string, request: { body: string; headers: Record<string, any> }): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const content = `${request.headers['webhook-id']}.${request.headers['webhook-timestamp']}.${request.body}`;
  const expected = `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
  return String(request.headers['webhook-signature']).split(' ').includes(expected);
}

describe('webhook delivery (api → outbox → worker → receiver)', () => {
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

  async function createWebhook(path: string, subscriptions: object[] = [{ event_type: 'project:one-off-job:pipeline-run:failed' }], extra: object = {}) {
    const res = await t.http('POST', '/v1/webhooks', { name: path, url: receiver.url(path), subscriptions, ...extra });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  }

  async function deliveryOf(webhookId: string, eventId: string) {
    const res = await t.http('GET', `/v1/deliveries?webhook_id=${webhookId}&event_id=${eventId}`);
    return res.body.data[0];
  }

  it('delivers a signed webhook that an independent Standard Webhooks verifier accepts', async () => {
    const webhook = await createWebhook('/signed');
    const body = pipelineRunEvent();
    const registered = await t.http('POST', '/v1/events', body);
    expect(registered.status).toBe(201);
    expect(registered.body.deliveries).toBe(1);

    const [request] = await receiver.waitForRequests('/signed', 1);
    const payload = verify(webhook.secret, request) as any;
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toMatch(/^Tidings\//);
    expect(request.headers['x-tidings-event-type']).toBe('project:one-off-job:pipeline-run:failed');
    expect(request.headers['x-tidings-attempt']).toBe('1');
    expect(payload.delivered_for).toEqual({ id: webhook.id, name: '/signed', type: 'webhook' });
    expect(payload.event).toMatchObject({
      id: registered.body.id,
      type: 'project:one-off-job:pipeline-run:failed',
      project: { uuid: body.project.uuid, name: 'demo', job: { uuid: body.job.uuid, name: 'nightly', pipeline_run: { uuid: body.pipeline_run.uuid, number: 12 } } },
    });
    expect(() => verify(webhook.secret, { ...request, body: request.body.replace('nightly', 'daily') })).toThrow();

    const delivery = await waitFor('delivered status', async () => {
      const d = await deliveryOf(webhook.id, registered.body.id);
      return d?.status === 'delivered' ? d : undefined;
    });
    expect(request.headers['webhook-id']).toBe(delivery.id);
    const detail = await t.http('GET', `/v1/deliveries/${delivery.id}`);
    expect(detail.body.attempts).toHaveLength(1);
    expect(detail.body.attempts[0]).toMatchObject({ number: 1, trigger: 'auto', response_status: 200, error: null });
  });

  it('retries a 500 through the whole schedule, records every attempt, dead-letters, then replay and recover deliver with the same webhook-id', async () => {
    receiver.on('/flaky', { status: 500, body: 'boom' });
    const webhook = await createWebhook('/flaky');
    const ops = await createWebhook('/ops', [{ event_type: 'tidings:*' }]);
    const registered = await t.http('POST', '/v1/events', pipelineRunEvent());
    const schedule = t.config.webhook.retryScheduleMs.length;

    const failed = await waitFor('failed status', async () => {
      const d = await deliveryOf(webhook.id, registered.body.id);
      return d?.status === 'failed' ? d : undefined;
    });
    const requests = receiver.received('/flaky');
    expect(requests).toHaveLength(schedule);
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([failed.id]));
    expect(requests.map((r) => r.headers['x-tidings-attempt'])).toEqual(Array.from({ length: schedule }, (_, i) => String(i + 1)));
    const detail = await t.http('GET', `/v1/deliveries/${failed.id}`);
    expect(detail.body.attempts.map((a: any) => [a.number, a.response_status, a.response_body])).toEqual(
      Array.from({ length: schedule }, (_, i) => [i + 1, 500, 'boom']),
    );
    expect(detail.body).toMatchObject({ attempt_count: schedule, last_response_status: 500, last_error: 'HTTP 500' });

    // The dead letter is announced to whoever subscribes to engine events.
    const [exhausted] = await receiver.waitForRequests('/ops', 1);
    const notice = verify(ops.secret, exhausted) as any;
    expect(notice.event.type).toBe('tidings:delivery:exhausted');
    expect(notice.event.webhook).toMatchObject({ id: webhook.id, delivery: { id: failed.id, attempts: schedule, last_response_status: 500 } });

    // Replay once the endpoint works again: same webhook-id, a manual attempt.
    receiver.on('/flaky', { status: 204 });
    expect((await t.http('POST', `/v1/deliveries/${failed.id}/replay`)).status).toBe(202);
    const [replayed] = (await receiver.waitForRequests('/flaky', schedule + 1)).slice(-1);
    expect(replayed.headers['webhook-id']).toBe(failed.id);
    verify(webhook.secret, replayed);
    // The row stores no body: every attempt and the replay rendered the same bytes from the event, and the admin
    // view renders them again on read.
    const [{ payload: stored }] = await t.db.query(`SELECT payload FROM deliveries WHERE id = $1`, [failed.id]);
    expect(stored).toBeNull();
    expect(new Set(receiver.received('/flaky').map((r) => r.body)).size).toBe(1);
    expect((await t.http('GET', `/v1/deliveries/${failed.id}`)).body.payload).toEqual(JSON.parse(replayed.body));
    const afterReplay = await waitFor('replayed delivery settles', async () => {
      const d = (await t.http('GET', `/v1/deliveries/${failed.id}`)).body;
      return d.status === 'delivered' ? d : undefined;
    });
    expect(afterReplay.attempts.at(-1)).toMatchObject({ number: schedule + 1, trigger: 'manual', response_status: 204 });
    expect((await t.http('POST', `/v1/deliveries/${failed.id}/replay`)).status).toBe(202); // delivered ones may be replayed too

    // Recover: everything this webhook missed since a time.
    receiver.on('/flaky', { status: 500 });
    const since = new Date().toISOString();
    const more = [await t.http('POST', '/v1/events', pipelineRunEvent()), await t.http('POST', '/v1/events', pipelineRunEvent())];
    for (const r of more) await waitFor('failed', async () => (await deliveryOf(webhook.id, r.body.id))?.status === 'failed');
    receiver.on('/flaky', { status: 200 });
    const recovered = await t.http('POST', `/v1/webhooks/${webhook.id}/recover`, { since });
    expect(recovered).toMatchObject({ status: 202, body: { replayed: 2 } });
    for (const r of more) {
      const d = await waitFor('recovered', async () => {
        const got = await deliveryOf(webhook.id, r.body.id);
        return got?.status === 'delivered' ? got : undefined;
      });
      const last = receiver.received('/flaky').filter((q) => q.headers['webhook-id'] === d.id);
      expect(last).toHaveLength(schedule + 1);
    }
  });

  it('a delivery written by v1 with its body stored is sent with that body', async () => {
    const webhook = await createWebhook('/legacy', [{ event_type: 'ping' }]);
    const stored = { delivered_for: { id: webhook.id, name: 'as it was', type: 'webhook' }, event: { id: 'v1', type: 'ping' } };
    const [{ id }] = await t.db.query(
      `INSERT INTO deliveries (id, event_type, subscriber_id, payload, next_attempt_at) VALUES (tidings_uuid_v7(), 'ping', $1, $2, now())
       RETURNING id`,
      [webhook.id, stored],
    );
    await t.db.query(`NOTIFY tidings_outbox`);
    const [request] = await receiver.waitForRequests('/legacy', 1);
    expect(request.headers['webhook-id']).toBe(id);
    expect(verify(webhook.secret, request)).toEqual(stored);
    expect((await t.http('GET', `/v1/deliveries/${id}`)).body.payload).toEqual(stored);
  });

  it('410 Gone disables the webhook and records tidings:webhook:disabled; re-enabling via PATCH works; disabling via PATCH records it too', async () => {
    receiver.on('/gone', { status: 410 });
    const webhook = await createWebhook('/gone');
    const ops = await createWebhook('/ops-disabled', [{ event_type: 'tidings:webhook:disabled' }]);
    await t.http('POST', '/v1/events', pipelineRunEvent());
    await receiver.waitForRequests('/gone', 1);
    const disabled = await waitFor('webhook disabled', async () => {
      const w = (await t.http('GET', `/v1/webhooks/${webhook.id}`)).body;
      return w.enabled === false ? w : undefined;
    });
    expect(disabled.disabled_reason).toMatch(/410/);
    const [notice] = await receiver.waitForRequests('/ops-disabled', 1);
    expect((verify(ops.secret, notice) as any).event).toMatchObject({ type: 'tidings:webhook:disabled', webhook: { id: webhook.id } });

    // Disabled: no new deliveries.
    const next = await t.http('POST', '/v1/events', pipelineRunEvent());
    expect((await t.http('GET', `/v1/deliveries?webhook_id=${webhook.id}&event_id=${next.body.id}`)).body.data).toHaveLength(0);
    expect(receiver.received('/gone')).toHaveLength(1);

    receiver.on('/gone', { status: 200 });
    const enabled = await t.http('PATCH', `/v1/webhooks/${webhook.id}`, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });
    await t.http('POST', '/v1/events', pipelineRunEvent());
    await receiver.waitForRequests('/gone', 2);

    // An admin's disable is recorded like the automatic one, naming the API key that made it; once.
    const [{ id: keyId }] = await t.db.query(`SELECT id FROM api_keys WHERE name LIKE 'bootstrap admin%'`);
    const off = await t.http('PATCH', `/v1/webhooks/${webhook.id}`, { enabled: false });
    expect(off.body).toMatchObject({ enabled: false, disabled_reason: `disabled by an admin (API key ${keyId})` });
    expect((await t.http('PATCH', `/v1/webhooks/${webhook.id}`, { enabled: false, name: 'still off' })).status).toBe(200);
    const [, byAdmin] = await receiver.waitForRequests('/ops-disabled', 2);
    expect((verify(ops.secret, byAdmin) as any).event).toMatchObject({
      type: 'tidings:webhook:disabled',
      webhook: { id: webhook.id, url_host: new URL(receiver.url('/gone')).host, disabled_reason: `disabled by an admin (API key ${keyId})` },
    });
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM events WHERE type = 'tidings:webhook:disabled' AND data->'webhook'->>'id' = $1`, [
      webhook.id,
    ]);
    expect(n).toBe(2);
  });

  it('sends a signed ping to a saved and to an unsaved webhook', async () => {
    const webhook = await createWebhook('/ping');
    const res = await t.http('POST', `/v1/webhooks/${webhook.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, status: 200 });
    const [ping] = receiver.received('/ping');
    expect((verify(webhook.secret, ping) as any).event).toMatchObject({ type: 'ping' });

    receiver.on('/ping-down', { status: 503 });
    const unsaved = await t.http('POST', '/v1/webhooks/test', { url: receiver.url('/ping-down') });
    expect(unsaved.body).toMatchObject({ ok: false, status: 503 });
    const [request] = receiver.received('/ping-down');
    verify(unsaved.body.secret, request);

    const refused = await t.http('POST', '/v1/webhooks/test', { url: 'ftp://example.com/x' });
    expect(refused.status).toBe(400);
  });

  it('signs with both secrets after a rotation, and each verifies', async () => {
    const webhook = await createWebhook('/rotated');
    const rotated = await t.http('POST', `/v1/webhooks/${webhook.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(webhook.secret);

    await t.http('POST', '/v1/events', pipelineRunEvent());
    const [request] = await receiver.waitForRequests('/rotated', 1);
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
    verify(webhook.secret, request);
    verify(rotated.body.secret, request);
  });

  it('retires a leaked secret at once with expire_previous_in: 0, and refuses a bad overlap', async () => {
    const webhook = await createWebhook('/retired');
    for (const bad of [-1, 1.5, '1h', 30 * 86_400 + 1]) {
      const refused = await t.http('POST', `/v1/webhooks/${webhook.id}/rotate-secret`, { expire_previous_in: bad });
      expect(refused.status).toBe(400);
    }
    const kept = await t.http('POST', `/v1/webhooks/${webhook.id}/rotate-secret`, { expire_previous_in: 3600 });
    const rotated = await t.http('POST', `/v1/webhooks/${webhook.id}/rotate-secret`, { expire_previous_in: 0 });
    expect(rotated.status).toBe(200);

    await t.http('POST', '/v1/events', pipelineRunEvent());
    const [request] = await receiver.waitForRequests('/retired', 1);
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(1);
    verify(rotated.body.secret, request);
    expect(signatureMatches(webhook.secret, request)).toBe(false);
    expect(signatureMatches(kept.body.secret, request)).toBe(false);
  });

  it('sends form-encoded bodies with JSON fields, signed over the bytes sent', async () => {
    const webhook = await createWebhook('/form', undefined, { content_type: 'application/x-www-form-urlencoded' });
    const registered = await t.http('POST', '/v1/events', pipelineRunEvent());
    const [request] = await receiver.waitForRequests('/form', 1);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(signatureMatches(webhook.secret, request)).toBe(true);
    expect(signatureMatches(webhook.secret, { ...request, body: request.body + '&x=1' })).toBe(false);
    const form = new URLSearchParams(request.body);
    expect(JSON.parse(form.get('delivered_for')!)).toMatchObject({ id: webhook.id });
    expect(JSON.parse(form.get('event')!)).toMatchObject({ id: registered.body.id });
  });

  it('records attempts finishing together in groups: each delivery and each webhook keeps its own outcome', async () => {
    // One batch to a healthy and a failing endpoint: their attempts finish together and are recorded by the
    // same group-commit statements, which must keep every delivery's attempts and each webhook's failure streak apart.
    receiver.on('/group-fail', { status: 500 });
    const project = randomUUID();
    const subscriptions = [{ event_type: 'project:one-off-job:pipeline-run:failed', project_uuid: project }];
    const ok = await createWebhook('/group-ok', subscriptions);
    const failing = await createWebhook('/group-fail', subscriptions);
    const sent = 60;
    const batch = await t.http('POST', '/v1/events/batch', Array.from({ length: sent }, (_, i) => pipelineRunEvent({ project, number: i + 1 })));
    expect(batch.body.summary).toMatchObject({ successful: sent, failed: 0 });

    const settled = async (webhookId: string, status: string) => {
      const rows: { status: string; n: string }[] = await t.db.query(
        `SELECT status, count(*) AS n FROM deliveries WHERE subscriber_id = $1 GROUP BY status`,
        [webhookId],
      );
      return rows.length === 1 && rows[0].status === status && Number(rows[0].n) === sent;
    };
    await waitFor('every healthy delivery delivered', () => settled(ok.id, 'delivered'), 30_000);
    await waitFor('every failing delivery dead-lettered after the whole schedule', () => settled(failing.id, 'failed'), 30_000);

    const attempts = async (webhookId: string) =>
      t.db.query(
        `SELECT d.attempt_count, array_agg(a.number ORDER BY a.number) AS numbers, array_agg(DISTINCT a.response_status) AS statuses
           FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id
          WHERE d.subscriber_id = $1 GROUP BY d.id`,
        [webhookId],
      );
    const okAttempts = await attempts(ok.id);
    expect(okAttempts).toHaveLength(sent);
    for (const row of okAttempts) expect(row).toEqual({ attempt_count: 1, numbers: [1], statuses: [200] });
    const failedAttempts = await attempts(failing.id);
    expect(failedAttempts).toHaveLength(sent);
    for (const row of failedAttempts) expect(row).toEqual({ attempt_count: 4, numbers: [1, 2, 3, 4], statuses: [500] });
    expect(receiver.received('/group-ok')).toHaveLength(sent);
    expect(receiver.received('/group-fail')).toHaveLength(sent * 4);

    // The failure streak: set on the failing webhook since its first failed attempt, never on the healthy one.
    const okView = (await t.http('GET', `/v1/webhooks/${ok.id}`)).body;
    const failingView = (await t.http('GET', `/v1/webhooks/${failing.id}`)).body;
    expect(okView.failing_since).toBeNull();
    const [{ first }] = await t.db.query(
      `SELECT min(a.started_at) AS first FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.subscriber_id = $1`,
      [failing.id],
    );
    expect(new Date(failingView.failing_since).getTime()).toBe(new Date(first).getTime());
  });

  it('deleting a webhook cancels its pending deliveries; cancel works on one delivery', async () => {
    receiver.on('/slowfail', { status: 500 });
    const webhook = await createWebhook('/slowfail');
    await t.http('PATCH', `/v1/webhooks/${webhook.id}`, { enabled: false });
    await t.http('PATCH', `/v1/webhooks/${webhook.id}`, { enabled: true });
    const one = await t.http('POST', '/v1/events', pipelineRunEvent());
    const d = await waitFor('a retry is scheduled', async () => {
      const got = await deliveryOf(webhook.id, one.body.id);
      return got?.status === 'pending' && got.attempt_count >= 1 ? got : undefined;
    });
    const cancelled = await t.http('POST', `/v1/deliveries/${d.id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect((await t.http('POST', `/v1/deliveries/${d.id}/cancel`)).status).toBe(409);

    const two = await t.http('POST', '/v1/events', pipelineRunEvent());
    await waitFor('second delivery attempted', async () => ((await deliveryOf(webhook.id, two.body.id))?.attempt_count ?? 0) >= 1);
    expect((await t.http('DELETE', `/v1/webhooks/${webhook.id}`)).status).toBe(204);
    const after = await waitFor('cancelled', async () => {
      const got = await deliveryOf(webhook.id, two.body.id);
      return got?.status === 'cancelled' ? got : undefined;
    });
    expect(after.status).toBe('cancelled');
    expect((await t.http('GET', `/v1/webhooks/${webhook.id}`)).status).toBe(404);
  });
});

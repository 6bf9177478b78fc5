import { DAY_MS, DAYS_AHEAD, dayPartitionName, listPartitions } from '@tidings/common';
import { FakeWebhookReceiver, waitFor } from '@tidings/testing';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Maintenance } from '../apps/worker/src/maintenance/maintenance';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

describe('maintenance: retention, endpoint health; secrets at rest', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings({
      env: {
        TIDINGS_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        RETENTION_DAYS: '7',
        WEBHOOK_DISABLE_AFTER: '1h',
        WEBHOOK_RETRY_SCHEDULE: '0,1h',
        MAINTENANCE_INTERVAL: '1h',
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
  });

  it('keeps the history partitions DAYS_AHEAD days ahead (retention by whole days: history-retention spec)', async () => {
    const tables = ['events', 'deliveries', 'delivery_attempts'] as const;
    const last = Date.now() + DAYS_AHEAD * DAY_MS;
    for (const table of tables) await t.db.query(`DROP TABLE ${dayPartitionName(table, last)}`);
    await t.worker!.get(Maintenance).runOnce();
    for (const table of tables) expect((await listPartitions(t.db, table)).map((part) => part.name)).toContain(dayPartitionName(table, last));
  });

  it('disables a webhook failing for longer than WEBHOOK_DISABLE_AFTER and records tidings:webhook:disabled', async () => {
    receiver.on('/down', { status: 503 });
    const down = (await t.http('POST', '/v1/webhooks', { name: 'down', url: receiver.url('/down'), subscriptions: [{ event_type: 'project:*' }] })).body;
    const ops = (await t.http('POST', '/v1/webhooks', { name: 'ops', url: receiver.url('/ops'), subscriptions: [{ event_type: 'tidings:webhook:disabled' }] })).body;
    await t.http('POST', '/v1/events', pipelineRunEvent());
    await waitFor('failing', async () => (await t.http('GET', `/v1/webhooks/${down.id}`)).body.failing_since !== null);
    expect((await t.http('GET', `/v1/webhooks/${down.id}`)).body.enabled).toBe(true);
    // Its next retry is an hour away; the sweep disables it once the streak is old enough.
    await t.db.query(`UPDATE subscribers SET failing_since = now() - interval '2 hours' WHERE id = $1`, [down.id]);
    await t.worker!.get(Maintenance).runOnce();
    const after = (await t.http('GET', `/v1/webhooks/${down.id}`)).body;
    expect(after).toMatchObject({ enabled: false });
    expect(after.disabled_reason).toMatch(/Failing continuously since/);
    const [notice] = await receiver.waitForRequests('/ops', 1);
    const payload = new Webhook(ops.secret).verify(notice.body, notice.headers as any) as any;
    expect(payload.event).toMatchObject({ type: 'tidings:webhook:disabled', webhook: { id: down.id, name: 'down' } });
  });

  it('keeps webhook secrets and custom header values encrypted at rest when TIDINGS_ENCRYPTION_KEY is set, and still uses them', async () => {
    const token = `Bearer ${randomBytes(12).toString('hex')}`;
    const created = (
      await t.http('POST', '/v1/webhooks', {
        name: 'sealed',
        url: receiver.url('/sealed'),
        headers: { 'X-Receiver-Token': token },
        subscriptions: [{ event_type: 'project:created' }],
      })
    ).body;
    expect(created.headers).toEqual({ 'X-Receiver-Token': token });
    const rotated = (await t.http('POST', `/v1/webhooks/${created.id}/rotate-secret`, {})).body;
    const [row] = await t.db.query(`SELECT secrets::text AS secrets, headers::text AS headers FROM subscribers WHERE id = $1`, [created.id]);
    for (const secret of [created.secret, rotated.secret]) {
      expect(row.secrets).not.toContain(secret);
      expect(row.secrets).not.toContain(secret.slice('whsec_'.length));
    }
    expect(row.secrets).toContain('enc:v1:');
    expect(row.headers).not.toContain(token.slice('Bearer '.length));
    expect(row.headers).toContain('"X-Receiver-Token": "enc:v1:');
    expect((await t.http('GET', `/v1/webhooks/${created.id}`)).body.headers).toEqual({ 'X-Receiver-Token': token });
    await t.http('POST', '/v1/events', { type: 'project:created', project: { uuid: '0b3c6a4e-4f43-4c35-9a4c-6f2f0a1d1e01' } });
    const [request] = await receiver.waitForRequests('/sealed', 1);
    expect(request.headers['x-receiver-token']).toBe(token);
    new Webhook(created.secret).verify(request.body, request.headers as any);
    new Webhook(rotated.secret).verify(request.body, request.headers as any);
  });
});

import { FakeWebhookReceiver, waitFor } from '@tidings/testing';
import { randomUUID } from 'node:crypto';
import { pipelineRunEvent } from './support/fixtures';
import { metric } from './support/prometheus-text';
import { Harness, startTidings } from './support/tidings-harness';


describe('endpoint statistics: GET /v1/webhooks/:id/stats and per-webhook metrics', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    // One webhook gets its own metrics label; the next counts as "other".
    t = await startTidings({ env: { METRICS_WEBHOOK_LABELS: '1' } });
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
  });

  async function webhookWithDeliveries(path: string, events: number): Promise<string> {
    const project = randomUUID();
    const hook = await t.http('POST', '/v1/webhooks', {
      name: path,
      url: receiver.url(path),
      subscriptions: [{ event_type: 'project:*', project_uuid: project }],
    });
    await t.http('POST', '/v1/events/batch', Array.from({ length: events }, () => pipelineRunEvent({ project })));
    await waitFor(`${path}: every delivery settled`, async () => {
      const [row] = await t.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE subscriber_id = $1 AND status IN ('delivered', 'failed')`, [
        hook.body.id,
      ]);
      return row.n === events;
    }, 30_000);
    return hook.body.id;
  }

  it('answers what the attempt history holds, from the rollup, in the DESIGN §7 shape', async () => {
    // Some attempts fail (500, retried), at various latencies.
    receiver.on('/flaky', { delayMs: 30, flaky: { ratio: 0.3, status: 500, maxPerId: 2 } });
    const id = await webhookWithDeliveries('/flaky', 12);
    // The truth, counted the expensive way: every attempt row of the webhook.
    const [truth] = await t.db.query(
      `SELECT count(*)::int AS attempts, count(*) FILTER (WHERE a.response_status BETWEEN 200 AND 299)::int AS succeeded,
              min(a.duration_ms) AS min_ms, max(a.duration_ms) AS max_ms,
              max(a.started_at) FILTER (WHERE a.response_status BETWEEN 200 AND 299) AS last_success_at,
              max(a.started_at) FILTER (WHERE a.response_status >= 300) AS last_failure_at
         FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.subscriber_id = $1`,
      [id],
    );
    expect(truth.attempts).toBeGreaterThan(truth.succeeded);

    const stats = await t.http('GET', `/v1/webhooks/${id}/stats?window=1h`);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      window: '1h',
      attempts: truth.attempts,
      succeeded: truth.succeeded,
      failed: truth.attempts - truth.succeeded,
      success_rate: truth.succeeded / truth.attempts,
      pending: 0,
      last_success_at: truth.last_success_at.toISOString(),
      last_failure_at: truth.last_failure_at.toISOString(),
      step_s: 60,
    });
    const { p50, p95, p99 } = stats.body.latency_ms;
    expect(p50).toBeGreaterThanOrEqual(Math.min(truth.min_ms, 25));
    expect(p50).toBeLessThanOrEqual(p95);
    expect(p95).toBeLessThanOrEqual(p99);
    expect(p99).toBeLessThanOrEqual(truth.max_ms);
    // The points add up to the totals.
    const sum = (key: string) => stats.body.series.reduce((n: number, p: any) => n + p[key], 0);
    expect([sum('attempts'), sum('succeeded'), sum('failed')]).toEqual([truth.attempts, truth.succeeded, truth.attempts - truth.succeeded]);
    for (const point of stats.body.series) expect(point.max_latency_ms).toBeLessThanOrEqual(truth.max_ms);

    // 24h is the default; the longer windows hold the same attempts.
    for (const window of ['24h', '7d', undefined]) {
      const longer = await t.http('GET', `/v1/webhooks/${id}/stats${window ? `?window=${window}` : ''}`);
      expect(longer.body).toMatchObject({ window: window ?? '24h', attempts: truth.attempts, succeeded: truth.succeeded });
    }
  });

  it('refuses a window it does not know (400) and a webhook that does not exist (404)', async () => {
    const id = (await t.http('POST', '/v1/webhooks', { name: 'idle', url: receiver.url('/idle'), subscriptions: [{ event_type: 'ping' }] })).body.id;
    expect((await t.http('GET', `/v1/webhooks/${id}/stats?window=2h`)).status).toBe(400);
    expect((await t.http('GET', `/v1/webhooks/${randomUUID()}/stats`)).status).toBe(404);
    const idle = await t.http('GET', `/v1/webhooks/${id}/stats`);
    expect(idle.body).toEqual({
      window: '24h',
      attempts: 0,
      succeeded: 0,
      failed: 0,
      success_rate: null,
      latency_ms: { p50: null, p95: null, p99: null },
      pending: 0,
      last_success_at: null,
      last_failure_at: null,
      step_s: 1800,
      series: [],
    });
  });

  it('Prometheus: attempts per webhook, the webhooks past METRICS_WEBHOOK_LABELS counted as "other"', async () => {
    
    const second = await webhookWithDeliveries('/second', 3);
    const other = await webhookWithDeliveries('/other', 4);
    const port = (t.worker!.getHttpServer().address() as { port: number }).port;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    // The first test's webhook took the one label; these two are counted together.
    expect(text).not.toContain(second);
    expect(text).not.toContain(other);
    expect(metric(text, 'tidings_webhook_attempts_total', { webhook_id: 'other', result: 'success' })).toBeGreaterThanOrEqual(7);
    expect(metric(text, 'tidings_webhook_attempt_duration_seconds_count', { webhook_id: 'other' })).toBeGreaterThanOrEqual(7);
    const labels = new Set([...text.matchAll(/^tidings_webhook_attempts_total\{[^}]*webhook_id="([^"]+)"/gm)].map((m) => m[1]));
    expect(labels.size).toBe(2);
  });
});

import { FakeWebhookReceiver, waitFor } from '@tidings/testing';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { v7 as uuidv7 } from 'uuid';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

const TIMEOUT_MS = 1000;

describe('receiver faults: each recorded as an attempt with its error, retried per schedule', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;
  let odd: Server;
  let oddUrl: string;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    // A receiver that misbehaves in ways the fake one does not: bodies that trickle or never end.
    odd = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        if (req.url === '/never-ends') {
          res.write('partial');
          return;
        }
        // /slow-body: one byte every 300 ms, ten bytes: longer than the timeout.
        let sent = 0;
        const timer = setInterval(() => {
          if (res.destroyed || ++sent > 10) {
            clearInterval(timer);
            res.end();
            return;
          }
          res.write('.');
        }, 300);
      });
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    oddUrl = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
    t = await startTidings({
      env: { WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS), WEBHOOK_RETRY_SCHEDULE: '0,500ms,500ms', WORKER_CONCURRENCY: '4', DELIVERY_CLAIM_LEASE: '5s' },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
    odd?.closeAllConnections();
    await new Promise((resolve) => odd?.close(resolve));
  });

  /** Registers one event for a fresh webhook at `url` and waits until its delivery is failed or delivered. */
  async function deliverTo(url: string, name: string) {
    const hook = await t.http('POST', '/v1/webhooks', { name, url, subscriptions: [{ event_type: 'project:one-off-job:*' }] });
    expect(hook.status).toBe(201);
    const event = await t.http('POST', '/v1/events', pipelineRunEvent());
    const delivery = await waitFor(
      `${name} settles`,
      async () => {
        const [d] = (await t.http('GET', `/v1/deliveries?webhook_id=${hook.body.id}&event_id=${event.body.id}`)).body.data;
        return d && ['failed', 'delivered'].includes(d.status) ? d : undefined;
      },
      20_000,
    );
    const detail = (await t.http('GET', `/v1/deliveries/${delivery.id}`)).body;
    const errors = [...new Set(detail.attempts.map((a: any) => a.error ?? `HTTP ${a.response_status}`))];
    process.stderr.write(`FAULT receiver ${name}: attempts ${detail.attempts.length} / status ${detail.status} / errors ${JSON.stringify(errors)}\n`);
    return detail;
  }

  it('timeout: a receiver that never answers', async () => {
    receiver.on('/hang', { hang: true });
    const d = await deliverTo(receiver.url('/hang'), 'timeout');
    expect(d.status).toBe('failed');
    expect(d.attempts).toHaveLength(3);
    for (const a of d.attempts) {
      expect(a.error).toMatch(/^timeout/);
      expect(a.response_status).toBeNull();
      expect(a.duration_ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(a.duration_ms).toBeLessThan(TIMEOUT_MS + 1500);
    }
  });

  it('connection refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const d = await deliverTo(`http://127.0.0.1:${port}/x`, 'refused');
    expect(d.status).toBe('failed');
    expect(d.attempts).toHaveLength(3);
    for (const a of d.attempts) expect(a.error).toMatch(/ECONNREFUSED/);
  });

  it('500: status and the start of the body recorded, retried on schedule (about 500 ms apart, ±20 %)', async () => {
    receiver.on('/500', { status: 500, body: 'x'.repeat(10_000) });
    const d = await deliverTo(receiver.url('/500'), 'http-500');
    expect(d.attempts.map((a: any) => a.response_status)).toEqual([500, 500, 500]);
    expect(d.attempts[0].response_body).toHaveLength(4096);
    const starts = d.attempts.map((a: any) => Date.parse(a.started_at));
    for (let i = 1; i < starts.length; i++) {
      expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(380);
      expect(starts[i] - starts[i - 1]).toBeLessThan(3000);
    }
  });

  it('429 with Retry-After: the next attempt waits for it (clamped to twice the step)', async () => {
    receiver.on('/429', { status: 429, headers: { 'retry-after': '30' } });
    const d = await deliverTo(receiver.url('/429'), 'retry-after');
    expect(d.attempts.map((a: any) => a.response_status)).toEqual([429, 429, 429]);
    expect(d.attempts[0].response_headers['retry-after']).toBe('30');
    const starts = d.attempts.map((a: any) => Date.parse(a.started_at));
    // Retry-After 30 s is clamped to 2 × 500 ms: at least the clamp, well under the 30 s asked for.
    for (let i = 1; i < starts.length; i++) {
      expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(950);
      expect(starts[i] - starts[i - 1]).toBeLessThan(5000);
    }
  });

  it('a body that trickles past the timeout, and a response that never ends: failures that keep their status', async () => {
    for (const path of ['/slow-body', '/never-ends']) {
      const d = await deliverTo(oddUrl + path, path.slice(1));
      expect(d.status).toBe('failed');
      expect(d.attempts).toHaveLength(3);
      for (const a of d.attempts) {
        expect(a.response_status).toBe(200);
        expect(a.error).toMatch(/^timeout/);
      }
    }
  });

  it('redirects are not followed', async () => {
    receiver.on('/moved', { status: 302, headers: { location: receiver.url('/target') } });
    const d = await deliverTo(receiver.url('/moved'), 'redirect');
    expect(d.status).toBe('failed');
    expect(d.attempts.every((a: any) => a.response_status === 302)).toBe(true);
    expect(receiver.received('/target')).toHaveLength(0);
  });

  it('an address outside WEBHOOK_ALLOWED_CIDRS is refused at delivery time, before connecting', async () => {
    // Created behind the api's back (the api refuses such URLs up front): the worker must refuse it too.
    for (const [url, name] of [
      ['http://10.255.255.1/x', 'private'],
      ['http://169.254.169.254/latest/meta-data', 'metadata'],
      ['http://[::ffff:10.0.0.1]/x', 'mapped'],
    ]) {
      const id = uuidv7();
      await t.db.query(
        `INSERT INTO subscribers (id, kind, name, url, secrets) VALUES ($1, 'webhook', $2, $3, $4)`,
        [id, name, url, JSON.stringify([{ value: `whsec_${Buffer.alloc(32, 1).toString('base64')}`, created_at: new Date().toISOString(), expires_at: null }])],
      );
      await t.db.query(`INSERT INTO subscriptions (id, subscriber_id, event_type) VALUES ($1, $2, 'project:cron-job:*')`, [uuidv7(), id]);
      const event = await t.http('POST', '/v1/events', { type: 'project:cron-job:failed', project: { uuid: uuidv7() }, job: { uuid: uuidv7() } });
      const d = await waitFor(`${name} refused`, async () => {
        const [row] = (await t.http('GET', `/v1/deliveries?webhook_id=${id}&event_id=${event.body.id}`)).body.data;
        return row?.status === 'failed' ? row : undefined;
      });
      const detail = (await t.http('GET', `/v1/deliveries/${d.id}`)).body;
      for (const a of detail.attempts) {
        expect(a.error).toMatch(/^refused:/);
        expect(a.duration_ms).toBeLessThan(500);
      }
    }
  });

  it('one hanging endpoint does not delay a healthy one by more than its timeout', async () => {
    receiver.on('/stuck', { hang: true });
    const stuck = await t.http('POST', '/v1/webhooks', { name: 'stuck', url: receiver.url('/stuck'), subscriptions: [{ event_type: 'project:environment:*' }] });
    const healthy = await t.http('POST', '/v1/webhooks', { name: 'healthy', url: receiver.url('/healthy'), subscriptions: [{ event_type: 'project:pipeline:*' }] });
    expect([stuck.status, healthy.status]).toEqual([201, 201]);
    // Twelve deliveries to the stuck endpoint: three times the worker's concurrency.
    await t.http('POST', '/v1/events/batch', Array.from({ length: 12 }, () => ({ type: 'project:environment:created', project: { uuid: uuidv7() }, environment: { uuid: uuidv7() } })));
    await receiver.waitForRequests('/stuck', 1);
    const sentAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      sentAt.push(Date.now());
      expect((await t.http('POST', '/v1/events', { type: 'project:pipeline:created', project: { uuid: uuidv7() }, pipeline: { uuid: uuidv7() } })).status).toBe(201);
    }
    const got = await receiver.waitForRequests('/healthy', 5, 10_000);
    const delays = got.map((r, i) => r.receivedAt - sentAt[i]);
    process.stderr.write(`FAULT receiver one-hanging-endpoint: healthy delays ms ${JSON.stringify(delays)} (timeout ${TIMEOUT_MS})\n`);
    for (const delay of delays) expect(delay).toBeLessThan(TIMEOUT_MS);
    await t.http('DELETE', `/v1/webhooks/${stuck.body.id}`);
  });
});

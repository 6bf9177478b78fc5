import { FakeWebhookReceiver, waitFor } from '@tidings/testing';
import { Webhook } from 'standardwebhooks';
import { pipelineRunEvent } from '../support/fixtures';
import { PrivateRedis } from '../support/fault-rig';
import { Harness, startTidings } from '../support/tidings-harness';

/*
 * REDIS_URL in its Sentinel form: the engine asks a Redis Sentinel of our
 * own for the primary and delivers through it; the queue's keys land on that
 * primary, not on the machine's shared Redis.
 */
describe('Redis through Sentinel (redis+sentinel://)', () => {
  let primary: PrivateRedis;
  let sentinel: PrivateRedis;
  let receiver: FakeWebhookReceiver;
  let t: Harness;

  beforeAll(async () => {
    primary = await PrivateRedis.start();
    sentinel = await PrivateRedis.startSentinel(primary, 'tidings-primary');
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings({ env: { REDIS_URL: `redis+sentinel://127.0.0.1:${sentinel.port}/tidings-primary` } });
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
    await sentinel?.destroy();
    await primary?.destroy();
  });

  it('finds the primary through the Sentinel and delivers', async () => {
    const webhook = (
      await t.http('POST', '/v1/webhooks', { name: 'sentinel', url: receiver.url('/sentinel'), subscriptions: [{ event_type: '*' }] })
    ).body;
    expect((await t.http('POST', '/v1/events', pipelineRunEvent())).status).toBe(201);
    const [request] = await receiver.waitForRequests('/sentinel', 1, 30_000);
    expect(new Webhook(webhook.secret).verify(request.body, request.headers as Record<string, string>)).toMatchObject({
      delivered_for: { id: webhook.id },
    });
    // The queue lives on the primary the Sentinel named.
    const keys = await waitFor('queue keys on the primary', async () => {
      const found = await primary.command((client) => client.keys(`${t.config.queuePrefix}:*`));
      return found.length ? found : undefined;
    });
    expect(keys.length).toBeGreaterThan(0);
  });
});

import { existsSync } from 'node:fs';
import { processExists, waitFor } from '@tidings/testing';
import { Webhook } from 'standardwebhooks';
import { pipelineRunEvent } from '../support/fixtures';
import { FaultRig, PrivateRedis } from '../support/fault-rig';

/*
 * REDIS_URL in its Cluster form: api and worker reach a Redis Cluster of our
 * own (one node holding every slot) through an ioredis Cluster client. The
 * queue's keys carry the `{QUEUE_PREFIX}` hash tag, so that each BullMQ
 * script touches one slot; a SIGTERM of the worker finishes its attempts in
 * flight and closes the shared Cluster client only after BullMQ is done with
 * it: a clean exit within the grace, no error logged.
 */
const PATH = '/cluster';
const RECEIVER_DELAY_MS = 1500;
const GRACE_MS = 8000;
const CONCURRENCY = 2;
const EVENTS = 6;

describe('Redis Cluster (redis+cluster://)', () => {
  let cluster: PrivateRedis;
  let rig: FaultRig;
  let passed = false;

  beforeAll(async () => {
    cluster = await PrivateRedis.startCluster();
    rig = await FaultRig.start({
      env: {
        REDIS_URL: `redis+cluster://127.0.0.1:${cluster.port}`,
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'log',
        WEBHOOK_TIMEOUT_MS: '5000',
        DELIVERY_CLAIM_LEASE: '20s',
        SHUTDOWN_GRACE: `${GRACE_MS}ms`,
        // Fewer attempt slots than events: at the SIGTERM a job still holds deliveries waiting for a slot,
        // so BullMQ has a job to settle in Redis while it closes.
        WORKER_CONCURRENCY: String(CONCURRENCY),
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (!passed) rig?.dump('redis-cluster did not pass');
    await rig?.stop();
    const dir = cluster?.dir;
    await cluster?.destroy();
    // Nothing left behind: the node's files and process are gone.
    if (dir) expect(existsSync(dir)).toBe(false);
    if (cluster) expect(cluster.isRunning).toBe(false);
  }, 60_000);

  it('delivers through the Cluster, keeps the queue in one hash slot, and shuts the worker down cleanly', async () => {
    // The state log names the cluster; both processes are ready with it (the worker's readiness needs Redis).
    await waitFor('the worker to say the Cluster is reachable', () =>
      new RegExp(`Redis at Cluster 127\\.0\\.0\\.1:${cluster.port} is reachable`).test(rig.worker!.output()),
    );
    for (const port of [rig.env.PORT, rig.env.WORKER_PORT]) {
      expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
    }

    const receiver = rig.receiver!;
    receiver.on(PATH, { status: 200, delayMs: RECEIVER_DELAY_MS });
    const webhook = (
      await rig.http('POST', '/v1/webhooks', { name: 'cluster', url: receiver.url(PATH), subscriptions: [{ event_type: '*' }] })
    ).body;
    for (let i = 0; i < EVENTS; i++) expect((await rig.http('POST', '/v1/events', pipelineRunEvent())).status).toBe(201);

    // Attempts are in flight (the receiver holds each), and the queue's keys on the node carry the hash tag.
    const inFlight = await receiver.waitForRequests(PATH, CONCURRENCY, 30_000);
    for (const request of inFlight) {
      expect(new Webhook(webhook.secret).verify(request.body, request.headers as Record<string, string>)).toMatchObject({
        delivered_for: { id: webhook.id },
      });
    }
    const prefix = rig.env.QUEUE_PREFIX;
    const keys = await cluster.command((client) => client.keys('*'));
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.startsWith(`{${prefix}}:`))).toBe(true);
    const slots = await cluster.command((client) => Promise.all(keys.map((key) => client.cluster('KEYSLOT', key))));
    expect(new Set(slots).size).toBe(1);

    const pid = rig.worker!.pid!;
    const termAt = Date.now();
    rig.worker!.kill('SIGTERM');
    const exit = await rig.worker!.waitExit(20_000);
    // A clean exit: 0, or the SIGTERM Nest raises again once closed; not SHUTDOWN_GRACE's forced exit 1.
    expect(String(exit.code ?? exit.signal)).toMatch(/^(0|SIGTERM)$/);
    expect(exit.at - termAt).toBeLessThan(GRACE_MS);
    expect(processExists(pid)).toBe(false);

    // The attempts in flight finished and were recorded before the exit; the rest wait (in Postgres, or as jobs for the next worker).
    const started = receiver.received(PATH).map((request) => String(request.headers['webhook-id']));
    const rows = await rig.query<{ id: string; status: string }>(`SELECT id, status FROM deliveries WHERE subscriber_id = $1`, [
      webhook.id,
    ]);
    expect(rows).toHaveLength(EVENTS);
    for (const row of rows) {
      expect(row).toMatchObject(started.includes(row.id) ? { status: 'delivered' } : { status: 'pending' });
    }
    // No error-level line (pino 50/60) and no closed-connection error on any stream.
    const output = rig.worker!.output();
    expect(output.split('\n').filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
    expect(output).not.toMatch(/Connection is closed|ClusterAllFailedError|unhandled/i);
    passed = true;
  });
});

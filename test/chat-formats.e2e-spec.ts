import { FakeWebhookReceiver } from '@tidings/testing';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

describe('chat formats: Slack, Discord and Teams messages with Standard Webhooks headers', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings({ env: { PUBLIC_URL: 'https://tidings.example.com' } });
    for (const format of ['slack', 'discord', 'teams']) {
      const res = await t.http('POST', '/v1/webhooks', {
        name: format,
        url: receiver.url(`/${format}`),
        format,
        subscriptions: [{ event_type: 'project:one-off-job:pipeline-run:failed' }, { event_type: 'lineage:run:fail' }, { event_type: 'observability:run:failed' }],
      });
      expect(res.status).toBe(201);
      secrets[format] = res.body.secret;
    }
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
  });

  /** The last message a format's endpoint got for an event type, after checking its signature. */
  async function lastMessage(format: string, eventType: string, count: number): Promise<any> {
    const requests = await receiver.waitForRequests(`/${format}`, count);
    const request = requests.filter((r) => r.headers['x-tidings-event-type'] === eventType).at(-1)!;
    return new Webhook(secrets[format]).verify(request.body, request.headers as any);
  }

  it('a failed pipeline run reads as one line in each platform shape, with a link', async () => {
    const event = await t.http('POST', '/v1/events', pipelineRunEvent());
    const line = 'Pipeline run #12 of job "nightly" failed in project "demo"';

    const slack = await lastMessage('slack', 'project:one-off-job:pipeline-run:failed', 1);
    expect(slack.text).toBe(line);
    expect(slack.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: line } });
    expect(slack.blocks.at(-1).elements[0].url).toBe(`https://tidings.example.com/admin#event=${event.body.id}`);

    const discord = await lastMessage('discord', 'project:one-off-job:pipeline-run:failed', 1);
    expect(discord).toMatchObject({ content: line, allowed_mentions: { parse: [] }, embeds: [{ title: 'project:one-off-job:pipeline-run:failed' }] });

    const teams = await lastMessage('teams', 'project:one-off-job:pipeline-run:failed', 1);
    expect(teams).toMatchObject({ '@type': 'MessageCard', title: line });
    expect(teams.potentialAction[0].targets[0].uri).toContain(event.body.id);
  });

  it('Discord content stays within 2000 characters whatever the names', async () => {
    const body = pipelineRunEvent();
    body.job.name = 'x'.repeat(1000);
    body.project.name = 'y'.repeat(1000);
    await t.http('POST', '/v1/events', body);
    const discord = await lastMessage('discord', 'project:one-off-job:pipeline-run:failed', 2);
    expect(discord.content.length).toBeLessThanOrEqual(2000);
  });

  it('a failed Spark job reads with its error message', async () => {
    const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'openlineage', 'spark-run-fail.json'), 'utf8'));
    fixture.run.runId = randomUUID();
    expect((await t.http('POST', '/api/v1/lineage', fixture)).status).toBe(201);
    const slack = await lastMessage('slack', 'lineage:run:fail', 3);
    expect(slack.text).toMatch(/^Spark job "[^"]+" failed: org\.apache\.spark\.sql\.AnalysisException: Table or view not found: orders_staging/);
  });

  it('a failed observed run reads with how many of its tests failed', async () => {
    const base = { pipeline_key: 'SFTP_to_Tableau', run_key: `airflow-${Date.now()}` };
    await t.http('POST', '/events/v1/run-status', { ...base, status: 'RUNNING' });
    await t.http('POST', '/events/v1/test-outcomes', {
      ...base,
      task_key: 'tableau_refresh',
      test_outcomes: [
        { name: 'row_count', status: 'FAILED' },
        { name: 'freshness', status: 'FAILED' },
        { name: 'schema', status: 'PASSED' },
      ],
    });
    expect((await t.http('POST', '/events/v1/run-status', { ...base, status: 'FAILED' })).status).toBe(204);
    const slack = await lastMessage('slack', 'observability:run:failed', 4);
    expect(slack.text).toBe(`Run ${base.run_key} of SFTP_to_Tableau FAILED (2 tests failed)`);
  });

  it('a test ping uses the webhook format; chat formats refuse form encoding', async () => {
    const slack = (await t.http('GET', '/v1/webhooks?limit=200')).body.data.find((w: any) => w.name === 'slack');
    expect((await t.http('POST', `/v1/webhooks/${slack.id}/test`)).body).toMatchObject({ ok: true });
    const ping = (await receiver.waitForRequests('/slack', 5)).at(-1)!;
    expect(JSON.parse(ping.body)).toMatchObject({ text: 'Test delivery from Tidings' });

    const refused = await t.http('POST', '/v1/webhooks', {
      name: 'bad',
      url: receiver.url('/bad'),
      format: 'slack',
      content_type: 'application/x-www-form-urlencoded',
      subscriptions: [],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.details[0].field).toBe('content_type');
  });
});

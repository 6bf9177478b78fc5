import { FakeWebhookReceiver, ReceivedRequest, waitFor } from '@tidings/testing';
import { signWebhook } from '@tidings/webhooks';
import { randomUUID } from 'node:crypto';
import { Browser, Page } from 'playwright-core';
import { launchChromium, openAdmin, screenshot } from './support/admin-browser';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

/** The signatures a request carries (several while a rotated-out secret still signs). */
const signatures = (r: ReceivedRequest) => String(r.headers['webhook-signature']).split(' ');
const signedWith = (r: ReceivedRequest, secret: string) =>
  signatures(r).includes(signWebhook(String(r.headers['webhook-id']), Number(r.headers['webhook-timestamp']), r.body, [secret]));

describe('admin page: managing webhooks in a real headless browser', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await receiver?.stop();
  });

  /** The editor's subscription rows, in order. */
  const subscription = (page: Page, n: number) => page.locator('#subscription-rows [data-subscription]').nth(n);

  it('creates a webhook with a subscription from the catalogue, a scope filter and a header; its secret is shown once and signs its deliveries', async () => {
    const project = randomUUID();
    const page = await openAdmin(browser, t);
    await page.click('#tabs button[data-tab=webhooks]');
    await page.click('#webhook-new');
    await page.fill('#webhook-form input[name=name]', 'crm-sync');
    await page.fill('#webhook-form input[name=url]', receiver.url('/crm'));

    // The picker offers the catalogue's types and prefix patterns; it shows only the filters the chosen types carry.
    const sub = subscription(page, 0);
    const picker = sub.locator('select[name=event_type]');
    expect(await picker.locator('option[value="project:one-off-job:pipeline-run:failed"]').count()).toBe(1);
    expect(await picker.locator('option[value="project:one-off-job:*"]').count()).toBe(1);
    expect(await picker.locator('option[value^="client:"]').count()).toBe(0);
    await picker.selectOption('observability:run:failed');
    expect(await sub.locator('[data-filter=pipeline_key]').isVisible()).toBe(true);
    expect(await sub.locator('[data-filter=project_uuid]').isVisible()).toBe(false);
    await picker.selectOption('project:one-off-job:*');
    expect(await sub.locator('[data-filter=project_uuid]').isVisible()).toBe(true);
    expect(await sub.locator('[data-filter=pipeline_key]').isVisible()).toBe(false);
    await sub.locator('input[name=project_uuid]').fill(project);

    await page.click('#header-add');
    await page.fill('#header-rows input[name=header_name]', 'X-Team');
    await page.fill('#header-rows input[name=header_value]', 'data');
    await screenshot(page, 'admin-webhook-editor');
    await page.click('#webhook-form button[type=submit]');

    const secret = (await page.locator('#webhook-secret .secret-value').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await page.locator('#webhook-rows tr', { hasText: 'crm-sync' }).waitFor();
    expect(await page.locator('#webhook-form').isHidden()).toBe(true);
    const [created] = (await t.http('GET', '/v1/webhooks')).body.data;
    expect(created).toMatchObject({
      name: 'crm-sync',
      url: receiver.url('/crm'),
      format: 'standard',
      headers: { 'x-team': 'data' },
      subscriptions: [{ event_type: 'project:one-off-job:*', project_uuid: project, job_uuid: null, pipeline_key: null }],
    });

    // The scope filter holds, and the secret shown is the one that signs.
    await t.http('POST', '/v1/events', pipelineRunEvent());
    await t.http('POST', '/v1/events', pipelineRunEvent({ project }));
    const [request] = await receiver.waitForRequests('/crm', 1);
    expect(request.headers['x-team']).toBe('data');
    expect(signedWith(request, secret)).toBe(true);
    expect(JSON.parse(request.body).event.project.uuid).toBe(project);

    // Shown once: gone when dismissed, and nowhere after a reload.
    await page.locator('#webhook-secret').getByRole('button', { name: 'Done' }).click();
    expect(await page.locator('#webhook-secret').isHidden()).toBe(true);
    await page.reload();
    await page.click('#tabs button[data-tab=webhooks]');
    await page.locator('#webhook-rows tr', { hasText: 'crm-sync' }).waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(receiver.received('/crm')).toHaveLength(1);
    await page.close();
  });

  it('edits a webhook opened by its link (#webhook=): name, format, ordered delivery, subscriptions and headers', async () => {
    const webhook = (
      await t.http('POST', '/v1/webhooks', {
        name: 'ops',
        url: receiver.url('/ops'),
        headers: { 'x-team': 'data', 'x-env': 'prod' },
        subscriptions: [{ event_type: 'project:created' }],
      })
    ).body;
    const page = await openAdmin(browser, t, { hash: `#webhook=${webhook.id}` });
    await page.locator('#webhook-form-title', { hasText: 'Edit ops' }).waitFor();
    expect(await page.inputValue('#webhook-form input[name=url]')).toBe(receiver.url('/ops'));
    expect(await subscription(page, 0).locator('select[name=event_type]').inputValue()).toBe('project:created');
    expect(await page.locator('#header-rows [data-header]').count()).toBe(2);
    expect(await page.isChecked('#webhook-form input[name=ordered]')).toBe(false);

    await page.fill('#webhook-form input[name=name]', 'ops-chat');
    await page.check('#webhook-form input[name=ordered]');
    await page.selectOption('#webhook-form select[name=format]', 'slack');
    // Chat formats go as JSON only, so the content type follows.
    expect(await page.locator('#webhook-form select[name=content_type]').isDisabled()).toBe(true);
    await page.click('#subscription-add');
    await subscription(page, 1).locator('select[name=event_type]').selectOption('tidings:*');
    await subscription(page, 0).getByRole('button', { name: 'Remove' }).click();
    await page
      .locator('#header-rows [data-header]', { has: page.locator('input[value="x-env"]') })
      .getByRole('button', { name: 'Remove' })
      .click();
    await page.click('#webhook-form button[type=submit]');
    await page.locator('#webhook-message', { hasText: 'ops-chat saved' }).waitFor();

    expect((await t.http('GET', `/v1/webhooks/${webhook.id}`)).body).toMatchObject({
      name: 'ops-chat',
      format: 'slack',
      content_type: 'application/json',
      ordered: true,
      headers: { 'x-team': 'data' },
      subscriptions: [{ event_type: 'tidings:*' }],
    });
    // Opened again, the editor shows the saved setting.
    const again = await openAdmin(browser, t, { hash: `#webhook=${webhook.id}` });
    await again.locator('#webhook-form-title', { hasText: 'Edit ops-chat' }).waitFor();
    expect(await again.isChecked('#webhook-form input[name=ordered]')).toBe(true);
    await again.close();
    expect(Object.keys((await t.http('GET', `/v1/webhooks/${webhook.id}`)).body.headers)).toEqual(['x-team']);
    await page.close();
  });

  it("shows the API's reasons when a webhook is refused, and saves nothing", async () => {
    const before = (await t.http('GET', '/v1/webhooks')).body.data.length;
    const page = await openAdmin(browser, t);
    await page.click('#tabs button[data-tab=webhooks]');
    await page.click('#webhook-new');
    await page.fill('#webhook-form input[name=name]', 'bad');
    await page.fill('#webhook-form input[name=url]', 'ftp://example.com/hook');
    await page.click('#webhook-form button[type=submit]');
    await page.locator('#webhook-form-errors', { hasText: 'Subscription 1: choose an event type' }).waitFor();

    await subscription(page, 0).locator('select[name=event_type]').selectOption('project:created');
    await page.click('#webhook-form button[type=submit]');
    await page.locator('#webhook-form-errors', { hasText: 'url must use http or https' }).waitFor();

    // A filter the chosen type cannot match: the field stays visible with its value, and the API's detail names it.
    await page.fill('#webhook-form input[name=url]', receiver.url('/bad'));
    await subscription(page, 0).locator('select[name=event_type]').selectOption('project:one-off-job:created');
    await subscription(page, 0).locator('input[name=job_uuid]').fill(randomUUID());
    await subscription(page, 0).locator('select[name=event_type]').selectOption('project:created');
    expect(await subscription(page, 0).locator('[data-filter=job_uuid]').isVisible()).toBe(true);
    await page.click('#webhook-form button[type=submit]');
    await page.locator('#webhook-form-errors', { hasText: 'subscriptions[0].job_uuid' }).waitFor();
    expect((await t.http('GET', '/v1/webhooks')).body.data).toHaveLength(before);
    await page.close();
  });

  it('asks before rotating a secret, disabling and deleting; cancelling changes nothing', async () => {
    const webhook = (await t.http('POST', '/v1/webhooks', { name: 'billing', url: receiver.url('/billing'), subscriptions: [] })).body;
    const page = await openAdmin(browser, t);
    await page.click('#tabs button[data-tab=webhooks]');
    const row = page.locator(`#webhook-rows tr[data-webhook-id="${webhook.id}"]`);
    const dialog = page.locator('#confirm');
    const pings = async () => {
      const count = receiver.received('/billing').length;
      expect((await t.http('POST', `/v1/webhooks/${webhook.id}/test`)).body.ok).toBe(true);
      return (await receiver.waitForRequests('/billing', count + 1)).at(-1)!;
    };

    // Rotate: cancelled, the one secret still signs alone; confirmed, the new secret is shown once and signs beside the old one.
    await row.getByRole('button', { name: 'Rotate secret' }).click();
    await dialog.locator('#confirm-message', { hasText: 'Rotate the signing secret of billing' }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.isVisible()).toBe(false);
    let ping = await pings();
    expect(signatures(ping)).toHaveLength(1);
    expect(signedWith(ping, webhook.secret)).toBe(true);

    await row.getByRole('button', { name: 'Rotate secret' }).click();
    await dialog.getByRole('button', { name: 'Rotate' }).click();
    const rotated = (await page.locator('#webhook-secret .secret-value').textContent())!;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(webhook.secret);
    ping = await pings();
    expect(signatures(ping)).toHaveLength(2);
    expect(signedWith(ping, rotated)).toBe(true);
    expect(signedWith(ping, webhook.secret)).toBe(true);

    // Disable: asked first; enabling again is not.
    await row.getByRole('button', { name: 'Disable' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await t.http('GET', `/v1/webhooks/${webhook.id}`)).body.enabled).toBe(true);
    await row.getByRole('button', { name: 'Disable' }).click();
    await dialog.getByRole('button', { name: 'Disable' }).click();
    await row.locator('.badge', { hasText: 'disabled' }).waitFor();
    expect((await t.http('GET', `/v1/webhooks/${webhook.id}`)).body).toMatchObject({
      enabled: false,
      disabled_reason: expect.stringMatching(/^disabled by an admin \(API key [0-9a-f-]{36}\)$/),
    });
    await row.getByRole('button', { name: 'Enable' }).click();
    await row.locator('.badge', { hasText: 'enabled' }).waitFor();
    expect(await dialog.isVisible()).toBe(false);

    // Delete, from the editor: Escape cancels like the button does.
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.locator('#webhook-form-title', { hasText: 'Edit billing' }).waitFor();
    expect(page.url()).toContain(`#webhook=${webhook.id}`);
    await page.click('#webhook-delete');
    await dialog.locator('#confirm-message', { hasText: 'Delete billing?' }).waitFor();
    await screenshot(page, 'admin-confirm');
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(false);
    expect((await t.http('GET', `/v1/webhooks/${webhook.id}`)).status).toBe(200);
    await page.click('#webhook-delete');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.locator('#webhook-message', { hasText: 'billing deleted' }).waitFor();
    await waitFor('the row to go', async () => ((await row.count()) === 0 ? true : undefined));
    expect((await t.http('GET', `/v1/webhooks/${webhook.id}`)).status).toBe(404);
    expect(await page.locator('#webhook-form').isHidden()).toBe(true);
    expect(page.url()).not.toContain('#webhook=');
    await page.close();
  });

  it('shows an endpoint health panel drawn from the real statistics, and edits the rate limit', async () => {
    receiver.on('/health', { delayMs: 20, flaky: { ratio: 0.25, status: 500, maxPerId: 1 } });
    const project = randomUUID();
    const hook = await t.http('POST', '/v1/webhooks', {
      name: 'warehouse-sync',
      url: receiver.url('/health'),
      subscriptions: [{ event_type: 'project:*', project_uuid: project }],
    });
    const sent = 16;
    await t.http('POST', '/v1/events/batch', Array.from({ length: sent }, () => pipelineRunEvent({ project })));
    await waitFor('every delivery delivered', async () => {
      const [row] = await t.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE subscriber_id = $1 AND status = 'delivered'`, [hook.body.id]);
      return row.n === sent;
    }, 30_000);
    const stats = (await t.http('GET', `/v1/webhooks/${hook.body.id}/stats?window=1h`)).body;
    expect(stats.failed).toBeGreaterThan(0);

    const page = await openAdmin(browser, t, { hash: `#webhook=${hook.body.id}` });
    const panel = page.locator('#webhook-health');
    await panel.locator('svg[data-points]').waitFor();
    // 24 h by default: the same attempts as the API's, in the facts and in the chart's points.
    expect(await panel.locator('button.active').textContent()).toBe('24 h');
    await panel.locator('button[data-window="1h"]').click();
    await panel.locator('svg[aria-label="Success rate and latency over 1h"]').waitFor();
    expect(await panel.locator('[data-fact=attempts] dd').textContent()).toBe(String(stats.attempts));
    expect(await panel.locator('[data-fact=success_rate] dd').textContent()).toBe(`${((stats.succeeded / stats.attempts) * 100).toFixed(1)} %`);
    expect(await panel.locator('[data-fact=latency] dd').textContent()).toBe(
      `${stats.latency_ms.p50} ms / ${stats.latency_ms.p95} ms / ${stats.latency_ms.p99} ms`,
    );
    const points = await panel.locator('circle.rate').evaluateAll((circles) =>
      circles.map((c) => ({ attempts: Number(c.getAttribute('data-attempts')), rate: Number(c.getAttribute('data-rate')), cy: Number(c.getAttribute('cy')) })),
    );
    expect(points).toHaveLength(stats.series.length);
    expect(points.reduce((n, p) => n + p.attempts, 0)).toBe(stats.attempts);
    expect(points.map((p) => p.rate)).toEqual(stats.series.map((p: any) => p.succeeded / p.attempts));
    // Drawn: a line through the points, and a lower success rate sits lower in the chart.
    expect(await panel.locator('path.rate').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+/);
    const sorted = [...points].sort((a, b) => a.rate - b.rate);
    expect(sorted[0].cy).toBeGreaterThanOrEqual(sorted[sorted.length - 1].cy);
    await screenshot(page, 'admin-webhook-health');

    // The rate limit: set in the editor, saved, shown again; emptied, removed.
    await page.fill('#webhook-form input[name=rate_limit_per_s]', '7');
    await page.click('#webhook-form button[type=submit]');
    await page.locator('#webhook-message', { hasText: 'warehouse-sync saved' }).waitFor();
    expect((await t.http('GET', `/v1/webhooks/${hook.body.id}`)).body.rate_limit_per_s).toBe(7);
    await page.locator('#webhook-rows tr', { hasText: 'warehouse-sync' }).locator('a').click();
    expect(await page.inputValue('#webhook-form input[name=rate_limit_per_s]')).toBe('7');
    await page.fill('#webhook-form input[name=rate_limit_per_s]', '');
    await page.click('#webhook-form button[type=submit]');
    await page.locator('#webhook-form').waitFor({ state: 'hidden' });
    expect((await t.http('GET', `/v1/webhooks/${hook.body.id}`)).body.rate_limit_per_s).toBeNull();
    await page.close();
  });
});

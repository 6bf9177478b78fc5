import { EvaluateExpectedRuns } from '@tidings/ingest';
import { FakeWebhookReceiver, waitFor } from '@tidings/testing';
import { Browser } from 'playwright-core';
import { launchChromium, screenshot } from './support/admin-browser';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

describe('admin page in a real headless browser', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings({ env: { WEBHOOK_RETRY_SCHEDULE: '0,200ms' } });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await receiver?.stop();
  });

  it('signs in, finds a failed delivery, replays it and sees it delivered', async () => {
    receiver.on('/crm', { status: 500, body: 'database is down' });
    const crm = (await t.http('POST', '/v1/webhooks', { name: 'crm-sync', url: receiver.url('/crm'), subscriptions: [{ event_type: 'project:one-off-job:*' }] })).body;
    await t.http('POST', '/v1/webhooks', { name: 'ops-alerts', url: receiver.url('/ops'), subscriptions: [{ event_type: '*' }] });
    const event = (await t.http('POST', '/v1/events', pipelineRunEvent())).body;
    await t.http('POST', '/v1/events', { type: 'project:created', project: { uuid: '0b3c6a4e-4f43-4c35-9a4c-6f2f0a1d1e01', name: 'demo' } });
    const failed = await waitFor('the crm delivery to fail', async () => {
      const [d] = (await t.http('GET', `/v1/deliveries?webhook_id=${crm.id}&event_id=${event.id}`)).body.data;
      return d?.status === 'failed' ? d : undefined;
    });
    receiver.on('/crm', { status: 200 });

    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.setDefaultTimeout(15_000);
    await page.goto(`${t.baseUrl}/admin`);
    await page.fill('#key', 'not-a-key');
    await page.click('#login-form button');
    await page.waitForSelector('#login-error:has-text("not accepted")');
    await page.fill('#key', t.adminKey);
    await page.click('#login-form button');

    await page.selectOption('#delivery-filters select[name=status]', 'failed');
    await page.click('#delivery-filters button[type=submit]');
    const row = page.locator(`#delivery-rows tr[data-delivery-id="${failed.id}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: 'View' }).click();
    await page.waitForSelector('#attempt-rows tr');
    expect(await page.locator('#attempt-rows tr').count()).toBe(failed.attempt_count);
    await page.locator('#delivery-detail').getByText('database is down').first().waitFor();
    await screenshot(page, 'admin-page');

    await row.getByRole('button', { name: 'Replay' }).click();
    await page.locator(`#delivery-rows tr[data-delivery-id="${failed.id}"][data-status="delivered"]`).waitFor();
    const replayed = receiver.received('/crm').filter((r) => r.headers['webhook-id'] === failed.id);
    expect(replayed.length).toBe(failed.attempt_count + 1);
    expect((await t.http('GET', `/v1/deliveries/${failed.id}`)).body).toMatchObject({ status: 'delivered' });

    // The other tabs render what the API holds.
    await page.click('#tabs button[data-tab=webhooks]');
    await page.locator('#webhook-rows tr', { hasText: 'crm-sync' }).waitFor();
    await page.click('#tabs button[data-tab=events]');
    await page.locator(`#event-rows tr[data-event-id="${event.id}"]`).waitFor();
    await page.close();
  });

  it('the runs view shows each pipeline\'s schedule: next tick, last missing and last late tick, linked to their events', async () => {
    const schedule = (await t.http('PUT', '/v1/observability/pipelines/nightly_load/schedule', { cron: '* * * * *', start_within: '20s', finish_within: '40s' })).body;
    const T0 = Date.parse(schedule.next_tick);
    const at = (seconds: number) => new Date(T0 + seconds * 1000);
    // Tick 0: a run starts and never ends (late at +40 s); tick 1: no run (missing at +80 s).
    await t.http('POST', '/events/v1/run-status', { pipeline_key: 'nightly_load', run_key: 'hanging', status: 'RUNNING', event_timestamp: at(5).toISOString() });
    // The worker's evaluation, on a clock this test chooses.
    expect(await t.worker!.get(EvaluateExpectedRuns).execute(at(90))).toEqual({ schedules: 1, missing: 1, late: 1, failed: [] });
    const recorded = (await t.http('GET', '/v1/observability/pipelines/nightly_load/schedule')).body;

    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.setDefaultTimeout(15_000);
    await page.goto(`${t.baseUrl}/admin`);
    await page.fill('#key', t.adminKey);
    await page.click('#login-form button');
    await page.click('#tabs button[data-tab=runs]');
    const cell = page.locator('#run-rows tr[data-run-key="hanging"] td.schedule');
    await cell.waitFor();
    expect(await cell.locator('.mono').textContent()).toBe('* * * * * (UTC)');
    expect(await cell.textContent()).toMatch(/start within 20s, finish within 40s/);
    expect(await cell.locator('.badge').allTextContents()).toEqual(['MISSING', 'LATE']);
    expect(await cell.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      `#event=${recorded.last_missing.event_id}`,
      `#event=${recorded.last_late.event_id}`,
    ]);
    await screenshot(page, 'admin-runs-schedule');
    await cell.locator('a').first().click();
    await page.locator(`#event-rows tr[data-event-id="${recorded.last_missing.event_id}"]`).waitFor();
    await page.close();
  });
});

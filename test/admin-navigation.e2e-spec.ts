import { FakeWebhookReceiver, waitFor } from '@tidings/testing';
import { randomUUID } from 'node:crypto';
import { Browser, Page } from 'playwright-core';
import { launchChromium, openAdmin, screenshot } from './support/admin-browser';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

const PUBLIC_URL = 'https://tidings.example.com';

describe('admin page: links, search, event → deliveries and a narrow screen, in a real headless browser', () => {
  let t: Harness;
  let receiver: FakeWebhookReceiver;
  let browser: Browser;
  let crm: { id: string };
  let event: { id: string; type: string };
  let other: { id: string };
  /** The crm delivery of `event`: failed once, waiting an hour for its next attempt. */
  let pending: { id: string; next_attempt_at: string };
  let chatLink: URL;

  beforeAll(async () => {
    browser = await launchChromium();
    receiver = await FakeWebhookReceiver.start();
    t = await startTidings({ env: { PUBLIC_URL, WEBHOOK_RETRY_SCHEDULE: '0,1h' } });

    receiver.on('/crm', { status: 500, headers: { 'x-request-id': 'req-42' }, body: 'database is down' });
    crm = (
      await t.http('POST', '/v1/webhooks', {
        name: 'crm',
        url: receiver.url('/crm'),
        subscriptions: [{ event_type: 'project:one-off-job:*' }],
      })
    ).body;
    await t.http('POST', '/v1/webhooks', {
      name: 'team-chat',
      url: receiver.url('/chat'),
      format: 'slack',
      subscriptions: [{ event_type: 'project:one-off-job:*' }],
    });
    event = (await t.http('POST', '/v1/events', pipelineRunEvent())).body;
    other = (await t.http('POST', '/v1/events', pipelineRunEvent())).body;
    pending = await waitFor('the crm delivery to fail once', async () => {
      const [d] = (await t.http('GET', `/v1/deliveries?webhook_id=${crm.id}&event_id=${event.id}`)).body.data;
      return d?.attempt_count === 1 && d.status === 'pending' ? d : undefined;
    });
    const messages = await receiver.waitForRequests('/chat', 2);
    const message = messages.map((r) => JSON.parse(r.body)).find((m) => JSON.stringify(m).includes(event.id));
    chatLink = new URL(message.blocks.at(-1).elements[0].url);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await receiver?.stop();
  });

  // Strings run in the page (this project compiles without the DOM library).
  const scrollWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');
  /** Types a link into the address bar of an open page (a hashchange, no reload). */
  const follow = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);

  it('opens the event a chat message links to, through sign-in; the event leads to its deliveries, a delivery to its response headers and next attempt', async () => {
    expect(chatLink.href).toBe(`${PUBLIC_URL}/admin#event=${event.id}`);
    const page = await openAdmin(browser, t, { hash: chatLink.hash });
    await page.locator('#event-detail h3', { hasText: event.type }).waitFor();
    expect(await page.locator('#tabs button.active').textContent()).toBe('Events');
    const deliveries = page.locator('#event-delivery-rows tr');
    expect(await deliveries.count()).toBe(2);
    await page.locator('#event-delivery-rows tr[data-status="delivered"]', { hasText: 'team-chat' }).waitFor();
    const crmRow = page.locator(`#event-delivery-rows tr[data-delivery-id="${pending.id}"]`);
    expect(await crmRow.textContent()).toContain('next in');

    await crmRow.locator('a[href^="#delivery="]').click();
    await page.locator('#delivery-detail h3', { hasText: pending.id }).waitFor();
    expect(page.url()).toContain(`#delivery=${pending.id}`);
    expect(await page.locator('#tabs button.active').textContent()).toBe('Deliveries');
    expect(await page.getAttribute('#delivery-next time', 'datetime')).toBe(pending.next_attempt_at);
    expect(await page.locator('#delivery-next').textContent()).toMatch(/in (4[89]|5\d|6\d|7[0-2])m/);
    const attempt = page.locator('#attempt-rows tr');
    expect(await attempt.count()).toBe(1);
    await attempt.locator('details.headers summary').click();
    const headers = attempt.locator('details.headers dl');
    await headers.getByText('x-request-id').waitFor();
    await headers.getByText('req-42').waitFor();
    await screenshot(page, 'admin-delivery');

    // Back goes to the event; from it, the delivery log filtered to this event (GET /v1/deliveries?event_id=).
    await page.goBack();
    await page.locator('#event-detail h3', { hasText: event.type }).waitFor();
    expect(await page.locator('#tabs button.active').textContent()).toBe('Events');
    await screenshot(page, 'admin-event');
    await page.getByRole('button', { name: 'Show in the delivery log' }).click();
    expect(await page.inputValue('#delivery-filters input[name=event_id]')).toBe(event.id);
    await page.locator(`#delivery-rows tr[data-delivery-id="${pending.id}"]`).waitFor();
    const expected = (await t.http('GET', `/v1/deliveries?event_id=${event.id}`)).body.data.map((d: { id: string }) => d.id);
    await waitFor('only the event’s deliveries', async () =>
      (await page.locator('#delivery-rows tr').count()) === expected.length ? true : undefined,
    );
    const shown = await Promise.all((await page.locator('#delivery-rows tr').all()).map((row) => row.getAttribute('data-delivery-id')));
    expect(shown.sort()).toEqual([...expected].sort());
    await page.close();
  });

  it('finds an event or a delivery by its id, and follows links typed into the address bar', async () => {
    const page = await openAdmin(browser, t);
    const search = async (text: string) => {
      await page.fill('#search input', text);
      await page.click('#search button');
    };

    await search(pending.id);
    await page.locator('#delivery-detail h3', { hasText: pending.id }).waitFor();
    expect(page.url()).toContain(`#delivery=${pending.id}`);

    await search(` ${other.id.toUpperCase()} `);
    await page.locator('#event-detail .facts', { hasText: other.id }).waitFor();
    expect(page.url()).toContain(`#event=${other.id}`);

    const unknown = randomUUID();
    await search(unknown);
    await page.locator('#search-result', { hasText: `No event or delivery has the id ${unknown}` }).waitFor();
    await search('run-42');
    await page.locator('#search-result', { hasText: 'run-42 is not an id' }).waitFor();

    await follow(page, `#webhook=${crm.id}`);
    await page.locator('#webhook-form-title', { hasText: 'Edit crm' }).waitFor();
    expect(await page.locator('#search-result').isHidden()).toBe(true);
    await follow(page, `#delivery=${unknown}`);
    await page.locator('#delivery-detail .error', { hasText: `No delivery ${unknown}` }).waitFor();
    await follow(page, '#run=42');
    await page.locator('#search-result', { hasText: 'has no link #run=42' }).waitFor();
    await page.close();
  });

  it('is usable 420 px wide: nothing overflows the page, wide tables scroll in their own box', async () => {
    const page = await openAdmin(browser, t, { width: 420, height: 900 });
    await page.locator(`#delivery-rows tr[data-delivery-id="${pending.id}"]`).waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(420);
    // The delivery table is wider than the screen, and scrolls inside its box instead of the page.
    const box = page.locator('#deliveries > .scroll');
    expect(await box.evaluate((b) => b.scrollWidth > b.clientWidth)).toBe(true);

    await follow(page, `#delivery=${pending.id}`);
    await page.locator('#attempt-rows tr').waitFor();
    await page.locator('#attempt-rows details.headers summary').click();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(420);
    await screenshot(page, 'admin-narrow');

    await follow(page, `#event=${event.id}`);
    await page.locator('#event-delivery-rows tr').first().waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(420);

    await follow(page, `#webhook=${crm.id}`);
    await page.locator('#webhook-form-title', { hasText: 'Edit crm' }).waitFor();
    await page.click('#subscription-add');
    await page.click('#header-add');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(420);

    await page.click('#tabs button[data-tab=runs]');
    await page.click('#tabs button[data-tab=keys]');
    await page.locator('#key-rows tr').first().waitFor();
    await page.fill('#key-form input[name=name]', 'narrow-screen');
    await page.click('#key-form button[type=submit]');
    await page.locator('#key-secret .secret-value').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(420);
    await page.close();
  });
});

import { Browser } from 'playwright-core';
import { launchChromium, openAdmin, screenshot } from './support/admin-browser';
import { pipelineRunEvent } from './support/fixtures';
import { Harness, startTidings } from './support/tidings-harness';

describe('admin page: API keys in a real headless browser', () => {
  let t: Harness;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTidings({ worker: false });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('mints a key (shown once), lists it, and revokes it after asking', async () => {
    const page = await openAdmin(browser, t);
    await page.click('#tabs button[data-tab=keys]');
    await page.locator('#key-rows tr', { hasText: 'bootstrap admin' }).waitFor();

    // No scope: refused here, before the API is asked.
    await page.fill('#key-form input[name=name]', 'billing-service');
    await page.uncheck('#key-form input[value="events:write"]');
    await page.click('#key-form button[type=submit]');
    await page.locator('#key-message', { hasText: 'Choose at least one scope' }).waitFor();

    await page.check('#key-form input[value="events:write"]');
    await page.check('#key-form input[value="analytics:write"]');
    await page.click('#key-form button[type=submit]');
    const key = (await page.locator('#key-secret .secret-value').textContent())!;
    expect(key).toMatch(/^tid_/);
    const row = page.locator('#key-rows tr', { hasText: 'billing-service' });
    await row.waitFor();
    const [minted] = (await t.http('GET', '/v1/api-keys')).body.data.filter((k: { name: string }) => k.name === 'billing-service');
    expect(minted).toMatchObject({ scopes: ['events:write', 'analytics:write'], revoked_at: null });
    expect(key.startsWith(minted.prefix)).toBe(true);
    expect(await row.textContent()).toContain(minted.prefix);
    expect(await row.textContent()).not.toContain(key);
    await screenshot(page, 'admin-api-keys');

    // The key shown is the key: it registers events, and it is not an admin key.
    expect((await t.http('POST', '/v1/events', pipelineRunEvent(), { key })).status).toBe(201);
    expect((await t.http('GET', '/v1/webhooks', undefined, { key })).status).toBe(403);
    await page.locator('#key-secret').getByRole('button', { name: 'Done' }).click();
    expect(await page.locator('#key-secret').isHidden()).toBe(true);

    const dialog = page.locator('#confirm');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await dialog.locator('#confirm-message', { hasText: 'Revoke the key billing-service' }).waitFor();
    expect(await dialog.textContent()).not.toContain('signed in with');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await t.http('POST', '/v1/events', pipelineRunEvent(), { key })).status).toBe(201);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await row.locator('.badge', { hasText: 'revoked' }).waitFor();
    expect(await row.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    expect((await t.http('POST', '/v1/events', pipelineRunEvent(), { key })).status).toBe(401);

    // Revoking the key the page is signed in with warns that it signs the page out.
    const bootstrap = page.locator('#key-rows tr', { hasText: 'bootstrap admin' });
    await bootstrap.getByRole('button', { name: 'Revoke' }).click();
    await dialog.locator('#confirm-message', { hasText: 'the key you are signed in with' }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await t.http('GET', '/v1/api-keys')).status).toBe(200);
    await page.close();
  });
});

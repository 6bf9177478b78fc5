import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from './webhook-secret';
import { signWebhook } from './webhook-signer';

describe('signWebhook', () => {
  const id = '01933f6c-0000-7000-8000-000000000042';
  const body = JSON.stringify({ event: { type: 'ping', message: 'Grüße 👋' } });

  it('signs as Standard Webhooks does: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">', () => {
    const secret = generateWebhookSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    // The reference implementation computes the same signature on its own.
    expect(signWebhook(id, timestamp, body, [secret])).toBe(new Webhook(secret).sign(id, new Date(timestamp * 1000), body));
  });

  it('verifies with the standardwebhooks package', () => {
    const secret = generateWebhookSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(id, timestamp, body, [secret]) };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('lists one signature per secret, space-separated, in the order given', () => {
    const [newer, older] = [generateWebhookSecret(), generateWebhookSecret()];
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signWebhook(id, timestamp, body, [newer, older]);
    expect(signature.split(' ')).toEqual([signWebhook(id, timestamp, body, [newer]), signWebhook(id, timestamp, body, [older])]);
    for (const part of signature.split(' ')) expect(part).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('changes when any signed part changes', () => {
    const secret = generateWebhookSecret();
    const signature = signWebhook(id, 1_700_000_000, body, [secret]);
    expect(signWebhook(`${id}x`, 1_700_000_000, body, [secret])).not.toBe(signature);
    expect(signWebhook(id, 1_700_000_001, body, [secret])).not.toBe(signature);
    expect(signWebhook(id, 1_700_000_000, `${body} `, [secret])).not.toBe(signature);
    expect(signWebhook(id, 1_700_000_000, body, [generateWebhookSecret()])).not.toBe(signature);
  });
});

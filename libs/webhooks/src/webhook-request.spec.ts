import { Webhook } from 'standardwebhooks';
import { buildWebhookRequest, WebhookRequestInput } from './webhook-request';
import { generateWebhookSecret } from './webhook-secret';

const payload = {
  delivered_for: { id: '2f0c8a4e-1111-4c35-9a4c-6f2f0a1d1e01', name: 'ops & alerts', type: 'webhook' },
  event: {
    id: '01933f6c-0000-7000-8000-000000000001',
    type: 'project:one-off-job:pipeline-run:failed',
    occurred_at: '2026-11-20T10:00:00.000Z',
    project: {
      uuid: '0b3c6a4e-4f43-4c35-9a4c-6f2f0a1d1e01',
      name: 'démo = 100% ✓',
      job: { uuid: 'e4d3c2b1-a0f9-4e8d-9c7b-6a5f4e3d2c07', name: 'nightly+weekly', pipeline_run: { uuid: '9a0f7f4e-51a7-4d43-8d0f-7d0f5d8e3c03' } },
    },
  },
};

function request(overrides: Partial<WebhookRequestInput> = {}) {
  return buildWebhookRequest({
    id: '01933f6c-0000-7000-8000-0000000000aa',
    payload,
    contentType: 'application/json',
    eventType: payload.event.type,
    attempt: 3,
    secrets: [generateWebhookSecret()],
    customHeaders: {},
    version: '1.2.3',
    ...overrides,
  });
}

describe('buildWebhookRequest', () => {
  it('sends the payload as JSON with the Standard Webhooks and Tidings headers', () => {
    const now = new Date('2026-11-20T10:00:00.900Z');
    const { body, headers } = request({ now });
    expect(JSON.parse(body)).toEqual(payload);
    expect(headers).toEqual({
      'content-type': 'application/json',
      'user-agent': 'Tidings/1.2.3',
      'webhook-id': '01933f6c-0000-7000-8000-0000000000aa',
      // Unix seconds, truncated.
      'webhook-timestamp': String(Date.UTC(2026, 10, 20, 10, 0, 0) / 1000),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
      'x-tidings-event-type': 'project:one-off-job:pipeline-run:failed',
      'x-tidings-attempt': '3',
    });
  });

  it('produces a signature the standardwebhooks package verifies', () => {
    const secret = generateWebhookSecret();
    const { body, headers } = request({ secrets: [secret] });
    expect(new Webhook(secret).verify(body, headers)).toEqual(payload);
  });

  it('signs with both secrets during a rotation, and each one alone verifies', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const { body, headers } = request({ secrets: [current, previous] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toEqual(payload);
    expect(new Webhook(previous).verify(body, headers)).toEqual(payload);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(/No matching signature/);
  });

  it('fails verification when the body, id or timestamp is tampered with', () => {
    const secret = generateWebhookSecret();
    const receiver = new Webhook(secret);
    const { body, headers } = request({ secrets: [secret] });
    const tamperedBody = body.replace('"nightly+weekly"', '"hourly"');
    expect(tamperedBody).not.toBe(body);
    expect(() => receiver.verify(tamperedBody, headers)).toThrow(/No matching signature/);
    expect(() => receiver.verify(`${body} `, headers)).toThrow(/No matching signature/);
    expect(() => receiver.verify(body, { ...headers, 'webhook-id': 'another-delivery' })).toThrow(/No matching signature/);
    const earlier = String(Number(headers['webhook-timestamp']) - 1);
    expect(() => receiver.verify(body, { ...headers, 'webhook-timestamp': earlier })).toThrow(/No matching signature/);
  });

  it('stamps the time of sending, which receivers use to refuse replays', () => {
    const secret = generateWebhookSecret();
    const { body, headers } = request({ secrets: [secret], now: new Date(Date.now() - 10 * 60_000) });
    expect(() => new Webhook(secret).verify(body, headers)).toThrow(/too old/);
  });

  describe('as application/x-www-form-urlencoded', () => {
    const contentType = 'application/x-www-form-urlencoded';

    it('carries delivered_for and event as JSON strings in form fields', () => {
      const { body, headers } = request({ contentType });
      expect(headers['content-type']).toBe(contentType);
      const form = new URLSearchParams(body);
      expect([...form.keys()]).toEqual(['delivered_for', 'event']);
      expect(JSON.parse(form.get('delivered_for')!)).toEqual(payload.delivered_for);
      expect(JSON.parse(form.get('event')!)).toEqual(payload.event);
    });

    it('is signed over the exact bytes sent', () => {
      const secret = generateWebhookSecret();
      const { body, headers } = request({ contentType, secrets: [secret] });
      expect(() => new Webhook(secret).verify(body, headers, { jsonParse: false })).not.toThrow();
      // The same fields re-encoded differently (%20 instead of +) are not the signed bytes.
      const reencoded = body.replace(/\+/g, '%20');
      expect(reencoded).not.toBe(body);
      expect(new URLSearchParams(reencoded).get('event')).toBe(new URLSearchParams(body).get('event'));
      expect(() => new Webhook(secret).verify(reencoded, headers, { jsonParse: false })).toThrow(/No matching signature/);
    });
  });

  it('adds custom headers, lower-cased, but never lets them replace its own', () => {
    const secret = generateWebhookSecret();
    const { body, headers } = request({
      secrets: [secret],
      customHeaders: { 'X-Team': 'data', Authorization: 'Bearer abc', 'Webhook-Signature': 'v1,forged', 'Content-Type': 'text/plain' },
    });
    expect(headers['x-team']).toBe('data');
    expect(headers.authorization).toBe('Bearer abc');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-signature']).not.toContain('forged');
    expect(Object.keys(headers).filter((k) => k.toLowerCase() === 'webhook-signature')).toEqual(['webhook-signature']);
    expect(new Webhook(secret).verify(body, headers)).toEqual(payload);
  });
});

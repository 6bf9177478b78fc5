import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, isValidWebhookSecret, secretKeyBytes } from './webhook-secret';

const secretOf = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;

describe('generateWebhookSecret', () => {
  it('makes whsec_ + base64 of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
  });

  it('never makes the same secret twice', () => {
    const secrets = new Set(Array.from({ length: 100 }, generateWebhookSecret));
    expect(secrets.size).toBe(100);
  });

  it('makes secrets that pass its own check and that a Standard Webhooks receiver accepts', () => {
    const secret = generateWebhookSecret();
    expect(isValidWebhookSecret(secret)).toBe(true);
    expect(() => new Webhook(secret)).not.toThrow();
  });
});

describe('isValidWebhookSecret', () => {
  it.each([24, 32, 48, 64])('accepts whsec_ + base64 of %d bytes', (bytes) => {
    expect(isValidWebhookSecret(secretOf(bytes))).toBe(true);
  });

  it.each([
    ['too few bytes (23)', secretOf(23)],
    ['too many bytes (65)', secretOf(65)],
    ['no prefix', randomBytes(32).toString('base64')],
    ['another prefix', `whsk_${randomBytes(32).toString('base64')}`],
    ['an upper-case prefix', `WHSEC_${randomBytes(32).toString('base64')}`],
    ['only the prefix', 'whsec_'],
    ['characters outside base64', `whsec_${'!'.repeat(44)}`],
    ['whitespace inside', `whsec_${randomBytes(16).toString('base64')} ${randomBytes(16).toString('base64')}`],
    ['too much padding', `whsec_${randomBytes(31).toString('base64')}==`],
  ])('refuses %s', (_, secret) => {
    expect(isValidWebhookSecret(secret)).toBe(false);
  });
});

describe('secretKeyBytes', () => {
  it('is the bytes behind the base64 part, with or without the prefix', () => {
    const bytes = randomBytes(32);
    expect(secretKeyBytes(`whsec_${bytes.toString('base64')}`)).toEqual(bytes);
    expect(secretKeyBytes(bytes.toString('base64'))).toEqual(bytes);
  });
});

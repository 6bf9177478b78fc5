import { randomBytes } from 'node:crypto';
import { parseConfig } from '@tidings/config';
import { generateWebhookSecret } from './webhook-secret';
import { SecretBox } from './secret-box';

const boxWithKey = (key = randomBytes(32)) => new SecretBox(parseConfig({ TIDINGS_ENCRYPTION_KEY: key.toString('hex') }));
const boxWithoutKey = () => new SecretBox(parseConfig({}));

/** Flips one bit of the byte at `index` (counted from the end when negative) of a sealed value's decoded body. */
function flipByte(sealed: string, index: number): string {
  const [prefix] = /^[a-z]+:v\d+:/.exec(sealed)!;
  const raw = Buffer.from(sealed.slice(prefix.length), 'base64');
  raw[index < 0 ? raw.length + index : index] ^= 0x01;
  return prefix + raw.toString('base64');
}

describe('SecretBox', () => {
  const secret = generateWebhookSecret();

  describe('without TIDINGS_ENCRYPTION_KEY', () => {
    const box = boxWithoutKey();

    it('stores secrets as they are and reads them back', () => {
      expect(box.seal(secret)).toBe(secret);
      expect(box.open(box.seal(secret))).toBe(secret);
    });

    it('cannot open a secret that was encrypted, and says why', () => {
      const sealed = boxWithKey().seal(secret);
      expect(() => box.open(sealed)).toThrow(/TIDINGS_ENCRYPTION_KEY/);
    });
  });

  describe('with TIDINGS_ENCRYPTION_KEY', () => {
    const key = randomBytes(32);
    const box = boxWithKey(key);

    it('round-trips secrets, including non-ASCII text', () => {
      expect(box.open(box.seal(secret))).toBe(secret);
      expect(box.open(box.seal('schlüssel 🔑'))).toBe('schlüssel 🔑');
      expect(box.open(box.seal(''))).toBe('');
    });

    it('never stores the plaintext', () => {
      const sealed = box.seal(secret);
      expect(sealed).not.toBe(secret);
      expect(sealed).not.toContain(secret.slice('whsec_'.length));
    });

    it('seals the same secret differently each time (fresh IV)', () => {
      const first = box.seal(secret);
      const second = box.seal(secret);
      expect(first).not.toBe(second);
      expect(box.open(first)).toBe(secret);
      expect(box.open(second)).toBe(secret);
    });

    it('opens what another box with the same key sealed (a restart or another replica)', () => {
      expect(boxWithKey(key).open(box.seal(secret))).toBe(secret);
    });

    it('keeps secrets written before the key was set readable', () => {
      const storedWithoutKey = boxWithoutKey().seal(secret);
      expect(box.open(storedWithoutKey)).toBe(secret);
    });

    it.each([
      ['the IV', 0],
      ['the authentication tag', 12],
      ['the ciphertext', -1],
    ])('refuses a value whose %s was tampered with', (_, index) => {
      const tampered = flipByte(box.seal(secret), index);
      expect(() => box.open(tampered)).toThrow();
    });

    it('refuses a truncated value', () => {
      const sealed = box.seal(secret);
      expect(() => box.open(sealed.slice(0, 20))).toThrow();
    });

    it('refuses a value sealed with another key', () => {
      expect(() => box.open(boxWithKey().seal(secret))).toThrow();
    });
  });
});

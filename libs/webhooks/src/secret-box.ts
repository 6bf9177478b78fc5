import { Injectable } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { StoredSecret } from './subscriber.entity';

const MARK = 'enc:v1:';

/**
 * Encrypts webhook secrets and custom header values at rest with AES-256-GCM
 * when TIDINGS_ENCRYPTION_KEY is set. Values written before the key was set
 * stay readable (no mark).
 */
@Injectable()
export class SecretBox {
  private readonly key?: Buffer;

  constructor(config: TidingsConfig) {
    this.key = config.encryptionKey;
  }

  seal(plain: string): string {
    if (!this.key) return plain;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return MARK + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** The secrets that still sign (not rotated out yet), opened. */
  signingSecrets(stored: readonly StoredSecret[], now = Date.now()): string[] {
    return stored.filter((s) => !s.expires_at || Date.parse(s.expires_at) > now).map((s) => this.open(s.value));
  }

  /** Custom headers as stored: each value sealed, names readable (they are not secret, and are checked at save). */
  sealHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, this.seal(value)]));
  }

  openHeaders(stored: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(stored).map(([name, value]) => [name, this.open(value)]));
  }

  open(stored: string): string {
    if (!stored.startsWith(MARK)) return stored;
    if (!this.key) throw new Error('A webhook secret is encrypted but TIDINGS_ENCRYPTION_KEY is not set');
    const raw = Buffer.from(stored.slice(MARK.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

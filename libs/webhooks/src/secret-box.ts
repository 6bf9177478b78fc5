import { Injectable } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const MARK = 'enc:v1:';

/**
 * Encrypts webhook secrets at rest with AES-256-GCM when TIDINGS_ENCRYPTION_KEY
 * is set. Values written before the key was set stay readable (no mark).
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

  open(stored: string): string {
    if (!stored.startsWith(MARK)) return stored;
    if (!this.key) throw new Error('A webhook secret is encrypted but TIDINGS_ENCRYPTION_KEY is not set');
    const raw = Buffer.from(stored.slice(MARK.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

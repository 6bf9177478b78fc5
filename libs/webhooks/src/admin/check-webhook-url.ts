import { Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AddressPolicy } from '../address-policy';
import { WebhookError } from '../webhook-error';

/**
 * Refuses a webhook URL up front: not http(s), or a host whose every address
 * is refused by the AddressPolicy. (A host that does not resolve yet is let
 * through; the same policy is applied again to the address of each delivery.)
 */
@Injectable()
export class CheckWebhookUrl {
  constructor(private readonly policy: AddressPolicy) {}

  async execute(raw: string, field = 'url'): Promise<void> {
    const fail = (message: string) => {
      throw new WebhookError('validation_failed', message, [{ field, message }]);
    };
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return fail(`${field} must be an absolute http(s) URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(`${field} must use http or https`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const refusal = this.policy.refusal(host);
      if (refusal) fail(`${field} is refused: ${refusal}`);
      return;
    }
    let addresses: { address: string }[];
    try {
      addresses = await lookup(host, { all: true });
    } catch {
      return;
    }
    const refusals = addresses.map((a) => this.policy.refusal(a.address));
    if (refusals.length && refusals.every(Boolean)) fail(`${field} is refused: ${host} resolves to ${refusals[0]}`);
  }
}

/** Chat platforms take JSON only; the form encoding exists for the standard shape. */
export function checkFormat(format: string, contentType: string): void {
  if (format !== 'standard' && contentType !== 'application/json') {
    const message = `format ${format} is sent as application/json; content_type ${contentType} works only with format standard`;
    throw new WebhookError('validation_failed', message, [{ field: 'content_type', message }]);
  }
}

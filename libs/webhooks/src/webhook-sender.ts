import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, errors as undiciErrors, request } from 'undici';
import { AddressPolicy } from './address-policy';
import { flattenHeaders, readExcerpt } from './http-response';

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  verifyTls: boolean;
  timeoutMs?: number;
}

/** What happened: a response (any status) or an error before one; never throws. */
export interface SendResult {
  startedAt: Date;
  durationMs: number;
  status?: number;
  headers?: Record<string, string>;
  /** The first 4 KiB of the response body. */
  body?: string;
  error?: string;
}


class RefusedAddressError extends Error {
  code = 'EREFUSEDADDRESS';
}

/**
 * POSTs webhook bodies with undici. Keeps connections alive per origin, never
 * follows redirects, bounds every request by the timeout (headers and body),
 * reads at most 4 KiB of the answer, and checks the address it actually
 * connects to against the AddressPolicy (no DNS-rebinding gap: the check is in
 * the socket's own lookup).
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly verifying: Agent;
  private readonly lenient: Agent;
  private readonly timeoutMs: number;

  constructor(
    private readonly policy: AddressPolicy,
    config: TidingsConfig,
  ) {
    this.timeoutMs = config.webhook.timeoutMs;
    const lookup = this.guardedLookup.bind(this);
    const options = { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, connections: 64 };
    this.verifying = new Agent({ ...options, connect: { lookup, rejectUnauthorized: true } as object });
    this.lenient = new Agent({ ...options, connect: { lookup, rejectUnauthorized: false } as object });
  }

  async send(req: SendRequest): Promise<SendResult> {
    const startedAt = new Date();
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    let status: number | undefined;
    let headers: Record<string, string> | undefined;
    try {
      const url = new URL(req.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RefusedAddressError(`${url.protocol} URLs are not allowed`);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (isIP(host)) {
        const refusal = this.policy.refusal(host);
        if (refusal) throw new RefusedAddressError(refusal);
      }
      const signal = AbortSignal.timeout(timeoutMs);
      const res = await request(url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        dispatcher: req.verifyTls ? this.verifying : this.lenient,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal,
      });
      status = res.statusCode;
      headers = flattenHeaders(res.headers);
      const body = await readExcerpt(res.body);
      return { startedAt, durationMs: elapsed(), status, headers, body };
    } catch (error) {
      // A response whose body does not finish in time is a failure, but keeps its status.
      return { startedAt, durationMs: elapsed(), status, headers, error: describe(error, timeoutMs) };
    }
  }

  private guardedLookup(
    hostname: string,
    options: { all?: boolean; family?: number },
    callback: (err: Error | null, address?: string | LookupAddress[], family?: number) => void,
  ): void {
    dnsLookup(hostname, { family: options.family ?? 0, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const usable = addresses.filter((a) => this.policy.refusal(a.address) === null);
      if (usable.length === 0) {
        const refusal = this.policy.refusal(addresses[0]?.address ?? '') ?? `${hostname} did not resolve`;
        return callback(new RefusedAddressError(`${hostname} resolves to ${refusal}`));
      }
      if (options.all) callback(null, usable);
      else callback(null, usable[0].address, usable[0].family);
    });
  }

  /** After every module's destroy hook: the worker has drained its attempts in flight by then. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.verifying.close(), this.lenient.close()]);
  }
}


function describe(error: any, timeoutMs: number): string {
  const cause = error?.cause ?? error;
  if (error instanceof RefusedAddressError || cause instanceof RefusedAddressError) return `refused: ${(cause ?? error).message}`;
  if (
    error?.name === 'TimeoutError' ||
    error?.name === 'AbortError' ||
    error instanceof undiciErrors.RequestAbortedError ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return `timeout: no complete response within ${timeoutMs} ms`;
  }
  const code = cause?.code ?? error?.code;
  const message = cause?.message ?? error?.message ?? String(error);
  return code ? `${code}: ${message}` : message;
}

import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { SendResult } from '@tidings/webhooks';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Agent, request } from 'undici';
import { PostHogBatch } from './posthog-batch';
import { flattenHeaders, readExcerpt } from '@tidings/webhooks';

const gzipAsync = promisify(gzip);
export const ANALYTICS_TIMEOUT_MS = 10_000;

/** `${ANALYTICS_URL}/batch/`: PostHog's capture endpoint for many events at once. */
export function analyticsBatchUrl(analyticsUrl: string): string {
  return `${analyticsUrl.replace(/\/+$/, '')}/batch/`;
}

/**
 * POSTs telemetry batches to the analytics backend, gzip-compressed, on its
 * own connection pool (never the webhooks'). The backend is the operator's
 * choice (ANALYTICS_URL), so the webhook SSRF rules do not apply. Never throws:
 * a failure comes back as a result with `error`, like a webhook attempt.
 */
@Injectable()
export class AnalyticsSender implements OnApplicationShutdown {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, connections: 8 });
  private readonly url?: string;

  constructor(private readonly config: TidingsConfig) {
    this.url = config.telemetry.analyticsUrl ? analyticsBatchUrl(config.telemetry.analyticsUrl) : undefined;
  }

  async send(batch: PostHogBatch, signal?: AbortSignal, timeoutMs = ANALYTICS_TIMEOUT_MS): Promise<SendResult> {
    const startedAt = new Date();
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let status: number | undefined;
    let headers: Record<string, string> | undefined;
    try {
      if (!this.url) throw new Error('ANALYTICS_URL is not set');
      const body = await gzipAsync(JSON.stringify(batch));
      const res = await request(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'user-agent': `Tidings/${this.config.version}`,
        },
        body,
        dispatcher: this.agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
      });
      status = res.statusCode;
      headers = flattenHeaders(res.headers);
      return { startedAt, durationMs: elapsed(), status, headers, body: await readExcerpt(res.body) };
    } catch (error) {
      return { startedAt, durationMs: elapsed(), status, headers, error: describe(error, timeoutMs, signal) };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}


function describe(error: any, timeoutMs: number, signal?: AbortSignal): string {
  if (signal?.aborted) return 'aborted: the worker shut down';
  const cause = error?.cause ?? error;
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError' || /timeout/i.test(error?.code ?? '')) {
    return `timeout: no complete response within ${timeoutMs} ms`;
  }
  const code = cause?.code ?? error?.code;
  const message = cause?.message ?? error?.message ?? String(error);
  return code ? `${code}: ${message}` : message;
}

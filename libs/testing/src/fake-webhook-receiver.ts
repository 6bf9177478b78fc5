import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { waitFor } from './wait-for';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, byte for byte as sent (what the signature covers). */
  body: string;
  receivedAt: number;
  /** The status it was answered with, once answered (a hanging request has none). */
  answeredStatus?: number;
}

/** What the receiver does for a path: answer with a status (and headers, body), after a delay, or never. */
export interface Behaviour {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
  hang?: boolean;
  /**
   * A flaky endpoint: answers `status` (default 500) to `ratio` of its requests, spread evenly (3 in every 10 for
   * 0.3), but never more than `maxPerId` times (default 3) to one webhook-id, so every delivery gets through.
   */
  flaky?: { ratio: number; status?: number; maxPerId?: number };
  /** A status chosen per request (undefined: the other rules answer), e.g. to fail one delivery's first attempt. */
  statusFor?: (request: ReceivedRequest) => number | undefined;
}

/**
 * A real local HTTP server standing in for a customer's endpoint. Records
 * every request; each path can be told how to answer (default 200).
 */
export class FakeWebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly server: Server;
  private readonly hanging = new Set<ServerResponse>();
  /** Per path: requests seen, and failures answered per webhook-id (for `flaky`). */
  private readonly flakyState = new Map<string, { seen: number; failures: Map<string, number> }>();

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const request: ReceivedRequest = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
        this.requests.push(request);
        const behaviour = this.behaviours.get(path) ?? {};
        if (behaviour.hang) {
          this.hanging.add(res);
          return;
        }
        const status =
          behaviour.statusFor?.(request) ?? this.flakyAnswer(path, behaviour, String(req.headers['webhook-id'])) ?? behaviour.status ?? 200;
        const answer = () => {
          request.answeredStatus = status;
          res.writeHead(status, { 'content-type': 'text/plain', ...behaviour.headers });
          res.end(behaviour.body ?? 'ok');
        };
        if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
        else answer();
      });
    });
  }

  /** The failure status for this request when the path is flaky and it is one of the failing share; else undefined. */
  private flakyAnswer(path: string, behaviour: Behaviour, webhookId: string): number | undefined {
    if (!behaviour.flaky) return undefined;
    const { ratio, status = 500, maxPerId = 3 } = behaviour.flaky;
    let state = this.flakyState.get(path);
    if (!state) this.flakyState.set(path, (state = { seen: 0, failures: new Map() }));
    const n = state.seen++;
    // Fail when this request crosses the next multiple of 1/ratio: evenly spread, exactly `ratio` over any long run.
    const failing = Math.floor((n + 1) * ratio) > Math.floor(n * ratio);
    const failed = state.failures.get(webhookId) ?? 0;
    if (!failing || failed >= maxPerId) return undefined;
    state.failures.set(webhookId, failed + 1);
    return status;
  }

  static async start(): Promise<FakeWebhookReceiver> {
    const receiver = new FakeWebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  on(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  received(path?: string): ReceivedRequest[] {
    return path === undefined ? this.requests : this.requests.filter((r) => r.path === path);
  }

  /** Waits until at least `count` requests reached `path`. */
  async waitForRequests(path: string, count: number, timeoutMs = 15_000): Promise<ReceivedRequest[]> {
    return waitFor(`${count} request(s) to ${path} (got ${this.received(path).length})`, () => {
      const got = this.received(path);
      return got.length >= count ? got : undefined;
    }, timeoutMs);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

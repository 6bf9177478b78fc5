import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { waitFor } from './wait-for';

/** One request as the backend saw it: headers, the decompressed body as text, and parsed when it was JSON. */
export interface AnalyticsRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body after gunzip (when content-encoding is gzip), as text: search it for what must never be sent. */
  text: string;
  json?: {
    api_key?: string;
    batch?: { event: string; distinct_id: string; timestamp: string; uuid?: string; properties: Record<string, any> }[];
  };
  /** How the backend answered it. */
  answered: 'ok' | 'error' | 'hang' | 'close';
  receivedAt: number;
}

export type AnalyticsMode = { ok: true } | { status: number; body?: string } | { hang: true } | { close: true };

/**
 * A real local stand-in for a PostHog-compatible analytics backend: records
 * every request (gunzipped), answers `/batch/` with 200 `{"status":1}` unless
 * told to fail (a status), hang, or drop the connection ("down").
 */
export class FakeAnalyticsBackend {
  readonly requests: AnalyticsRequest[] = [];
  private mode: AnalyticsMode = { ok: true };
  private readonly server: Server;
  private readonly hanging = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        let text: string;
        try {
          text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        } catch {
          text = raw.toString('utf8');
        }
        let json: AnalyticsRequest['json'];
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        const mode = this.mode;
        const answered = 'hang' in mode ? 'hang' : 'close' in mode ? 'close' : 'status' in mode ? 'error' : 'ok';
        this.requests.push({ path: req.url ?? '/', headers: req.headers, text, json, answered, receivedAt: Date.now() });
        if ('hang' in mode) {
          this.hanging.add(res);
          return;
        }
        if ('close' in mode) {
          req.socket.destroy();
          return;
        }
        const status = 'status' in mode ? mode.status : 200;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end('status' in mode ? (mode.body ?? '{"error":"unavailable"}') : '{"status":1}');
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(): Promise<FakeAnalyticsBackend> {
    const backend = new FakeAnalyticsBackend();
    await new Promise<void>((resolve) => backend.server.listen(0, '127.0.0.1', resolve));
    return backend;
  }

  /** The ANALYTICS_URL to configure (the sender appends /batch/). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** How to answer from now on. */
  answer(mode: AnalyticsMode): void {
    this.mode = mode;
    if (!('hang' in mode)) this.releaseHanging();
  }

  /** Every event received in a batch that was answered 2xx, in arrival order. */
  acceptedEvents(): NonNullable<NonNullable<AnalyticsRequest['json']>['batch']> {
    return this.requests.filter((r) => r.answered === 'ok').flatMap((r) => r.json?.batch ?? []);
  }

  /** Waits until accepted batches hold an event for each of `ids` (matched on properties.event_id). */
  async waitForEvents(ids: string[], timeoutMs = 20_000) {
    return waitFor(
      `analytics events ${ids.length} (accepted so far: ${this.acceptedEvents().length})`,
      () => {
        const byId = new Map(this.acceptedEvents().map((e) => [e.properties?.event_id, e]));
        return ids.every((id) => byId.has(id)) ? ids.map((id) => byId.get(id)!) : undefined;
      },
      timeoutMs,
    );
  }

  private releaseHanging(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  async stop(): Promise<void> {
    this.releaseHanging();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

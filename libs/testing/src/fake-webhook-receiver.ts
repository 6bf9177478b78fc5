import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { waitFor } from './wait-for';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, byte for byte as sent (what the signature covers). */
  body: string;
  receivedAt: number;
}

/** What the receiver does for a path: answer with a status (and headers, body), after a delay, or never. */
export interface Behaviour {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
  hang?: boolean;
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

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() });
        const behaviour = this.behaviours.get(path) ?? {};
        if (behaviour.hang) {
          this.hanging.add(res);
          return;
        }
        const answer = () => {
          res.writeHead(behaviour.status ?? 200, { 'content-type': 'text/plain', ...behaviour.headers });
          res.end(behaviour.body ?? 'ok');
        };
        if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
        else answer();
      });
    });
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

import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** How the proxy handles one request: answer it itself, pass it on, or pass it on and then hang up without answering. */
export type ProxyStep = { status: number; headers?: Record<string, string>; body?: string } | 'forward' | 'forward-then-drop';

export interface ProxiedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  step: ProxyStep;
}

/**
 * A real HTTP proxy in front of the api that misbehaves on cue: the next
 * requests get the scripted steps in order (a 503 with Retry-After, a dropped
 * connection after the api did the work), every later one is forwarded.
 */
export class FlakyProxy {
  readonly requests: ProxiedRequest[] = [];
  private steps: ProxyStep[] = [];
  private readonly server: Server;

  private constructor(private readonly target: string) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const step = this.steps.shift() ?? 'forward';
        const request: ProxiedRequest = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), step };
        this.requests.push(request);
        if (typeof step === 'object') {
          res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
          res.end(step.body ?? JSON.stringify({ error: 'unavailable', message: 'scripted by the test proxy' }));
          return;
        }
        this.forward(request).then(
          (answer) => {
            if (step === 'forward-then-drop') return req.socket.destroy();
            res.writeHead(answer.status, { 'content-type': answer.contentType });
            res.end(answer.body);
          },
          () => req.socket.destroy(),
        );
      });
    });
  }

  static async start(target: string): Promise<FlakyProxy> {
    const proxy = new FlakyProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next requests get these steps, in order. */
  script(...steps: ProxyStep[]): void {
    this.steps = steps;
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async forward(request: ProxiedRequest): Promise<{ status: number; contentType: string; body: string }> {
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'authorization', 'idempotency-key']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const res = await fetch(this.target + request.path, { method: 'POST', headers, body: request.body });
    return { status: res.status, contentType: res.headers.get('content-type') ?? 'text/plain', body: await res.text() };
  }
}

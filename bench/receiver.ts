/**
 * The benchmark's webhook receiver and fake analytics backend, run in a child
 * process of its own (`fork`, IPC channel) so that answering the worker's
 * requests never competes with the load generator's event loop, and the load
 * generator's bursts never delay an arrival timestamp.
 *
 * Every request is answered 200 as soon as its body has been read.
 * `/hook/*` requests are webhook deliveries: counted, deduplicated by
 * `webhook-id`, and (while recording) their first arrival time is kept, in
 * epoch milliseconds with sub-millisecond precision. `/batch/` requests are the
 * analytics backend (PostHog-compatible): counted, with the number of events
 * they carry.
 *
 * The parent talks to it with `ReceiverRequest` messages and gets one
 * `ReceiverReply` per request (same `seq`).
 */
import { createServer, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { ServerReady } from './bench-processes';

export type ReceiverCommand =
  | { cmd: 'stats' }
  /** Forget everything counted so far; `record` keeps each webhook-id's first arrival time from now on. */
  | { cmd: 'reset'; record: boolean }
  | { cmd: 'arrivals' };

export type ReceiverRequest = ReceiverCommand & { seq: number };

export interface ReceiverStats {
  /** Requests to /hook/* (every attempt, duplicates included). */
  hookRequests: number;
  /** Distinct webhook-ids among them. */
  hookUnique: number;
  analyticsRequests: number;
  analyticsEvents: number;
  otherRequests: number;
  /** One webhook request as received (for ref_post_per_s: same headers, same body size). */
  sample?: { path: string; headers: IncomingHttpHeaders; body: string };
}

export type ReceiverReply =
  { seq: number; ok: true; stats?: ReceiverStats; arrivals?: [string, number][] } | { seq: number; ok: false; error: string };

function now(): number {
  return performance.timeOrigin + performance.now();
}

function main(): void {
  let hookRequests = 0;
  let analyticsRequests = 0;
  let analyticsEvents = 0;
  let otherRequests = 0;
  let seen = new Set<string>();
  let recording = false;
  let arrivals = new Map<string, number>();
  let sample: ReceiverStats['sample'];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = now();
      const path = req.url ?? '/';
      if (path.startsWith('/hook')) {
        hookRequests++;
        const id = req.headers['webhook-id'];
        if (typeof id === 'string') {
          if (!seen.has(id)) {
            seen.add(id);
            if (recording) arrivals.set(id, at);
          }
        }
        if (!sample) sample = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      } else if (path.startsWith('/batch')) {
        analyticsRequests++;
        try {
          const raw = Buffer.concat(chunks);
          const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
          const parsed = JSON.parse(text);
          analyticsEvents += Array.isArray(parsed?.batch) ? parsed.batch.length : 1;
        } catch {
          analyticsEvents += 1;
        }
        // What PostHog's /batch/ answers.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '12' });
        res.end('{"status":1}');
        return;
      } else {
        otherRequests++;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
      res.end('ok');
    });
  });
  // The worker keeps connections alive for 30 s; do not close them under it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  server.maxRequestsPerSocket = 0;

  process.on('message', (message: ReceiverRequest) => {
    const reply = (body: Omit<Extract<ReceiverReply, { ok: true }>, 'seq' | 'ok'>) =>
      process.send!({ seq: message.seq, ok: true, ...body });
    try {
      switch (message.cmd) {
        case 'stats':
          return reply({
            stats: { hookRequests, hookUnique: seen.size, analyticsRequests, analyticsEvents, otherRequests, sample },
          });
        case 'reset':
          hookRequests = 0;
          analyticsRequests = 0;
          analyticsEvents = 0;
          otherRequests = 0;
          seen = new Set();
          arrivals = new Map();
          recording = message.record;
          return reply({});
        case 'arrivals':
          return reply({ arrivals: [...arrivals.entries()] });
      }
    } catch (error) {
      process.send!({ seq: message.seq, ok: false, error: (error as Error).message });
    }
  });
  // Dies with the benchmark, however the benchmark ends.
  process.on('disconnect', () => process.exit(0));

  server.listen(0, '127.0.0.1', () => {
    const ready: ServerReady = { ready: true, port: (server.address() as AddressInfo).port };
    process.send!(ready);
  });
}

if (require.main === module) main();

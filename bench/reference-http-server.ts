/**
 * The bare HTTP server of `ref_http_per_s` (DESIGN §9), run in a child process
 * of its own like the api: node:http, the body read and `JSON.parse`d, 201 with
 * a small JSON body. Nothing else, so the load generator's figure against it is
 * what the machine allows an HTTP ingest endpoint before any Tidings code runs.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import type { ServerReady } from './bench-processes';

function main(): void {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_json"}');
        return;
      }
      // About what the api answers a 201 with (an id and a few fields).
      const body = `{"id":"${randomUUID()}","duplicate":false}`;
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    });
  });
  // As the receiver: never close a keep-alive connection under the load generator.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  server.maxRequestsPerSocket = 0;
  // Dies with the benchmark, however the benchmark ends.
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => {
    const ready: ServerReady = { ready: true, port: (server.address() as AddressInfo).port };
    process.send!(ready);
  });
}

if (require.main === module) main();

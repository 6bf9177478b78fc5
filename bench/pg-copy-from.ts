/**
 * `COPY … FROM STDIN` for the COPY reference, through pg-copy-streams (the
 * package node-postgres's author maintains for it).
 */
import { Client, PoolClient } from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** COPY's text format: backslash, tab, newline and carriage return escaped; null as \N. */
export function copyText(rows: (string | null)[][]): Buffer {
  const field = (v: string | null) =>
    v === null ? '\\N' : v.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
  return Buffer.from(rows.map((row) => row.map(field).join('\t')).join('\n') + '\n', 'utf8');
}

/** Runs `COPY <table> (<columns>) FROM STDIN` with `data` (see copyText); resolves to the rows copied. */
export async function copyFrom(client: Client | PoolClient, table: string, columns: string[], data: Buffer): Promise<number> {
  const stream = client.query(copyFromStdin(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from([data]), stream);
  return stream.rowCount ?? 0;
}

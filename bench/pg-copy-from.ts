/**
 * `COPY … FROM STDIN` with node-postgres alone, for the COPY reference
 * (pg-copy-streams is not a dependency). node-postgres runs any object with a
 * `submit(connection)` method as a query (its documented extension point, the
 * one pg-cursor and pg-copy-streams use) and hands it the copy-in response;
 * this one then sends the rows as CopyData and ends with CopyDone.
 */
import { Client, PoolClient } from 'pg';

/** The few protocol calls of pg's Connection this needs (present in pg 8: lib/connection.js). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

class CopyFrom {
  callback?: (error: Error | null) => void;
  private rowCount = 0;

  constructor(
    private readonly text: string,
    private readonly data: Buffer,
  ) {}

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    connection.sendCopyFromChunk(this.data);
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    this.rowCount = Number(/COPY (\d+)/.exec(message.text ?? '')?.[1] ?? 0);
  }

  // The client forgets the query on an error: its ReadyForQuery never reaches us, so settle now.
  handleError(error: Error): void {
    this.settle(error);
  }

  handleReadyForQuery(): void {
    this.settle(null);
  }

  private settle(error: Error | null): void {
    const callback = this.callback;
    this.callback = undefined;
    callback?.(error);
  }

  // Not sent by a COPY FROM; present because the client calls whichever message arrives.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  get rows(): number {
    return this.rowCount;
  }
}

/** COPY's text format: backslash, tab, newline and carriage return escaped; null as \N. */
export function copyText(rows: (string | null)[][]): Buffer {
  const field = (v: string | null) =>
    v === null ? '\\N' : v.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
  return Buffer.from(rows.map((row) => row.map(field).join('\t')).join('\n') + '\n', 'utf8');
}

/** Runs `COPY <table> (<columns>) FROM STDIN` with `data` (see copyText); resolves to the rows copied. */
export function copyFrom(client: Client | PoolClient, table: string, columns: string[], data: Buffer): Promise<number> {
  const copy = new CopyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`, data);
  return new Promise((resolve, reject) => {
    copy.callback = (error) => (error ? reject(error) : resolve(copy.rows));
    (client as unknown as { query(submittable: CopyFrom): void }).query(copy);
  });
}

import { preparedStatement } from '@tidings/common';
import { TEST_POSTGRES_URL } from '@tidings/testing';
import { Client } from 'pg';
import { UnnamedStatementClient } from './unnamed-statement-client';

describe('UnnamedStatementClient (DATABASE_POOL_MODE=transaction)', () => {
  const prepared = (client: Client) => client.query(`SELECT name FROM pg_prepared_statements`).then((r) => r.rows.map((row) => row.name));

  it('runs a named statement unnamed: nothing is left prepared in the session for another client to miss', async () => {
    const client = new UnnamedStatementClient({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      const statement = preparedStatement('tidings_unnamed_spec', 'SELECT $1::int + 1 AS n');
      expect((await client.query(statement, [41])).rows).toEqual([{ n: 42 }]);
      expect((await client.query(statement, [1])).rows).toEqual([{ n: 2 }]);
      expect(await prepared(client)).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it("is what makes the difference: node-postgres's own Client prepares it once per connection", async () => {
    const client = new Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      await client.query(preparedStatement('tidings_unnamed_spec', 'SELECT $1::int + 1 AS n'), [1]);
      expect(await prepared(client)).toEqual(['tidings_unnamed_spec']);
    } finally {
      await client.end();
    }
  });
});

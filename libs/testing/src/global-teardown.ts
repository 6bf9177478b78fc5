import { clearQueuePrefix } from './queue-cleanup';
import { TEMPLATE_ENV, withAdminClient } from './test-services';

/**
 * Drops the template and any clone a crashed test file left behind, and
 * every Redis key under this run's queue prefixes (testEnv names them after
 * the template): what this run made, and nothing of anyone else's.
 */
export default async function globalTeardown(): Promise<void> {
  const template = process.env[TEMPLATE_ENV];
  if (!template) return;
  await withAdminClient(async (client) => {
    const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${template}%`]);
    for (const { datname } of rows.sort((a, b) => b.datname.length - a.datname.length)) {
      await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  });
  await clearQueuePrefix(template, undefined, '_*');
}

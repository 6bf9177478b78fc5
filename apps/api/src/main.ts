import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { applyHeapGrowth, parseConfig, processEnv } from '@tidings/config';
import { migrateOnStart } from '@tidings/database';
import { createApiApp } from './create-api-app';

/** The api process: HTTP in, Postgres out. Migrates at start (advisory lock; safe with replicas). */
async function main(): Promise<void> {
  const config = parseConfig(processEnv());
  applyHeapGrowth(config);
  await migrateOnStart(config);
  const app = await createApiApp(config);
  await app.listen(config.port, '0.0.0.0');
  new Logger('Tidings').log(`api listening on :${config.port} (docs at /docs)`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { applyHeapGrowth, describeStartupFailure, parseConfig, processEnv, TidingsConfig } from '@tidings/config';
import { migrateOnStart } from '@tidings/database';
import { createApiApp } from './create-api-app';

/** Kept for the failure message, which names the setting behind a refused connection or a busy port. */
let parsedConfig: TidingsConfig | undefined;

/** The api process: HTTP in, Postgres out. Migrates at start (advisory lock; safe with replicas). */
async function main(): Promise<void> {
  const config = (parsedConfig = parseConfig(processEnv()));
  applyHeapGrowth(config);
  await migrateOnStart(config);
  const app = await createApiApp(config);
  await app.listen(config.port, '0.0.0.0');
  new Logger('Tidings').log(`api listening on :${config.port} (docs at /docs)`);
}

main().catch((error) => {
  console.error(describeStartupFailure(error, parsedConfig, 'api'));
  process.exit(1);
});

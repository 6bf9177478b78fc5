import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { applyHeapGrowth, armShutdownDeadline, describeStartupFailure, parseConfig, processEnv, TidingsConfig } from '@tidings/config';
import { migrateOnStart } from '@tidings/database';
import { createWorkerApp } from './create-worker-app';

/** Kept for the failure message, which names the setting behind a refused connection or a busy port. */
let parsedConfig: TidingsConfig | undefined;

/** The worker process: relays the outbox to BullMQ and delivers webhooks. */
async function main(): Promise<void> {
  const config = (parsedConfig = parseConfig(processEnv()));
  applyHeapGrowth(config);
  await migrateOnStart(config);
  await createWorkerApp(config);
  armShutdownDeadline(config.worker.shutdownGraceMs);
  new Logger('Tidings').log(`worker started (concurrency ${config.worker.concurrency}; health and metrics on :${config.workerPort})`);
}

main().catch((error) => {
  console.error(describeStartupFailure(error, parsedConfig, 'worker'));
  process.exit(1);
});

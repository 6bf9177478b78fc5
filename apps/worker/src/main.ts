import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { applyHeapGrowth, armShutdownDeadline, parseConfig, processEnv } from '@tidings/config';
import { migrateOnStart } from '@tidings/database';
import { createWorkerApp } from './create-worker-app';

/** The worker process: relays the outbox to BullMQ and delivers webhooks. */
async function main(): Promise<void> {
  const config = parseConfig(processEnv());
  applyHeapGrowth(config);
  await migrateOnStart(config);
  await createWorkerApp(config);
  armShutdownDeadline(config.worker.shutdownGraceMs);
  new Logger('Tidings').log(`worker started (concurrency ${config.worker.concurrency}; health and metrics on :${config.workerPort})`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

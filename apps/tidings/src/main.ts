import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { applyHeapGrowth, armShutdownDeadline, parseConfig, processEnv } from '@tidings/config';
import { migrateOnStart } from '@tidings/database';
import { createApiApp } from '../../api/src/create-api-app';
import { createWorkerApp } from '../../worker/src/create-worker-app';

/**
 * `npm start`: api and worker in one process, for a laptop. Production runs
 * them as separate processes (see docker-compose.yml); both scale out.
 */
async function main(): Promise<void> {
  const config = parseConfig(processEnv());
  applyHeapGrowth(config);
  await migrateOnStart(config);
  const worker = await createWorkerApp(config);
  const api = await createApiApp(config);
  await api.listen(config.port, '0.0.0.0');
  new Logger('Tidings').log(`api on http://localhost:${config.port} (docs at /docs) and worker in one process`);
  armShutdownDeadline(config.worker.shutdownGraceMs);
  const stop = async () => {
    await api.close();
    await worker.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

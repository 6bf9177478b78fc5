import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { applyHeapGrowth, armShutdownDeadline, describeStartupFailure, parseConfig, processEnv, TidingsConfig } from '@tidings/config';
import { migrateOnStart } from '@tidings/database';
import { runAsProcess } from '@tidings/logging';
import { TidingsMetrics } from '@tidings/metrics';
import { createApiApp } from '../../api/src/create-api-app';
import { createWorkerApp } from '../../worker/src/create-worker-app';
import { WorkerReadiness } from '../../worker/src/worker-readiness';

/** Kept for the failure message, which names the setting behind a refused connection or a busy port. */
let parsedConfig: TidingsConfig | undefined;

/**
 * `npm start`: api and worker in one process on one port, for a laptop: the
 * worker opens no port of its own, and the api's /health/ready and /metrics
 * report both. Production runs them as separate processes (see docker-compose.yml); both scale out.
 */
async function main(): Promise<void> {
  const config = (parsedConfig = parseConfig(processEnv()));
  applyHeapGrowth(config);
  await migrateOnStart(config);
  // No per-app signal hooks: `stop` below closes the api (no new events) and then the worker
  // (attempts in flight finish), once each. With both, every app was closed twice on SIGTERM,
  // and the second close ended each Postgres pool again ("Called end on pool more than once").
  // Each app is built, served and closed under its label; its timers, sockets and requests
  // inherit it, so every log line says which half wrote it.
  const worker = await runAsProcess('worker', () => createWorkerApp(config, { shutdownHooks: false, listen: false }));
  const readiness = worker.get(WorkerReadiness);
  const api = await runAsProcess('api', async () => {
    const app = await createApiApp(config, {
      shutdownHooks: false,
      worker: { readiness: () => runAsProcess('worker', () => readiness.check()), metrics: worker.get(TidingsMetrics) },
    });
    await app.listen(config.port, '0.0.0.0');
    new Logger('Tidings').log(`api on http://localhost:${config.port} (docs at /docs) and worker in one process`);
    return app;
  });
  armShutdownDeadline(config.worker.shutdownGraceMs);
  const stop = async () => {
    await runAsProcess('api', () => api.close());
    await runAsProcess('worker', () => worker.close());
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(describeStartupFailure(error, parsedConfig, 'tidings'));
  process.exit(1);
});

import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { applyHeapGrowth, armShutdownDeadline, describeStartupFailure, parseConfig, processEnv, TidingsConfig, withDatabaseUrl } from '@tidings/config';
import { EmbeddedPostgres, migrateOnStart, startEmbeddedPostgresIfNoneAnswers } from '@tidings/database';
import { runAsProcess } from '@tidings/logging';
import { TidingsMetrics } from '@tidings/metrics';
import { createApiApp } from '../../api/src/create-api-app';
import { createWorkerApp } from '../../worker/src/create-worker-app';
import { WorkerReadiness } from '../../worker/src/worker-readiness';

/** Kept for the failure message, which names the setting behind a refused connection or a busy port. */
let parsedConfig: TidingsConfig | undefined;
/** Started when DATABASE_URL is unset and nothing answers at the default URL; stopped last. */
let embeddedPostgres: EmbeddedPostgres | undefined;

/**
 * `npm start`: api and worker in one process on one port, for a laptop: the
 * worker opens no port of its own, and the api's /health/ready and /metrics
 * report both. Production runs them as separate processes (see docker-compose.yml); both scale out.
 * Only this entry point starts an embedded Postgres: the api and worker
 * processes share one database, which one of them cannot own.
 */
async function main(): Promise<void> {
  let config = (parsedConfig = parseConfig(processEnv()));
  applyHeapGrowth(config);
  embeddedPostgres = await startEmbeddedPostgresIfNoneAnswers(config);
  if (embeddedPostgres) config = parsedConfig = withDatabaseUrl(config, embeddedPostgres.url);
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
    await embeddedPostgres?.stop();
    process.exit(0);
  };
  embeddedPostgres?.yieldSignals();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(async (error) => {
  console.error(describeStartupFailure(error, parsedConfig, 'tidings'));
  await embeddedPostgres?.stop().catch(() => undefined);
  process.exit(1);
});

import { AsyncLocalStorage } from 'node:async_hooks';

export type ProcessLabel = 'api' | 'worker';

const label = new AsyncLocalStorage<ProcessLabel>();

/**
 * Runs `work` as the api or the worker, for the `process` field of every log
 * line it leads to (its timers, sockets and requests inherit the label). A
 * per-logger label cannot do this under `npm start`: Nest's `Logger` and
 * nestjs-pino each keep one logger per Node process, the first app's, so
 * every line said "worker".
 */
export function runAsProcess<T>(process: ProcessLabel, work: () => T): T {
  return label.run(process, work);
}

/** The label of the code running now, if it was started under runAsProcess. */
export function currentProcess(): ProcessLabel | undefined {
  return label.getStore();
}

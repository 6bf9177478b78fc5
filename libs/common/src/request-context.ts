import { AsyncLocalStorage } from 'node:async_hooks';

interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with a request id that code further down (e.g. register()) can read without it being passed along. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** The id of the HTTP request being served, if any: stored with events so the worker's log lines name it. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

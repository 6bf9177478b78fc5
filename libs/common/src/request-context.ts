import { AsyncLocalStorage } from 'node:async_hooks';

/** The HTTP request being served: its id, and what a log line written while serving it says of it. */
export interface RequestContext {
  requestId: string;
  method?: string;
  url?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with a request id that code further down (e.g. register()) can read without it being passed along. */
export function runWithRequestId<T>(requestId: string, fn: () => T, request?: { method?: string; url?: string }): T {
  return storage.run({ requestId, method: request?.method, url: request?.url }, fn);
}

/** The id of the HTTP request being served, if any: stored with events so the worker's log lines name it. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** The HTTP request being served, if any (for its log lines). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

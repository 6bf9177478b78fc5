/**
 * Preloaded (`node -r`) into children started with nodeScript(…, { orphanGuard: true })
 * (process-harness.ts), e.g. the api and worker the benchmark starts. They
 * have an IPC channel that nothing else uses; when the process that started
 * them goes away, however it goes (even SIGKILL), the channel closes and the
 * child shuts itself down (SIGTERM: its own graceful shutdown) instead of
 * living on as an orphan. The channel is unref'd so it never keeps the child
 * alive by itself. Nothing else in the child is touched. Not exported from
 * the package: it is run, never imported.
 */
if (typeof process.send === 'function') {
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  (process as unknown as { channel?: { unref(): void } }).channel?.unref();
}

export {};

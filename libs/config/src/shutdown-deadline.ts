/**
 * On SIGTERM/SIGINT Nest drains gracefully (the worker lets attempts in flight
 * finish; each is bounded by WEBHOOK_TIMEOUT_MS anyway). This bounds the whole
 * drain: after `graceMs` the process exits, and whatever it still held comes
 * back through the claim lease.
 */
export function armShutdownDeadline(graceMs: number): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        console.error(`Shutdown took longer than ${graceMs} ms; exiting`);
        process.exit(1);
      }, graceMs).unref();
    });
  }
}

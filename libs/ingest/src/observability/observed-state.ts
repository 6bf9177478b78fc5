import { ObservedStatus } from '@tidings/events';

/** A run's or a task's state as `observed_runs` / `observed_run_tasks` keep it. */
export interface ObservedState {
  status: ObservedStatus;
  startedAt: Date;
  endedAt: Date | null;
  /** When a RUNNING newer than the end reopened it. */
  reopenedAt: Date | null;
}

const END_STATUSES: ReadonlySet<ObservedStatus> = new Set(['COMPLETED', 'COMPLETED_WITH_WARNINGS', 'FAILED']);
export const isEndStatus = (status: ObservedStatus) => END_STATUSES.has(status);

/**
 * The state DESIGN §7.2 gives a run or task after a run-status event at `at`
 * (`current` null: the event creates it). Events may arrive out of order:
 *
 * - the start only moves earlier;
 * - an end status (COMPLETED, COMPLETED_WITH_WARNINGS, FAILED) applies only
 *   if newer than the current end, and, after a reopen, newer than the reopen
 *   (an old end arriving late does not close a run that was restarted later);
 * - RUNNING newer than the end reopens (status RUNNING, end cleared); an older
 *   RUNNING arriving late only moves the start.
 *
 * Ties are not newer: an event at the very instant of the end changes nothing.
 */
export function applyStatus(current: ObservedState | null, status: ObservedStatus, at: Date): ObservedState {
  if (!current) return { status, startedAt: at, endedAt: isEndStatus(status) ? at : null, reopenedAt: null };
  const next = touch(current, at);
  if (isEndStatus(status)) {
    const newerThanEnd = !current.endedAt || at > current.endedAt;
    const newerThanReopen = !current.reopenedAt || at > current.reopenedAt;
    return newerThanEnd && newerThanReopen ? { ...next, status, endedAt: at } : next;
  }
  if (current.endedAt && at > current.endedAt) return { ...next, status: 'RUNNING', endedAt: null, reopenedAt: at };
  return next;
}

/**
 * The state after any other event about it (a log, metric or test, or, for a
 * run, an event about one of its tasks) at `at`: one that did not exist yet
 * starts RUNNING at `at`; an existing one only has its start moved earlier.
 * Such events never end or reopen anything.
 */
export function touch(current: ObservedState | null, at: Date): ObservedState {
  if (!current) return { status: 'RUNNING', startedAt: at, endedAt: null, reopenedAt: null };
  return at < current.startedAt ? { ...current, startedAt: at } : current;
}

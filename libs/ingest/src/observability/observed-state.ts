import { ObservedStatus } from '@tidings/events';

/** A run's or a task's state as `observed_runs` / `observed_run_tasks` keep it. */
export interface ObservedState {
  status: ObservedStatus;
  startedAt: Date;
  endedAt: Date | null;
  /** When a RUNNING newer than the end last reopened it (kept for the record; no rule reads it). */
  reopenedAt: Date | null;
}

const END_STATUSES: ReadonlySet<ObservedStatus> = new Set(['COMPLETED', 'COMPLETED_WITH_WARNINGS', 'FAILED']);
export const isEndStatus = (status: ObservedStatus) => END_STATUSES.has(status);

/**
 * The state a run or task has after a run-status event at `at` (`current`
 * null: the event creates it), by DataKitchen's own `update_state` rules
 * (dataops-observability run_manager/event_handlers/utils.py, DESIGN §7.2).
 * Events may arrive out of order:
 *
 * - the start only moves earlier;
 * - an end status (COMPLETED, COMPLETED_WITH_WARNINGS, FAILED) applies if
 *   there is no end yet or it is newer than the current end. A reopened run
 *   has no end, so an older end arriving after the reopen closes it again,
 *   as DataKitchen does;
 * - RUNNING newer than the end reopens (status RUNNING, end cleared); an older
 *   RUNNING arriving late only moves the start.
 *
 * Ties are not newer: an event at the very instant of the end changes nothing.
 */
export function applyStatus(current: ObservedState | null, status: ObservedStatus, at: Date): ObservedState {
  if (!current) return { status, startedAt: at, endedAt: isEndStatus(status) ? at : null, reopenedAt: null };
  const next = at < current.startedAt ? { ...current, startedAt: at } : current;
  const newerThanEnd = !current.endedAt || at > current.endedAt;
  if (!newerThanEnd) return next;
  if (isEndStatus(status)) return { ...next, status, endedAt: at };
  return current.endedAt ? { ...next, status: 'RUNNING', endedAt: null, reopenedAt: at } : next;
}

/**
 * The state after any other event about it (a log, metric or test, or, for a
 * run, an event about one of its tasks) at `at`: one that did not exist yet
 * starts RUNNING at `at`; an existing one is left as it is (DataKitchen sets a
 * task's start only when it has none and its status to at least RUNNING, which
 * every stored task already is). Such events never move a start, end or reopen
 * anything.
 */
export function touch(current: ObservedState | null, at: Date): ObservedState {
  if (!current) return { status: 'RUNNING', startedAt: at, endedAt: null, reopenedAt: null };
  return current;
}

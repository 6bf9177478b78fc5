import { parseExpression } from 'cron-parser';
import { ExpectedRunSchedule } from './schedule-input';

/**
 * How far back the evaluation looks: a tick is judged only while its deadline
 * (tick + start_within, or tick + finish_within) passed less than this long
 * ago. After a longer outage of every worker, older ticks are not reported:
 * one alert per missed tick of a per-minute schedule over a day would bury
 * the one that matters.
 */
export const SCHEDULE_LOOKBACK_MS = 3_600_000;

/** Per schedule and kind, a guard on ticks judged in one pass (a per-minute cron has 60 in the lookback). */
const MAX_TICKS = 120;

export type ExpectedRunKind = 'missing' | 'late';

/** A run as the judgement needs it (from observed_runs). */
export interface ScheduledRun {
  run_key: string;
  run_name: string | null;
  pipeline_name: string | null;
  status: string;
  started_at: Date;
  ended_at: Date | null;
}

export interface DueTicks {
  /** Ticks whose start deadline has passed (within the lookback): did a run start? */
  missing: Date[];
  /** Ticks whose finish deadline has passed (within the lookback): did their run end in time? */
  late: Date[];
}

export interface ExpectedRunVerdict {
  kind: ExpectedRunKind;
  tick: Date;
  /** The deadline missed: tick + start_within (missing) or tick + finish_within (late). */
  deadline: Date;
  /** For `late`: the run that started for the tick. */
  run?: ScheduledRun;
}

/** The schedule's ticks t with from < t ≤ until, oldest first (at most MAX_TICKS, the newest kept). */
export function ticksBetween(schedule: Pick<ExpectedRunSchedule, 'cron' | 'timezone'>, from: Date, until: Date): Date[] {
  if (until.getTime() <= from.getTime()) return [];
  const iterator = parseExpression(schedule.cron, { tz: schedule.timezone, currentDate: from, endDate: until });
  const ticks: Date[] = [];
  while (iterator.hasNext()) {
    ticks.push(iterator.next().toDate());
    if (ticks.length > MAX_TICKS) ticks.shift();
  }
  return ticks;
}

/**
 * The ticks to judge at `now`: deadline passed within the lookback, tick not
 * before the schedule took effect, and — when given — deadline after
 * `judgedThrough` (a time this process already judged every deadline up to).
 */
export function dueTicks(schedule: ExpectedRunSchedule, effectiveFrom: Date, now: Date, judgedThrough?: Date): DueTicks {
  const deadlineFloor = Math.max(now.getTime() - SCHEDULE_LOOKBACK_MS, judgedThrough?.getTime() ?? -Infinity);
  const due = (withinS: number) => {
    const lastTick = now.getTime() - withinS * 1000;
    const from = Math.max(deadlineFloor - withinS * 1000, effectiveFrom.getTime() - 1);
    return ticksBetween(schedule, new Date(from), new Date(lastTick));
  };
  return { missing: due(schedule.startWithinS), late: schedule.finishWithinS == null ? [] : due(schedule.finishWithinS) };
}

/**
 * DESIGN §7.2: a tick is `missing` when no run of the pipeline started in
 * [tick, tick + start_within]; `late` when the first run that did has not
 * ended by tick + finish_within. `runs` are the pipeline's runs started
 * between the first due tick and the last one's start deadline, in start order.
 */
export function judgeTicks(schedule: ExpectedRunSchedule, due: DueTicks, runs: readonly ScheduledRun[]): ExpectedRunVerdict[] {
  const after = (tick: Date, seconds: number) => new Date(tick.getTime() + seconds * 1000);
  const runFor = (tick: Date) => {
    const startBy = after(tick, schedule.startWithinS).getTime();
    return runs.find((run) => run.started_at.getTime() >= tick.getTime() && run.started_at.getTime() <= startBy);
  };
  const verdicts: ExpectedRunVerdict[] = [];
  for (const tick of due.missing) {
    if (!runFor(tick)) verdicts.push({ kind: 'missing', tick, deadline: after(tick, schedule.startWithinS) });
  }
  for (const tick of due.late) {
    const run = runFor(tick);
    const finishBy = after(tick, schedule.finishWithinS!);
    if (run && (run.ended_at === null || run.ended_at.getTime() > finishBy.getTime()))
      verdicts.push({ kind: 'late', tick, deadline: finishBy, run });
  }
  return verdicts;
}

/** The schedule's next tick after `now`, or null when the expression has none. */
export function nextTick(schedule: Pick<ExpectedRunSchedule, 'cron' | 'timezone'>, now: Date): Date | null {
  try {
    return parseExpression(schedule.cron, { tz: schedule.timezone, currentDate: now }).next().toDate();
  } catch {
    return null;
  }
}

import { Injectable } from '@nestjs/common';
import { nextTick } from './expected-ticks';
import { ObservedScheduleStore, RecordedTick, StoredSchedule } from './observed-schedule-store';
import { showDuration } from './schedule-input';

/** A schedule as the API shows it, with its state: the next tick expected and the last one missed or late. */
export interface ScheduleView {
  pipeline_key: string;
  cron: string;
  timezone: string;
  start_within: string;
  finish_within: string | null;
  /** Ticks before this (when the schedule was last saved) are not judged. */
  effective_from: Date;
  created_at: Date;
  updated_at: Date;
  next_tick: Date | null;
  /** next_tick + start_within: when a missing run will be reported. */
  next_start_by: Date | null;
  last_missing: RecordedTick | null;
  last_late: RecordedTick | null;
}

/** The schedules (with state) of some pipelines, by pipeline key; pipelines without one are absent. */
@Injectable()
export class GetScheduleViews {
  constructor(private readonly store: ObservedScheduleStore) {}

  async execute(pipelineKeys: readonly string[], now = new Date()): Promise<Map<string, ScheduleView>> {
    const keys = [...new Set(pipelineKeys)];
    const views = new Map<string, ScheduleView>();
    if (keys.length === 0) return views;
    const schedules = await this.store.getMany(keys);
    if (schedules.length === 0) return views;
    const recorded = await this.store.lastRecorded(schedules.map((s) => s.pipelineKey));
    for (const schedule of schedules) views.set(schedule.pipelineKey, viewOf(schedule, recorded.get(schedule.pipelineKey) ?? {}, now));
    return views;
  }

  async one(pipelineKey: string, now = new Date()): Promise<ScheduleView | undefined> {
    return (await this.execute([pipelineKey], now)).get(pipelineKey);
  }
}

function viewOf(schedule: StoredSchedule, recorded: Partial<Record<'missing' | 'late', RecordedTick>>, now: Date): ScheduleView {
  // A tick before the schedule took effect is never judged, so it is not "next" either.
  const next = nextTick(schedule, new Date(Math.max(now.getTime(), schedule.effectiveFrom.getTime() - 1)));
  return {
    pipeline_key: schedule.pipelineKey,
    cron: schedule.cron,
    timezone: schedule.timezone,
    start_within: showDuration(schedule.startWithinS),
    finish_within: schedule.finishWithinS == null ? null : showDuration(schedule.finishWithinS),
    effective_from: schedule.effectiveFrom,
    created_at: schedule.createdAt,
    updated_at: schedule.updatedAt,
    next_tick: next,
    next_start_by: next ? new Date(next.getTime() + schedule.startWithinS * 1000) : null,
    last_missing: recorded.missing ?? null,
    last_late: recorded.late ?? null,
  };
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventRegistrar, ObservedRunLate, ObservedRunMissing } from '@tidings/events';
import { dueTicks, ExpectedRunVerdict, judgeTicks } from './expected-ticks';
import { ObservedScheduleStore, StoredSchedule, tickKey } from './observed-schedule-store';

/** Recorded ticks are kept this long (the events themselves follow event retention). */
const TICK_RETENTION_MS = 30 * 86_400_000;

export interface ExpectedRunPass {
  schedules: number;
  missing: number;
  late: number;
  /** Schedules whose judgement failed this pass (e.g. deleted meanwhile), with the reason; the others went on. */
  failed: { pipeline_key: string; error: string }[];
}

/**
 * The worker's judgement of expected-run schedules at `now` (DESIGN §7.2):
 * for every schedule, the ticks whose deadline passed within the lookback
 * (SCHEDULE_LOOKBACK_MS) are judged against the pipeline's observed runs, and
 * each missing or late tick not yet recorded is claimed and recorded as an
 * `observability:run:missing` / `:late` event in one transaction. Every
 * worker replica runs it; the claim makes each tick's event happen once.
 */
@Injectable()
export class EvaluateExpectedRuns {
  /**
   * Per schedule (as defined), the `now` of this process's last pass that
   * judged it without error: a tick's verdict is final once its deadline has
   * passed (runs are never deleted, recorded ticks are claimed), so the next
   * pass judges only the deadlines after it, not the whole lookback again.
   */
  private readonly judgedThrough = new Map<string, { definition: string; at: Date }>();

  constructor(
    private readonly db: DataSource,
    private readonly store: ObservedScheduleStore,
    private readonly events: EventRegistrar,
  ) {}

  async execute(now: Date): Promise<ExpectedRunPass> {
    const pass: ExpectedRunPass = { schedules: 0, missing: 0, late: 0, failed: [] };
    const schedules = await this.store.list();
    const current = new Set(schedules.map((schedule) => schedule.pipelineKey));
    for (const key of this.judgedThrough.keys()) if (!current.has(key)) this.judgedThrough.delete(key);
    for (const schedule of schedules) {
      pass.schedules++;
      const definition = [
        schedule.cron,
        schedule.timezone,
        schedule.startWithinS,
        schedule.finishWithinS,
        schedule.effectiveFrom.toISOString(),
      ].join('|');
      const judged = this.judgedThrough.get(schedule.pipelineKey);
      try {
        for (const verdict of await this.verdicts(schedule, now, judged?.definition === definition ? judged.at : undefined)) {
          if (await this.record(schedule, verdict)) pass[verdict.kind]++;
        }
        if (!judged || judged.definition !== definition || judged.at < now)
          this.judgedThrough.set(schedule.pipelineKey, { definition, at: now });
      } catch (error) {
        pass.failed.push({ pipeline_key: schedule.pipelineKey, error: (error as Error).message });
      }
    }
    await this.store.pruneTicks(new Date(now.getTime() - TICK_RETENTION_MS));
    return pass;
  }

  /** The missing and late ticks of `schedule` at `now` that no worker has recorded yet. */
  private async verdicts(schedule: StoredSchedule, now: Date, judgedThrough?: Date): Promise<ExpectedRunVerdict[]> {
    const due = dueTicks(schedule, schedule.effectiveFrom, now, judgedThrough);
    const ticks = [...due.missing, ...due.late].map((tick) => tick.getTime());
    if (ticks.length === 0) return [];
    const first = new Date(Math.min(...ticks));
    const lastStartBy = new Date(Math.max(...ticks) + schedule.startWithinS * 1000);
    const runs = await this.store.runsStartedBetween(schedule.pipelineKey, first, lastStartBy);
    const verdicts = judgeTicks(schedule, due, runs);
    if (verdicts.length === 0) return [];
    const recorded = await this.store.recordedSince(schedule.pipelineKey, first);
    return verdicts.filter((verdict) => !recorded.has(tickKey(verdict.kind, verdict.tick)));
  }

  private async record(schedule: StoredSchedule, verdict: ExpectedRunVerdict): Promise<boolean> {
    const pipelineName = verdict.run?.pipeline_name ?? (await this.store.pipelineName(schedule.pipelineKey));
    const body = {
      occurred_at: verdict.deadline,
      pipeline: { key: schedule.pipelineKey, ...(pipelineName ? { name: pipelineName } : {}) },
      schedule: {
        cron: schedule.cron,
        timezone: schedule.timezone,
        tick: verdict.tick.toISOString(),
        start_within_s: schedule.startWithinS,
        start_by: new Date(verdict.tick.getTime() + schedule.startWithinS * 1000).toISOString(),
        ...(schedule.finishWithinS != null
          ? {
              finish_within_s: schedule.finishWithinS,
              finish_by: new Date(verdict.tick.getTime() + schedule.finishWithinS * 1000).toISOString(),
            }
          : {}),
      },
    };
    const run = verdict.run;
    const event =
      verdict.kind === 'missing'
        ? ObservedRunMissing.create(body)
        : ObservedRunLate.create({
            ...body,
            run: {
              key: run!.run_key,
              ...(run!.run_name ? { name: run!.run_name } : {}),
              status: run!.status,
              started_at: run!.started_at.toISOString(),
              ...(run!.ended_at ? { ended_at: run!.ended_at.toISOString() } : {}),
            },
          });
    return this.db.transaction(async (tx) => {
      if (!(await this.store.claim(tx, schedule.pipelineKey, verdict.kind, verdict.tick, run?.run_key ?? null))) return false;
      const { event: recorded } = await this.events.register(tx, event);
      await this.store.attachEvent(tx, schedule.pipelineKey, verdict.kind, verdict.tick, recorded.id);
      return true;
    });
  }
}

import { dueTicks, judgeTicks, ScheduledRun, SCHEDULE_LOOKBACK_MS, ticksBetween } from './expected-ticks';
import { ExpectedRunSchedule, validateSchedule } from './schedule-input';

const at = (iso: string) => new Date(iso);
const schedule = (overrides: Partial<ExpectedRunSchedule> = {}): ExpectedRunSchedule => ({
  pipelineKey: 'SFTP_to_Tableau',
  cron: '0 2 * * *',
  timezone: 'UTC',
  startWithinS: 1800,
  finishWithinS: 7200,
  ...overrides,
});
const run = (key: string, started: string, ended: string | null): ScheduledRun => ({
  run_key: key,
  run_name: null,
  pipeline_name: null,
  status: ended ? 'COMPLETED' : 'RUNNING',
  started_at: at(started),
  ended_at: ended ? at(ended) : null,
});

describe('expected-run ticks', () => {
  it("reads the cron expression in the schedule's time zone", () => {
    const paris = ticksBetween({ cron: '30 2 * * *', timezone: 'Europe/Paris' }, at('2026-12-02T00:00:00Z'), at('2026-12-04T00:00:00Z'));
    expect(paris.map((t) => t.toISOString())).toEqual(['2026-12-02T01:30:00.000Z', '2026-12-03T01:30:00.000Z']);
  });

  it('judges a tick only once its deadline has passed, within the lookback, and not before the schedule took effect', () => {
    const s = schedule();
    const effective = at('2026-11-01T00:00:00Z');
    expect(dueTicks(s, effective, at('2026-11-20T02:29:59Z'))).toEqual({ missing: [], late: [] });
    expect(dueTicks(s, effective, at('2026-11-20T02:30:00Z')).missing).toEqual([at('2026-11-20T02:00:00Z')]);
    expect(dueTicks(s, effective, at('2026-11-20T04:00:00Z')).late).toEqual([at('2026-11-20T02:00:00Z')]);
    // Deadline passed more than the lookback ago: not judged (no backfill after an outage).
    expect(dueTicks(s, effective, new Date(at('2026-11-20T02:30:00Z').getTime() + SCHEDULE_LOOKBACK_MS)).missing).toEqual([]);
    // A tick before the schedule was saved is never judged.
    expect(dueTicks(s, at('2026-11-20T02:00:01Z'), at('2026-11-20T02:31:00Z')).missing).toEqual([]);
  });

  it('given what this process already judged, only deadlines after it are due', () => {
    const s = schedule({ cron: '* * * * *', startWithinS: 20, finishWithinS: 40 });
    const due = dueTicks(s, at('2026-11-20T00:00:00Z'), at('2026-11-20T10:05:30Z'), at('2026-11-20T10:04:30Z'));
    // Start deadlines (tick + 20 s) in (10:04:30, 10:05:30]: the 10:04:20 one was judged, 10:05:20 is new.
    expect(due.missing).toEqual([at('2026-11-20T10:05:00Z')]);
    // Finish deadlines (tick + 40 s) in (10:04:30, 10:05:30]: 10:04:40, for the 10:04 tick.
    expect(due.late).toEqual([at('2026-11-20T10:04:00Z')]);
  });

  it("a per-minute schedule after a long outage judges at most the lookback's ticks", () => {
    const due = dueTicks(
      schedule({ cron: '* * * * *', startWithinS: 20, finishWithinS: null }),
      at('2020-01-01T00:00:00Z'),
      at('2026-11-20T12:00:00Z'),
    );
    expect(due.missing.length).toBe(SCHEDULE_LOOKBACK_MS / 60_000);
    expect(due.late).toEqual([]);
  });

  it('missing: no run started in [tick, tick + start_within]; late: the run for the tick had not ended by tick + finish_within', () => {
    const s = schedule({ cron: '* * * * *', startWithinS: 20, finishWithinS: 40 });
    const due = {
      missing: [at('2026-11-20T10:00:00Z'), at('2026-11-20T10:01:00Z'), at('2026-11-20T10:02:00Z')],
      late: [at('2026-11-20T10:00:00Z'), at('2026-11-20T10:02:00Z')],
    };
    const runs = [
      run('in-time', '2026-11-20T10:00:05Z', '2026-11-20T10:00:30Z'),
      run('too-early-for-10:01', '2026-11-20T10:00:59Z', '2026-11-20T10:01:10Z'),
      run('hanging', '2026-11-20T10:02:20Z', null),
    ];
    const verdicts = judgeTicks(s, due, runs);
    expect(verdicts.map((v) => [v.kind, v.tick.toISOString(), v.deadline.toISOString(), v.run?.run_key])).toEqual([
      ['missing', '2026-11-20T10:01:00.000Z', '2026-11-20T10:01:20.000Z', undefined],
      ['late', '2026-11-20T10:02:00.000Z', '2026-11-20T10:02:40.000Z', 'hanging'],
    ]);
    // A run that ended, but after the finish deadline, was late too.
    const endedLate = judgeTicks(s, { missing: [], late: [at('2026-11-20T10:02:00Z')] }, [
      run('slow', '2026-11-20T10:02:01Z', '2026-11-20T10:02:41Z'),
    ]);
    expect(endedLate.map((v) => v.kind)).toEqual(['late']);
  });
});

describe('schedule input', () => {
  const problems = (body: unknown) => {
    try {
      validateSchedule('p', body);
      return [];
    } catch (error) {
      return (error as { details: { field: string; message: string }[] }).details.map((d) => `${d.field}: ${d.message}`);
    }
  };

  it('accepts a cron expression, a time zone and durations with units', () => {
    expect(validateSchedule('p', { cron: '30 2 * * 1-5', timezone: 'Europe/Paris', start_within: '30m', finish_within: '2h' })).toEqual({
      pipelineKey: 'p',
      cron: '30 2 * * 1-5',
      timezone: 'Europe/Paris',
      startWithinS: 1800,
      finishWithinS: 7200,
    });
    expect(validateSchedule('p', { cron: '0 * * * *', start_within: '90s' })).toMatchObject({ timezone: 'UTC', finishWithinS: null });
  });

  it('refuses bad cron, unknown time zones, non-positive or unit-less durations and unknown fields, each named', () => {
    expect(problems({ cron: '61 * * * *', start_within: '5m' })).toEqual([expect.stringMatching(/^cron: is not a cron expression: .*61/)]);
    expect(problems({ cron: '* * * * * *', start_within: '5m' })).toEqual([expect.stringMatching(/^cron: must have 5 fields/)]);
    expect(problems({ cron: '* * * * *', timezone: 'Mars/Olympus', start_within: '5m' })).toEqual([
      expect.stringMatching(/^timezone: "Mars\/Olympus" is not an IANA/),
    ]);
    expect(problems({ cron: '* * * * *', start_within: '0s' })).toEqual(['start_within: must be longer than zero']);
    expect(problems({ cron: '* * * * *', start_within: '-5m' })).toEqual([expect.stringMatching(/^start_within: "-5m" is not a duration/)]);
    expect(problems({ cron: '* * * * *', start_within: '300' })).toEqual([expect.stringMatching(/^start_within: "300" needs a unit/)]);
    expect(problems({ cron: '* * * * *', start_within: '30m', finish_within: '10m' })).toEqual([
      expect.stringMatching(/^finish_within: must not be shorter/),
    ]);
    expect(problems({ cron: '* * * * *', start_within: '8d' })).toEqual(['start_within: must be at most 7d']);
    expect(problems({ cron: '* * * * *', start_within: '5m', every: 'day' })).toEqual([expect.stringMatching(/^every: /)]);
    expect(problems({ start_within: 5 })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^cron: /), expect.stringMatching(/^start_within: /)]),
    );
  });
});

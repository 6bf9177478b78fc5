import { OpenLineageEventType } from '@tidings/events';
import { LineageRunRecord, nextLineageRun, stateOf } from './lineage-run-state';

const at = (time: string) => new Date(`2026-11-20T${time}Z`);

/** Applies events in arrival order. */
function replay(events: [OpenLineageEventType, string][]): LineageRunRecord {
  let run: LineageRunRecord | null = null;
  for (const [type, time] of events) run = nextLineageRun(run, type, at(time));
  return run!;
}

describe('lineage run state (DESIGN §7.1)', () => {
  it.each([
    ['COMPLETE', 'COMPLETED'],
    ['FAIL', 'FAILED'],
    ['ABORT', 'ABORTED'],
    ['START', 'RUNNING'],
    ['RUNNING', 'RUNNING'],
    ['OTHER', 'RUNNING'],
  ] as const)('a first %s makes a %s run', (type, state) => {
    expect(replay([[type, '10:00:00']]).state).toBe(state);
  });

  it('maps OTHER to no state change once a run exists', () => {
    expect(stateOf('OTHER')).toBeNull();
    expect(
      replay([
        ['COMPLETE', '10:05:00'],
        ['OTHER', '10:06:00'],
      ]),
    ).toMatchObject({ state: 'COMPLETED', lastEventType: 'OTHER', lastEventAt: at('10:06:00') });
  });

  it('follows the events in time order: START then COMPLETE', () => {
    expect(
      replay([
        ['START', '10:00:00'],
        ['RUNNING', '10:02:00'],
        ['COMPLETE', '10:05:00'],
      ]),
    ).toEqual({
      state: 'COMPLETED',
      lastEventType: 'COMPLETE',
      startedAt: at('10:00:00'),
      endedAt: at('10:05:00'),
      stateChangedAt: at('10:05:00'),
      lastEventAt: at('10:05:00'),
    });
  });

  it('never moves back from a terminal state because of an older event arriving late', () => {
    expect(
      replay([
        ['COMPLETE', '10:05:00'],
        ['START', '10:00:00'],
        ['RUNNING', '10:03:00'],
      ]),
    ).toEqual({
      state: 'COMPLETED',
      lastEventType: 'COMPLETE',
      startedAt: at('10:00:00'),
      endedAt: at('10:05:00'),
      stateChangedAt: at('10:05:00'),
      lastEventAt: at('10:05:00'),
    });
    expect(
      replay([
        ['FAIL', '10:05:00'],
        ['COMPLETE', '10:04:00'],
      ]),
    ).toMatchObject({ state: 'FAILED', endedAt: at('10:05:00') });
  });

  it('an event at the same instant as the terminal one does not reopen it', () => {
    expect(
      replay([
        ['COMPLETE', '10:05:00'],
        ['START', '10:05:00'],
      ]).state,
    ).toBe('COMPLETED');
  });

  it('a newer event does move a terminal state', () => {
    expect(
      replay([
        ['FAIL', '10:05:00'],
        ['COMPLETE', '10:06:00'],
      ]),
    ).toMatchObject({ state: 'COMPLETED', endedAt: at('10:06:00') });
    expect(
      replay([
        ['COMPLETE', '10:05:00'],
        ['RUNNING', '10:06:00'],
      ]),
    ).toMatchObject({ state: 'RUNNING', endedAt: null });
  });

  it('a stale terminal event does not close a run that is running again since later', () => {
    expect(
      replay([
        ['COMPLETE', '10:05:00'],
        ['START', '10:10:00'],
        ['FAIL', '10:07:00'],
      ]),
    ).toMatchObject({ state: 'RUNNING', endedAt: null });
  });
});

import { LineageRunState, OpenLineageEventType } from '@tidings/events';

/** A lineage run as `lineage_runs` keeps it. */
export interface LineageRunRecord {
  state: LineageRunState;
  lastEventType: OpenLineageEventType;
  startedAt: Date;
  endedAt: Date | null;
  /** eventTime of the event that set `state`. */
  stateChangedAt: Date;
  lastEventAt: Date;
}

const TERMINAL: ReadonlySet<LineageRunState> = new Set(['COMPLETED', 'FAILED', 'ABORTED']);

/** The state an event type moves a run to (DESIGN §7.1); OTHER carries metadata and moves nothing once a run exists. */
export function stateOf(eventType: OpenLineageEventType): LineageRunState | null {
  switch (eventType) {
    case 'COMPLETE':
      return 'COMPLETED';
    case 'FAIL':
      return 'FAILED';
    case 'ABORT':
      return 'ABORTED';
    case 'START':
    case 'RUNNING':
      return 'RUNNING';
    default:
      return null;
  }
}

export const isTerminal = (state: LineageRunState) => TERMINAL.has(state);

/**
 * The run after one more event. Events may arrive in any order, so time
 * decides, not arrival: the state follows the newest event that sets one.
 * A terminal state moves only for a strictly newer event (an older START or
 * RUNNING delivered late never reopens a finished run); a running one moves
 * for an event at least as new. OTHER never changes the state of a known run:
 * OpenLineage sends it after COMPLETE to add metadata. The start only moves
 * earlier; the end is the time of the terminal event in force.
 */
export function nextLineageRun(current: LineageRunRecord | null, eventType: OpenLineageEventType, at: Date): LineageRunRecord {
  const target = stateOf(eventType);
  if (!current) {
    const state = target ?? 'RUNNING';
    return { state, lastEventType: eventType, startedAt: at, endedAt: isTerminal(state) ? at : null, stateChangedAt: at, lastEventAt: at };
  }
  const next: LineageRunRecord = {
    ...current,
    startedAt: at < current.startedAt ? at : current.startedAt,
    lastEventAt: at > current.lastEventAt ? at : current.lastEventAt,
    lastEventType: at >= current.lastEventAt ? eventType : current.lastEventType,
  };
  if (target === null) return next;
  const newer = isTerminal(current.state) ? at > current.stateChangedAt : at >= current.stateChangedAt;
  if (!newer) return next;
  return { ...next, state: target, stateChangedAt: at, endedAt: isTerminal(target) ? at : null };
}

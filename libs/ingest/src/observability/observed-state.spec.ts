import { applyStatus, ObservedState, touch } from './observed-state';

const at = (time: string) => new Date(`2026-11-20T${time}Z`);
const state = (s: Partial<ObservedState> & Pick<ObservedState, 'status'>): ObservedState => ({
  startedAt: at('10:00:00'),
  endedAt: null,
  reopenedAt: null,
  ...s,
});

describe('observed run and task state (DESIGN §7.2)', () => {
  describe('the first event creates it', () => {
    it('RUNNING: started, not ended', () => {
      expect(applyStatus(null, 'RUNNING', at('10:00:00'))).toEqual({
        status: 'RUNNING',
        startedAt: at('10:00:00'),
        endedAt: null,
        reopenedAt: null,
      });
    });

    it.each(['COMPLETED', 'COMPLETED_WITH_WARNINGS', 'FAILED'] as const)('%s: started and ended at that time', (status) => {
      expect(applyStatus(null, status, at('10:05:00'))).toEqual({
        status,
        startedAt: at('10:05:00'),
        endedAt: at('10:05:00'),
        reopenedAt: null,
      });
    });

    it('a log, metric or test event: RUNNING from its time', () => {
      expect(touch(null, at('10:01:00'))).toEqual({ status: 'RUNNING', startedAt: at('10:01:00'), endedAt: null, reopenedAt: null });
    });
  });

  describe('start time only moves earlier, and only by a status event', () => {
    it('an older status event moves it; a newer one does not', () => {
      const running = state({ status: 'RUNNING' });
      expect(applyStatus(running, 'RUNNING', at('09:59:00')).startedAt).toEqual(at('09:59:00'));
      expect(applyStatus(running, 'RUNNING', at('10:30:00')).startedAt).toEqual(at('10:00:00'));
    });

    it('a log, metric or test event leaves an existing start alone, older or newer (DataKitchen sets it only when unset)', () => {
      const running = state({ status: 'RUNNING' });
      expect(touch(running, at('09:58:00'))).toBe(running);
      expect(touch(running, at('10:58:00'))).toBe(running);
    });
  });

  describe('an end status applies only if newer than the current end', () => {
    it('ends a running run', () => {
      expect(applyStatus(state({ status: 'RUNNING' }), 'COMPLETED', at('10:05:00'))).toMatchObject({
        status: 'COMPLETED',
        endedAt: at('10:05:00'),
      });
    });

    it('an end older than the start still ends a run never ended (the start moves to it)', () => {
      expect(applyStatus(state({ status: 'RUNNING' }), 'FAILED', at('09:50:00'))).toEqual({
        status: 'FAILED',
        startedAt: at('09:50:00'),
        endedAt: at('09:50:00'),
        reopenedAt: null,
      });
    });

    it('a newer end replaces the end', () => {
      const completed = state({ status: 'COMPLETED', endedAt: at('10:05:00') });
      expect(applyStatus(completed, 'FAILED', at('10:06:00'))).toMatchObject({ status: 'FAILED', endedAt: at('10:06:00') });
    });

    it.each(['09:00:00', '10:04:59', '10:05:00'])('an end at %s (not newer than 10:05) changes nothing but the start', (time) => {
      const completed = state({ status: 'COMPLETED', endedAt: at('10:05:00') });
      const next = applyStatus(completed, 'FAILED', at(time));
      expect(next).toMatchObject({ status: 'COMPLETED', endedAt: at('10:05:00') });
    });
  });

  describe('RUNNING after an end reopens', () => {
    const completed = state({ status: 'COMPLETED', endedAt: at('10:05:00') });

    it('a newer RUNNING reopens: RUNNING, end cleared', () => {
      expect(applyStatus(completed, 'RUNNING', at('10:10:00'))).toEqual({
        status: 'RUNNING',
        startedAt: at('10:00:00'),
        endedAt: null,
        reopenedAt: at('10:10:00'),
      });
    });

    it('an older RUNNING arriving late does not reopen; it only moves the start', () => {
      expect(applyStatus(completed, 'RUNNING', at('09:55:00'))).toEqual({ ...completed, startedAt: at('09:55:00') });
      expect(applyStatus(completed, 'RUNNING', at('10:05:00'))).toEqual(completed);
    });

    it('after a reopen, an end older than the reopen closes it again (the reopen cleared the end), as DataKitchen does', () => {
      const reopened = applyStatus(completed, 'RUNNING', at('10:10:00'));
      expect(applyStatus(reopened, 'FAILED', at('10:07:00'))).toMatchObject({ status: 'FAILED', endedAt: at('10:07:00') });
      expect(applyStatus(reopened, 'FAILED', at('10:12:00'))).toMatchObject({ status: 'FAILED', endedAt: at('10:12:00') });
    });

    it('a RUNNING at the instant of the end, or on a run never ended, changes no status', () => {
      expect(applyStatus(completed, 'RUNNING', at('10:05:00'))).toEqual(completed);
      const running = state({ status: 'RUNNING' });
      expect(applyStatus(running, 'RUNNING', at('10:20:00'))).toBe(running);
    });

    it('logs, metrics and tests never end or reopen', () => {
      expect(touch(completed, at('10:30:00'))).toBe(completed);
    });
  });
});

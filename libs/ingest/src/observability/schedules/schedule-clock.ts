import { readFileSync } from 'node:fs';

/** Where the schedule evaluation takes "now" from. */
export abstract class ScheduleClock {
  abstract now(): Date;
}

export class SystemClock extends ScheduleClock {
  now(): Date {
    return new Date();
  }
}

/**
 * Test only (TIDINGS_TEST_CLOCK_FILE): "now" is the ISO time written in a
 * file, read on every pass, so one test drives the clock of several worker
 * processes at once. A missing or unreadable file is an error, never a silent
 * fall-back to the real time.
 */
export class FileClock extends ScheduleClock {
  constructor(private readonly path: string) {
    super();
  }

  now(): Date {
    const text = readFileSync(this.path, 'utf8').trim();
    const at = new Date(text);
    if (Number.isNaN(at.getTime())) throw new Error(`TIDINGS_TEST_CLOCK_FILE ${this.path} holds "${text.slice(0, 40)}", not an ISO time`);
    return at;
  }
}

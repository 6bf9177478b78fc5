import { EVENT_LIMITS, eventSizeReason } from './event-size';

describe('eventSizeReason', () => {
  it('lets a normal event through', () => {
    expect(eventSizeReason({ type: 'x', project: { uuid: 'u', name: 'n' }, list: [1, 2, { a: 'b' }] })).toBeNull();
  });

  it('counts values at every level: object members and array items', () => {
    const limits = { maxValues: 5, maxChars: 1e6 };
    expect(eventSizeReason({ a: 1, b: { c: 1, d: [1] } }, limits)).toBeNull(); // a, b, c, d, 1
    expect(eventSizeReason({ a: 1, b: { c: 1, d: [1, 2] } }, limits)).toMatch(/more than 5 values/);
  });

  it('refuses 270,000 keys spread over small objects, and a body over the size budget', () => {
    const groups = Object.fromEntries(Array.from({ length: 27 }, (_, g) => [`g${g}`, Object.fromEntries(Array.from({ length: 10_000 }, (_, k) => [`k${k}`, k]))]));
    expect(eventSizeReason({ parameters: groups })).toMatch(`more than ${EVENT_LIMITS.maxValues} values`);
    expect(eventSizeReason({ text: 'x'.repeat(EVENT_LIMITS.maxChars) })).toMatch(/larger than/);
  });
});

import { v7 as uuidv7 } from 'uuid';
import { uuidV7Floor } from './uuid-time';

describe('uuidV7Floor', () => {
  it('orders before every v7 id of that millisecond and after every id of the one before', () => {
    const at = new Date('2026-12-03T10:00:00.123Z');
    const floor = uuidV7Floor(at);
    expect(floor).toBe('01a23b58-b97b-0000-0000-000000000000');
    const same = uuidv7({ msecs: at.getTime() });
    const before = uuidv7({ msecs: at.getTime() - 1 });
    expect([before, floor, same].sort()).toEqual([before, floor, same]);
  });
});

import { parseConfig } from '@tidings/config';
import { EndpointSlots } from './endpoint-slots';

const slotsWith = (share: number, timeoutMs = 2000) =>
  new EndpointSlots(parseConfig({ WORKER_CONCURRENCY: String(share * 4), WEBHOOK_ENDPOINT_CONCURRENCY: String(share), WEBHOOK_TIMEOUT_MS: String(timeoutMs) }));

describe('EndpointSlots', () => {
  it('grants up to the share to an endpoint it has not measured, then defers briefly', () => {
    const slots = slotsWith(2);
    expect(slots.acquire('a')).toEqual({ granted: true });
    expect(slots.acquire('a')).toEqual({ granted: true });
    expect(slots.acquire('a')).toEqual({ granted: false, deferMs: 100 });
    expect(slots.acquire('b')).toEqual({ granted: true });
  });

  it('treats an endpoint whose attempt runs long as slow before any attempt finished', () => {
    const slots = slotsWith(1, 2000);
    expect(slots.acquire('hanging', 1_000).granted).toBe(true);
    expect(slots.acquire('hanging', 1_100)).toEqual({ granted: false, deferMs: 100 });
    expect(slots.acquire('hanging', 1_400)).toEqual({ granted: false, deferMs: 500 });
  });

  it('lets a fast endpoint use more than its share', () => {
    const slots = slotsWith(1);
    slots.acquire('fast');
    slots.release('fast', 5);
    for (let i = 0; i < 10; i++) expect(slots.acquire('fast').granted).toBe(true);
  });

  it('keeps a slow endpoint to its share and defers it for a quarter of the timeout', () => {
    const slots = slotsWith(1, 2000);
    slots.acquire('slow');
    slots.release('slow', 2000);
    expect(slots.acquire('slow')).toEqual({ granted: true });
    expect(slots.acquire('slow')).toEqual({ granted: false, deferMs: 500 });
    slots.release('slow', 2000);
    expect(slots.acquire('slow').granted).toBe(true);
  });

  it('follows an endpoint that slows down', () => {
    const slots = slotsWith(1);
    slots.acquire('e');
    slots.release('e', 10);
    for (let i = 0; i < 20; i++) {
      slots.acquire('e');
      slots.release('e', 1500);
    }
    slots.acquire('e');
    expect(slots.acquire('e').granted).toBe(false);
  });
});

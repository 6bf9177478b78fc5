import { JsonShapeScanner } from './json-shape-scanner';

const LIMITS = { maxDepth: 3, maxKeysPerObject: 2, maxStringLength: 5 };

/** Feeds `text` in pieces of `size` characters; the first refusal, or null. */
function scan(text: string, size = 1): string | null {
  const scanner = new JsonShapeScanner(LIMITS);
  for (let i = 0; i < text.length; i += size) {
    const reason = scanner.write(text.slice(i, i + size));
    if (reason) return `${reason.code}: ${reason.message}`;
  }
  return null;
}

describe('JsonShapeScanner', () => {
  it.each([1, 3, 100])('lets through text within the limits, in pieces of %i', (size) => {
    expect(scan('{"a":[[1]],"b":{"c":"12345"}}', size)).toBeNull();
    expect(scan('[{"a":1,"b":2},{"a":1,"b":2}]', size)).toBeNull();
  });

  it('refuses nesting deeper than the limit', () => {
    expect(scan('[[[1]]]')).toBeNull();
    expect(scan('[[[[1]]]]')).toBe('validation_failed: the body is nested deeper than 3 levels');
    expect(scan('{"a":{"b":{"c":{}}}}')).toBe('validation_failed: the body is nested deeper than 3 levels');
  });

  it('refuses an object with too many keys, counting each object on its own', () => {
    expect(scan('{"a":1,"b":{"c":1,"d":2},"e":3}')).toBe('payload_too_large: an object in the body has more than 2 keys');
    expect(scan('{"a":{"c":1,"d":2},"b":{"c":1,"d":2}}')).toBeNull();
  });

  it('refuses a long string; brackets, colons and escaped quotes inside strings are text', () => {
    expect(scan('["123456"]')).toBe('payload_too_large: a string in the body is longer than 5 characters');
    expect(scan('{"k":"[[[["}')).toBeNull();
    expect(scan('{"k":"::::"}')).toBeNull();
    expect(scan('["\\"[["]')).toBeNull();
    expect(scan('["a\\\\", [[1]]]')).toBeNull();
  });

  it('stops at the first level too deep, however long the rest', () => {
    const scanner = new JsonShapeScanner();
    expect(scanner.write('['.repeat(2_400_000))).toEqual({ code: 'validation_failed', message: 'the body is nested deeper than 64 levels' });
  });
});

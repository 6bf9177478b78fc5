import { JsonShapeScanner } from './json-shape-scanner';

const LIMITS = { maxDepth: 3, maxKeysPerObject: 2, maxStringLength: 5, maxValues: Infinity };

/** Feeds `text` in pieces of `size` characters; the first refusal, or null. */
function scan(text: string, size = 1, limits = LIMITS): string | null {
  const scanner = new JsonShapeScanner(limits);
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

  it.each([1, 4])('counts values at every level: object members and array items (pieces of %i)', (size) => {
    const five = { ...LIMITS, maxValues: 5 };
    expect(scan('{"a":[1, "x"],"b":{"c":[]}}', size, five)).toBeNull(); // a, 1, "x", b, c
    expect(scan('[ [ ], [ [ ] ] , "]", {} ]', size, five)).toBeNull(); // [], [[]], [], "]", {}
    expect(scan('{"a":[1,2,3],"b":{"c":1}}', size, five)).toBe('payload_too_large: the body holds more than 5 values (object members and array items, at every level)');
    expect(scan('[[1],[2],[3]]', size, five)).toMatch(/more than 5 values/);
  });

  /** The items between the separators found in `text` (fed in pieces of `size`), or null. */
  function items(text: string, size = 1): string[] | null {
    const scanner = new JsonShapeScanner();
    for (let i = 0; i < text.length; i += size) expect(scanner.write(text.slice(i, i + size))).toBeNull();
    const at = scanner.itemSeparators();
    return at && at.slice(1).map((end, k) => text.slice(at[k] + 1, end));
  }

  it.each([1, 3, 100])("splits a top-level array into its items' text, strings and nesting aside (pieces of %i)", (size) => {
    expect(items(' [1, {"a":[2,3]},\n"x,]\\\\",[]] \n', size)).toEqual(['1', ' {"a":[2,3]}', '\n"x,]\\\\"', '[]']);
    expect(items('[]', size)).toEqual(['']);
    expect(items('[1,]', size)).toEqual(['1', '']);
  });

  it('splits an array of at most 1000 items; one of more is parsed whole', () => {
    expect(items(`[${Array(1000).fill(1).join(',')}]`, 100)).toHaveLength(1000);
    expect(items(`[${Array(1001).fill(1).join(',')}]`, 100)).toBeNull();
  });

  it('splits nothing but one array with only blanks around it', () => {
    for (const text of ['{"a":[1,2]}', '"[1,2]"', '1', '[1] x', '[1]]', '[1],[2]', 'x[1]', '[1', '[1}', '']) {
      expect({ text, items: items(text) }).toEqual({ text, items: null });
    }
  });

  it('stops at the first level too deep, however long the rest', () => {
    const scanner = new JsonShapeScanner();
    expect(scanner.write('['.repeat(2_400_000))).toEqual({ code: 'validation_failed', message: 'the body is nested deeper than 64 levels' });
  });
});

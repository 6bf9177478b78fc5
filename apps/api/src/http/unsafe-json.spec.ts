import { MAX_JSON_DEPTH, unsafeJsonReason } from './unsafe-json';

const nested = (depth: number): unknown => {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

describe('unsafeJsonReason', () => {
  it('passes a body of ordinary values', () => {
    expect(unsafeJsonReason({ a: 'x', b: [1, 'two', null, true, { c: ['d'] }], constructor: 'fine', e: { prototype: 1 } })).toBeNull();
    expect(unsafeJsonReason([{ a: 1 }, { b: [] }])).toBeNull();
  });

  it('refuses a top level that is not an object or array', () => {
    expect(unsafeJsonReason('text')).toBe('The body must be a JSON object (or an array, for batches)');
    expect(unsafeJsonReason(null)).toBe('The body must be a JSON object (or an array, for batches)');
  });

  it('names the path of a NUL or an unpaired surrogate, object members dotted and array items in brackets', () => {
    expect(unsafeJsonReason({ a: { b: [1, { c: 'x\u0000' }] } })).toBe('a.b[1].c contains a NUL character');
    expect(unsafeJsonReason([{ job: { name: '\uD800' } }])).toBe('[0].job.name contains an unpaired UTF-16 surrogate');
    expect(unsafeJsonReason({ '': '\u0000' })).toBe('the body contains a NUL character');
    expect(unsafeJsonReason({ a: ['ok', 'ok\u0000'] })).toBe('a[1] contains a NUL character');
  });

  it('refuses prototype keys and keys that are not valid text, naming their object', () => {
    expect(unsafeJsonReason(JSON.parse('{"a":[{"__proto__":{"x":1}}]}'))).toBe('a[0].__proto__ is not an allowed key');
    expect(unsafeJsonReason(JSON.parse('{"__proto__":1}'))).toBe('__proto__ is not an allowed key');
    expect(unsafeJsonReason({ a: { constructor: { prototype: {} } } })).toBe('a.constructor.prototype is not an allowed key');
    expect(unsafeJsonReason({ a: { 'k\u0000': 1 } })).toBe('a key in a is not valid text');
    expect(unsafeJsonReason({ 'k\uDC00': 1 })).toBe('a key in the body is not valid text');
  });

  it('takes as many open objects and arrays as the limit (the top level counts), not one more', () => {
    expect(unsafeJsonReason(nested(MAX_JSON_DEPTH - 1))).toBeNull();
    expect(unsafeJsonReason(nested(MAX_JSON_DEPTH))).toBe(`the body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  });
});

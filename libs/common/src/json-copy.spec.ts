import { jsonCopy } from './json-copy';

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('jsonCopy is JSON.parse(JSON.stringify(value))', () => {
  const cases: [string, unknown][] = [
    ['plain JSON', { a: 'x', b: 1.5, c: [true, null, { d: [] }], e: {}, '2': 'integer-like key', 1: 'first' }],
    ['-0', { zero: -0, list: [-0] }],
    ['NaN and Infinity', { a: NaN, b: [Infinity, -Infinity] }],
    ['undefined, functions and symbols', { a: undefined, b: () => 1, c: Symbol('s'), d: [undefined, () => 1, Symbol('s')] }],
    ['a Date and toJSON', { at: new Date('2026-11-20T10:00:00Z'), custom: { toJSON: () => 'custom' } }],
    [
      'class instances and boxed values',
      {
        map: new Map([[1, 2]]),
        set: new Set([1]),
        text: new String('x'),
        instance: new (class {
          x = 1;
        })(),
      },
    ],
    ['an own __proto__ key', JSON.parse('{"a": {"__proto__": {"polluted": true}}}')],
    ['a null-prototype object', Object.assign(Object.create(null), { a: 1 })],
    ['deep nesting', JSON.parse('['.repeat(300) + ']'.repeat(300))],
    ['a string', 'text'],
    ['an array at the top', [1, 'a', { b: 2 }]],
  ];
  it.each(cases)('%s', (_name, value) => {
    const copy = jsonCopy(value);
    expect(copy).toStrictEqual(roundTrip(value));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    if (value !== null && typeof value === 'object') expect(copy).not.toBe(value);
  });

  it('copies, sharing nothing with the input', () => {
    const value = { a: { b: [{ c: 1 }] } };
    const copy = jsonCopy(value);
    copy.a.b[0].c = 2;
    expect(value.a.b[0].c).toBe(1);
  });

  it('throws what JSON throws (cycles, BigInt)', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => jsonCopy(cyclic)).toThrow(/circular/i);
    expect(() => jsonCopy({ n: BigInt(1) })).toThrow(/BigInt/);
  });
});

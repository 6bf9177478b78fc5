import 'reflect-metadata';
import { isValidPlain, plainErrors, validatePlain } from '@tidings/common';
import { EVENT_CLASSES } from '../event-types';
import { UpdateLayer } from './layer-dtos';

/** Every layer DTO an event type validates, with its documentation example. */
const layers = new Map<new () => object, Record<string, unknown>>();
for (const cls of EVENT_CLASSES.values()) for (const layer of cls.LAYERS) layers.set(layer.dto, layer.example);
layers.set(UpdateLayer, { changes: [{ type: 'UPDATED', changed_object: 'schedule', old_value: '0 * * * *', new_value: '0 2 * * *' }] });

const UUID = '0b3c6a4e-4f43-4c35-9a4c-6f2f0a1d1e01';
const VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'x'.repeat(2000),
  'FAILURE',
  'UPDATED',
  UUID,
  'not-a-uuid',
  '2026-11-20T10:00:00Z',
  0,
  -1,
  1.5,
  12,
  1e300,
  true,
  [],
  [1],
  ['a'],
  [null],
  [[]],
  [{}],
  [{ uuid: UUID }],
  {},
  { a: 1 },
  { uuid: UUID },
  { toString: 'x' },
  JSON.parse('{"constructor": "x"}'),
  JSON.parse('{"a": [{"constructor": {}}]}'),
];

/** The example, each field removed or replaced by each value (one level into nested objects and arrays), and unknown keys added. */
function variants(example: Record<string, unknown>): unknown[] {
  const out: unknown[] = [
    example,
    {},
    undefined,
    { ...example, extra: 1 },
    { ...example, toString: 'x' },
    JSON.parse('{"constructor": {}}'),
    null,
    [],
    [example],
    'x',
  ];
  for (const key of Object.keys(example)) {
    const { [key]: _removed, ...rest } = example;
    out.push(rest);
    for (const value of VALUES) out.push({ ...example, [key]: value });
    const inner = example[key];
    const first = Array.isArray(inner) ? inner[0] : inner;
    if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
      for (const variant of variants(first as Record<string, unknown>).slice(1)) {
        out.push({ ...example, [key]: Array.isArray(inner) ? [first, variant] : variant });
      }
    }
  }
  return out;
}

describe('plainErrors: the fast check agrees with class-validator', () => {
  it.each([...layers.keys()].map((dto) => [dto.name, dto] as const))('%s', (_name, dto) => {
    const example = layers.get(dto)!;
    expect(isValidPlain(dto, example)).toBe(true);
    for (const value of variants(example)) {
      let full: unknown;
      try {
        full = validatePlain(dto, value, 'layer').errors;
      } catch (error) {
        // class-transformer throws on some keys (`constructor`); plainErrors must fail the same way, not accept them.
        expect(() => plainErrors(dto, value, 'layer')).toThrow((error as Error).message);
        continue;
      }
      const fast = isValidPlain(dto, value);
      if (fast) expect({ value, errors: full }).toEqual({ value, errors: [] });
      expect(plainErrors(dto, value, 'layer')).toEqual(full);
    }
  });
});

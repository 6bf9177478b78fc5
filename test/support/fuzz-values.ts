/*
 * The fuzzer's value generators (test/fuzz.e2e-spec.ts), shared with the SQL
 * entry point's differential test: the same bodies go to both checkers.
 */

/** Keys whose values are open maps (any keys allowed): mutated as a whole, never entered. */
const OPEN_MAPS = new Set(['parameters', 'headers']);

/** Every leaf path of a template, with its value. */
export function leaves(value: unknown, path: string[] = []): { path: string[]; value: unknown }[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && path.length < 4 && !OPEN_MAPS.has(path.at(-1) ?? '')) {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [{ path, value }];
}

export function setAt(template: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(template) as Record<string, any>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  if (value === undefined) delete node[path.at(-1)!];
  // defineProperty: plain assignment to "__proto__" would set the prototype instead of adding the key.
  else Object.defineProperty(node, path.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Values of the wrong type for a leaf (never null: null means "absent" for optional fields). */
export function wrongTypes(value: unknown): unknown[] {
  if (typeof value === 'string') return [1, true, [], {}, ['a']];
  if (typeof value === 'number') return ['1', true, [], {}];
  if (typeof value === 'boolean') return ['true', 1, [], {}];
  if (Array.isArray(value)) return [{}, 'x', 1, [1, 'a', null]];
  return [[], 'x', 1, true];
}

/** A small seeded PRNG (mulberry32): the same bodies on every run, so a failure can be replayed. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomValue(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * (depth > 2 ? 5 : 7));
  const text = () => Array.from({ length: 1 + Math.floor(rand() * 12) }, () => String.fromCharCode(32 + Math.floor(rand() * 95))).join('');
  switch (pick) {
    case 0: return null;
    case 1: return Math.floor(rand() * 2e9) - 1e9;
    case 2: return rand() < 0.5;
    case 3: return text();
    case 4: return rand() * 1e6;
    case 5: return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
    default: return Object.fromEntries(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => [`k_${text().replace(/\W/g, '')}`, randomValue(rand, depth + 1)]));
  }
}


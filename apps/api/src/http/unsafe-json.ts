/** Half of a UTF-16 pair without the other half: not valid Unicode, and Postgres refuses it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper than this is not a real event; recursive code further in would overflow the stack. */
export const MAX_JSON_DEPTH = 64;

/** An object or array still to look into, and how it was reached (its path is spelled only for a refusal). */
interface Container {
  value: object;
  depth: number;
  parent: Container | null;
  key: string | number;
}

/**
 * Why a parsed JSON body must be refused, or null. One iterative pass (no
 * recursion, so depth itself cannot crash it): a top-level value that is not
 * an object or array, nesting too deep, `__proto__` and `constructor.prototype`
 * keys (prototype pollution through object spreading and class-transformer),
 * and NUL characters, which Postgres cannot store in text or jsonb. Strings
 * are checked where they are found and only containers are stacked; the path
 * named in a refusal (`a.b[2].c`) is spelled from its container's parents,
 * so a body that passes costs no path text (a batch of real events holds
 * tens of thousands of values).
 */
export function unsafeJsonReason(body: unknown): string | null {
  if (body === null || typeof body !== 'object') return 'The body must be a JSON object (or an array, for batches)';
  const stack: Container[] = [{ value: body, depth: 0, parent: null, key: '' }];
  while (stack.length) {
    const container = stack.pop()!;
    const { value, depth } = container;
    if (depth >= MAX_JSON_DEPTH) return `the body is nested deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const reason = checkItem(stack, container, i, value[i]);
        if (reason) return reason;
      }
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') return `${prefix(pathOf(container))}__proto__ is not an allowed key`;
      const item = (value as Record<string, unknown>)[key];
      if (key === 'constructor' && item !== null && typeof item === 'object' && 'prototype' in item) {
        return `${prefix(pathOf(container))}constructor.prototype is not an allowed key`;
      }
      if (key.includes('\u0000') || LONE_SURROGATE.test(key)) return `a key in ${pathOf(container) || 'the body'} is not valid text`;
      const reason = checkItem(stack, container, key, item);
      if (reason) return reason;
    }
  }
  return null;
}

/** A string is checked at once, an object or array stacked; anything else is harmless. */
function checkItem(stack: Container[], container: Container, key: string | number, item: unknown): string | null {
  if (typeof item === 'string') {
    if (item.includes('\u0000')) return `${childPath(pathOf(container), key) || 'the body'} contains a NUL character`;
    if (LONE_SURROGATE.test(item)) return `${childPath(pathOf(container), key) || 'the body'} contains an unpaired UTF-16 surrogate`;
  } else if (item !== null && typeof item === 'object') {
    stack.push({ value: item, depth: container.depth + 1, parent: container, key });
  }
  return null;
}

/** `a.b[2]`: the keys from the top down to `container`, object members dotted, array items in brackets. */
function pathOf(container: Container): string {
  const keys: (string | number)[] = [];
  for (let at: Container | null = container; at?.parent; at = at.parent) keys.push(at.key);
  return keys.reduceRight<string>((path, key) => childPath(path, key), '');
}

function childPath(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

const prefix = (path: string) => (path ? `${path}.` : '');

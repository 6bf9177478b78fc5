import { randomBytes } from 'node:crypto';

/** Keys of open maps (any keys allowed): marker entries are added to each, keys and values. */
const OPEN_MAPS = new Set(['parameters', 'env_variables', 'metadata', 'properties', 'integrations', 'component_integrations']);
/** Keys under which a front end's string is someone's text whatever it looks like. */
const NAMED_KEYS = ['name', 'title', 'job_name', 'project_title'];

export interface MarkedInput {
  input: Record<string, unknown>;
  /** Every marker placed; none may ever reach the analytics backend. */
  markers: string[];
}

export interface MarkerOptions {
  /**
   * Client events keep short tokens by design (a view id, a button key), so
   * there tokens are placed only under name-like keys; every other string gets
   * a shape the client rules must drop (free text, email, URL, file path).
   */
  client?: boolean;
}

/**
 * For telemetry tests: replaces every free-text string of an event input with a unique marker and
 * adds marker entries to every open map (parameters, env_variables,
 * metadata, properties…). A string is free text when the event still
 * validates with a marker in its place (`accepts`): uuids, timestamps and
 * validated enums keep their value. Markers come in several shapes (a plain
 * token, text with spaces, an email, a URL, a file path), so that a field
 * kept by the shape of its value rather than by name would show.
 */
export function markFreeText(
  example: Record<string, unknown>,
  accepts: (input: Record<string, unknown>) => boolean,
  options: MarkerOptions = {},
): MarkedInput {
  const run = randomBytes(3).toString('hex');
  const markers: string[] = [];
  let n = 0;
  const shapes = [
    (id: string) => `mk${id}`,
    (id: string) => `Marker mk${id} words`,
    (id: string) => `mk${id}@example.com`,
    (id: string) => `https://example.com/mk${id}/x`,
    (id: string) => `/srv/mk${id}/data.csv`,
  ];
  const marker = (allowToken: boolean) => {
    const id = `${run}x${String(n).padStart(3, '0')}`;
    const shape = shapes[allowToken ? n % shapes.length : 1 + (n % (shapes.length - 1))];
    n++;
    markers.push(`mk${id}`); // every shape holds it; searched for case-insensitively
    return shape(id);
  };

  let input = structuredClone(example);
  // Open maps first (their entries are never validated one by one).
  const addToOpenMaps = (node: unknown, key: string | undefined) => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((item) => addToOpenMaps(item, undefined));
    const record = node as Record<string, unknown>;
    if (key && OPEN_MAPS.has(key)) {
      for (const [k, v] of Object.entries(record)) if (typeof v === 'string') record[k] = marker(!options.client);
      record[`zz_${run}_${n}`] = marker(!options.client);
      if (!options.client) record[marker(true)] = 'value of a marker key';
      for (const named of NAMED_KEYS) record[named] = marker(true);
      return;
    }
    for (const [k, v] of Object.entries(record)) addToOpenMaps(v, k);
  };
  addToOpenMaps(input, undefined);

  for (const path of stringLeaves(input)) {
    if (path.length === 1 && (path[0] === 'occurred_at' || path[0] === 'idempotency_key')) continue;
    const candidate = structuredClone(input);
    const before = markers.length;
    setAt(candidate, path, marker(!options.client || NAMED_KEYS.includes(String(path.at(-1)))));
    if (accepts(candidate)) input = candidate;
    else markers.length = before; // a uuid, timestamp or enum: it keeps its value
  }
  return { input, markers };
}

function stringLeaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringLeaves(item, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

function setAt(target: unknown, path: (string | number)[], value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
}

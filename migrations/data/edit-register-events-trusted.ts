import { QueryRunner } from 'typeorm';

/**
 * Recreates `register_events_trusted` from its current definition, read back,
 * with each `[from, to]` fragment replaced; each `from` must occur exactly once,
 * so an edit never lands on a definition it was not written for. A later change
 * to the rest of the function carries over.
 */
export async function editRegisterEventsTrusted(q: QueryRunner, edits: ReadonlyArray<readonly [string, string]>): Promise<void> {
  const [{ definition }] = await q.query(`SELECT pg_get_functiondef('register_events_trusted(jsonb)'::regprocedure) AS definition`);
  let text = definition as string;
  for (const [from, to] of edits) {
    const parts = text.split(from);
    if (parts.length !== 2) {
      throw new Error(
        `register_events_trusted: expected ${JSON.stringify(from.trim().slice(0, 60))} once, found it ${parts.length - 1} times`,
      );
    }
    text = parts.join(to);
  }
  await q.query(text);
}

/** The edits that undo `edits`, in reverse order. */
export function reversed(edits: ReadonlyArray<readonly [string, string]>): Array<readonly [string, string]> {
  return [...edits].reverse().map(([from, to]) => [to, from] as const);
}

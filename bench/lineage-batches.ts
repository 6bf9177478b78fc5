import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Batches of real OpenLineage events for `lineage_batch_per_s`: the Airflow
 * events of ../shared/fixtures (when present) and our own fixtures
 * (test/fixtures/openlineage), repeated to the batch size. Each repetition
 * gets fresh runIds (parent facets follow), so every batch starts, completes
 * and fails new runs as a scheduler would, and adds edges to the same jobs.
 */
export function lineageBatchSource(repoRoot: string): { size: number; next: (count: number) => string } {
  const dirs = [
    join(repoRoot, '..', 'shared', 'fixtures', 'openlineage', 'airflow'),
    join(repoRoot, '..', 'shared', 'fixtures', 'openlineage'),
    join(repoRoot, 'test', 'fixtures', 'openlineage'),
  ];
  const texts: string[] = [];
  for (const dir of dirs.filter((d) => existsSync(d))) {
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      texts.push(JSON.stringify(JSON.parse(readFileSync(join(dir, file), 'utf8'))));
    }
  }
  if (texts.length === 0) throw new Error(`no OpenLineage fixtures in ${dirs.join(', ')}`);
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
  return {
    size: texts.length,
    next(count: number): string {
      const out: string[] = [];
      for (let cycle = 0; out.length < count; cycle++) {
        const fresh = new Map<string, string>();
        for (const text of texts) {
          if (out.length === count) break;
          out.push(
            text.replace(uuid, (id) => fresh.get(id.toLowerCase()) ?? fresh.set(id.toLowerCase(), randomUUID()).get(id.toLowerCase())!),
          );
        }
      }
      return `[${out.join(',')}]`;
    },
  };
}

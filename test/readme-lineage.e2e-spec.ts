import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { curlRequests } from './support/readme-requests';
import { Harness, startTidings } from './support/tidings-harness';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

/** One command of the walk-through and the answer the README shows under it (`# 201 {…}`). */
interface Step {
  line: string;
  request: ReturnType<typeof curlRequests>[number];
  status: number;
  body: unknown;
}

/**
 * The README's "Lineage walk-through" as steps: its sh block, split at blank
 * lines into a curl command each, followed by the answer as `#` comment lines
 * (the status, then JSON over as many lines as it takes).
 */
function walkThrough(markdown: string): Step[] {
  const section = markdown.split(/^### Lineage walk-through$/m)[1]?.split(/^##/m)[0];
  if (!section) throw new Error('README.md has no "### Lineage walk-through" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('The lineage walk-through has no sh block');
  return block
    .split(/\n\s*\n/)
    .filter((chunk) => chunk.includes('curl '))
    .map((chunk) => {
      const [request, ...others] = curlRequests(chunk);
      if (!request || others.length) throw new Error(`Expected one curl command to $T in:\n${chunk}`);
      const shown = chunk
        .split('\n')
        .filter((l) => l.startsWith('#'))
        .map((l) => l.replace(/^#\s?/, ''))
        .join('\n');
      const answer = /^(\d{3}) ([\s\S]+)$/.exec(shown.trim());
      if (!answer) throw new Error(`No "# <status> <json>" answer under:\n${chunk}`);
      return { line: chunk.split('\n')[0], request, status: Number(answer[1]), body: JSON.parse(answer[2]) };
    });
}

/** The shown answer as a matcher: "…" stands for any string (an id the run chose). */
function matcher(shown: unknown): unknown {
  if (shown === '…') return expect.any(String);
  if (Array.isArray(shown)) return shown.map(matcher);
  if (shown && typeof shown === 'object') return Object.fromEntries(Object.entries(shown).map(([k, v]) => [k, matcher(v)]));
  return shown;
}

describe("the README's lineage walk-through, run as written", () => {
  let t: Harness;

  beforeAll(async () => {
    t = await startTidings({ worker: false });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers every command exactly as the README shows', async () => {
    const steps = walkThrough(README);
    expect(steps.map((s) => `${s.request.method} ${s.request.path}`)).toEqual([
      'POST /api/v1/lineage',
      'POST /api/v1/lineage',
      'POST /api/v1/lineage',
      'GET /v1/lineage/graph',
    ]);
    for (const step of steps) {
      const query = new URLSearchParams(step.request.query).toString();
      const res = await t.http(step.request.method, `${step.request.path}${query ? `?${query}` : ''}`, step.request.body);
      expect({ command: step.line, status: res.status, body: res.body }).toEqual({
        command: step.line,
        status: step.status,
        body: matcher(step.body),
      });
    }
  });

  it('is not vacuous: a README whose graph shows another edge no longer matches', async () => {
    const steps = walkThrough(
      README.replace('"last_run_id":null,"current":true}],"truncated"', '"last_run_id":null,"current":false}],"truncated"'),
    );
    const graph = steps[steps.length - 1];
    const query = new URLSearchParams(graph.request.query).toString();
    const res = await t.http('GET', `${graph.request.path}?${query}`);
    expect(res.status).toBe(200);
    expect(res.body).not.toEqual(matcher(graph.body));
  });
});

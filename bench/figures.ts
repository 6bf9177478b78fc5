/**
 * The lines `npm run bench` prints on stdout (DESIGN §9): the references, the
 * figures with their targets, and the state of the `deliveries` table.
 *
 *   reference  {"figure", "value", "unit", "method"}
 *   figure     {"figure", "value", "unit", "target", "bound", "met", "reference"?, "ratio"?}
 *   comparison {"figure", "value", "unit", "compared_with", "baseline", "ratio", "note"}
 *   table      {"figure", "value", "unit", "note"}
 *
 * A comparison measures what a feature costs against the same run without
 * it; DESIGN sets no target for it.
 *
 * `target` is DESIGN's wording; `bound` the number it comes to in this run
 * (for a ratio target: the factor × the reference measured in this run).
 */
import { log } from './log';

type Target =
  | { at: 'least' | 'most'; value: number }
  /** At least `factor` × the reference line of that name. */
  | { at: 'least'; factor: number; of: string };

/** DESIGN §9's table, in its order. */
export const TARGETS: Record<string, Target> = {
  ingest_single_per_s: { at: 'least', factor: 0.25, of: 'ref_http_per_s' },
  api_cpu_ms_per_event: { at: 'most', value: 0.25 },
  ingest_batch_per_s: { at: 'least', factor: 0.5, of: 'ref_pg_copy_per_s' },
  /** Issue 15: OpenLineage gzip batches of 100 real events against the typed batch route of the same run. */
  lineage_batch_per_s: { at: 'least', factor: 0.5, of: 'ingest_batch_per_s' },
  delivery_per_s: { at: 'least', factor: 0.5, of: 'ref_post_per_s' },
  worker_cpu_ms_per_delivery: { at: 'most', value: 0.12 },
  pg_cpu_ms_per_delivery: { at: 'most', value: 0.08 },
  latency_p50_ms: { at: 'most', value: 10 },
  latency_p99_ms: { at: 'most', value: 50 },
  cpu_ms_per_event_at_200: { at: 'most', value: 1.5 },
  backlog_drain_ratio: { at: 'least', value: 0.9 },
  api_rss_mb: { at: 'most', value: 150 },
  worker_rss_mb: { at: 'most', value: 150 },
};

const REFERENCES = ['ref_http_per_s', 'ref_post_per_s', 'ref_pg_copy_per_s', 'ref_pg_single_tx_per_s'];
const COMPARISONS = ['ordered_delivery_per_s'];
const TABLE = ['deliveries_dead_tuples', 'deliveries_live_tuples', 'deliveries_mb'];
const ORDER = [...REFERENCES, ...Object.keys(TARGETS), ...COMPARISONS, ...TABLE];

export interface Line {
  figure: string;
  value: number;
  unit: string;
  [field: string]: unknown;
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const lines = new Map<string, Line>();

function record(line: Line): void {
  if (!Number.isFinite(line.value)) throw new Error(`${line.figure} came out as ${line.value}`);
  if (!ORDER.includes(line.figure)) throw new Error(`${line.figure} is not a line DESIGN §9 knows`);
  lines.set(line.figure, line);
  log(`FIGURE ${JSON.stringify(line)}`);
}

/** A schema-independent reference; `method` says how it was measured. */
export function reference(name: string, value: number, unit: string, method: string): void {
  if (!REFERENCES.includes(name)) throw new Error(`${name} is not a reference`);
  record({ figure: name, value, unit, method });
}

/** A figure of DESIGN's table, judged against its target (a ratio one against its reference of this run). */
export function figure(name: string, value: number, unit: string): void {
  const target = TARGETS[name];
  if (!target) throw new Error(`${name} has no target in DESIGN §9`);
  const sign = target.at === 'least' ? '>=' : '<=';
  if ('factor' in target) {
    const ref = lines.get(target.of);
    if (!ref) throw new Error(`${name} needs ${target.of}, which was not measured`);
    const bound = round(target.factor * ref.value, 1);
    record({
      figure: name,
      value,
      unit,
      target: `${sign} ${target.factor} x ${target.of}`,
      bound,
      met: value >= bound,
      reference: ref.value,
      ratio: round(value / ref.value, 3),
    });
  } else {
    const met = target.at === 'least' ? value >= target.value : value <= target.value;
    record({ figure: name, value, unit, target: `${sign} ${target.value}`, bound: target.value, met });
  }
}

/** A feature's figure beside the same measurement without the feature, in this run: no target. */
export function comparison(name: string, value: number, unit: string, baseline: { name: string; value: number }, note: string): void {
  if (!COMPARISONS.includes(name)) throw new Error(`${name} is not a comparison`);
  record({
    figure: name,
    value,
    unit,
    compared_with: baseline.name,
    baseline: baseline.value,
    ratio: round(value / baseline.value, 3),
    note,
  });
}

/** What the run left in a table: no target, a measurement to compare between runs. */
export function tableState(name: string, value: number, unit: string, note: string): void {
  if (!TABLE.includes(name)) throw new Error(`${name} is not a table line`);
  record({ figure: name, value, unit, note });
}

export function printLines(): void {
  for (const name of ORDER) {
    const line = lines.get(name);
    if (line) process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

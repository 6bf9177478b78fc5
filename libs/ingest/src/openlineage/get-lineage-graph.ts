import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IngestError } from '../ingest-error';
import { LineageNodeRef, nodeKey } from './lineage-edge-store';

export const DEFAULT_GRAPH_DEPTH = 2;
export const MAX_GRAPH_DEPTH = 10;
/** A wide graph is cut here (`truncated: true`) rather than returned whole. */
export const MAX_GRAPH_NODES = 1000;

export type LineageNodeType = 'job' | 'dataset';

export interface LineageGraphNode extends LineageNodeRef {
  type: LineageNodeType;
  /** Hops from the node asked about (a job → dataset edge is one hop). */
  distance: number;
}

export interface LineageGraph {
  /** The node(s) asked about: a job and a dataset may share a namespace and name. */
  root: { type: LineageNodeType; namespace: string; name: string }[];
  depth: number;
  /** What feeds the root: jobs that wrote it, the datasets they read, and so on. */
  upstream: { jobs: LineageGraphNode[]; datasets: LineageGraphNode[] };
  /** What the root feeds: jobs that read it, the datasets they wrote, and so on. */
  downstream: { jobs: LineageGraphNode[]; datasets: LineageGraphNode[] };
  /** Every edge walked, in data-flow direction (dataset → job for an input, job → dataset for an output). */
  edges: {
    from: { type: LineageNodeType; namespace: string; name: string };
    to: { type: LineageNodeType; namespace: string; name: string };
    last_seen_at: Date;
    /** The run that last reported the edge; null when a JobEvent did. */
    last_run_id: string | null;
    /** Part of the job's current version (its newest report of inputs and outputs); false only with `include=history`. */
    current: boolean;
  }[];
  truncated: boolean;
}

export interface LineageGraphQuery {
  namespace: string;
  name: string;
  depth?: number;
  type?: LineageNodeType;
  /** `history`: walk the edges of older versions of each job too, marked `current: false`. */
  include?: 'history';
}

interface EdgeRow {
  job_key: string;
  dataset_key: string;
  direction: 'input' | 'output';
  job_namespace: string;
  job_name: string;
  dataset_namespace: string;
  dataset_name: string;
  last_seen_at: Date;
  last_run_id: string | null;
  current: boolean;
}

/**
 * `GET /v1/lineage/graph`: the jobs and datasets upstream and downstream of
 * one job or dataset (DESIGN §7.1). By default only the edges of each job's
 * current version are walked (those of its newest report of inputs and
 * outputs: lineage-version.ts); `include: 'history'` walks older ones too,
 * each edge marked `current`. A job known from its events but with no
 * current edges answers with an empty neighbourhood; only a name no event
 * named is not found. A
 * breadth-first walk, one indexed query per level and direction, bounded by
 * `depth` and by MAX_GRAPH_NODES, and safe on cycles (a job that reads and
 * writes one table).
 */
@Injectable()
export class GetLineageGraph {
  constructor(private readonly db: DataSource) {}

  async execute(query: LineageGraphQuery): Promise<LineageGraph> {
    const depth = query.depth ?? DEFAULT_GRAPH_DEPTH;
    const key = nodeKey(query);
    const history = query.include === 'history';
    const [found] = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM lineage_jobs WHERE job_key = $1) AS job,
              EXISTS (SELECT 1 FROM lineage_edges WHERE dataset_key = $1) AS dataset`,
      [key],
    );
    const types = (['job', 'dataset'] as const).filter((type) => found[type] && (!query.type || query.type === type));
    if (types.length === 0) {
      const what = query.type ?? 'job or dataset';
      throw new IngestError(
        'not_found',
        `No ${what} ${query.namespace}/${query.name} in the lineage graph (jobs come from run and job events, datasets from their inputs and outputs)`,
      );
    }
    const edges = new Map<string, EdgeRow>();
    const budget = { nodes: MAX_GRAPH_NODES, truncated: false };
    const upstream = await this.walk(types, key, 'upstream', depth, history, edges, budget);
    const downstream = await this.walk(types, key, 'downstream', depth, history, edges, budget);
    const ref = (type: LineageNodeType, r: EdgeRow) =>
      type === 'job'
        ? { type, namespace: r.job_namespace, name: r.job_name }
        : { type, namespace: r.dataset_namespace, name: r.dataset_name };
    return {
      root: types.map((type) => ({ type, namespace: query.namespace, name: query.name })),
      depth,
      upstream,
      downstream,
      edges: [...edges.values()].map((r) => ({
        from: r.direction === 'input' ? ref('dataset', r) : ref('job', r),
        to: r.direction === 'input' ? ref('job', r) : ref('dataset', r),
        last_seen_at: r.last_seen_at,
        last_run_id: r.last_run_id,
        current: r.current,
      })),
      truncated: budget.truncated,
    };
  }

  /**
   * Upstream: a dataset's writers (output edges), a job's inputs (input edges).
   * Downstream: a dataset's readers (input edges), a job's outputs (output edges).
   */
  private async walk(
    rootTypes: readonly LineageNodeType[],
    rootKey: string,
    direction: 'upstream' | 'downstream',
    depth: number,
    history: boolean,
    edges: Map<string, EdgeRow>,
    budget: { nodes: number; truncated: boolean },
  ): Promise<LineageGraph['upstream']> {
    const fromDataset = direction === 'upstream' ? 'output' : 'input';
    const fromJob = direction === 'upstream' ? 'input' : 'output';
    const seen = new Set(rootTypes.map((type) => `${type}:${rootKey}`));
    const found: LineageGraph['upstream'] = { jobs: [], datasets: [] };
    let jobs = rootTypes.includes('job') ? [rootKey] : [];
    let datasets = rootTypes.includes('dataset') ? [rootKey] : [];
    for (let distance = 1; distance <= depth && (jobs.length || datasets.length) && !budget.truncated; distance++) {
      const rows: EdgeRow[] = await this.db.query(
        `SELECT e.job_key, e.dataset_key, e.direction, e.job_namespace, e.job_name, e.dataset_namespace, e.dataset_name,
                e.last_seen_at, e.last_run_id, e.last_seen_at = j.current_version_at AS current
           FROM lineage_edges e JOIN lineage_jobs j ON j.job_key = e.job_key
          WHERE ((e.dataset_key = ANY($1::text[]) AND e.direction = $2) OR (e.job_key = ANY($3::text[]) AND e.direction = $4))
            AND ($6 OR e.last_seen_at = j.current_version_at)
          ORDER BY e.job_key, e.dataset_key, e.direction
          LIMIT $5`,
        [datasets, fromDataset, jobs, fromJob, budget.nodes + 1, history],
      );
      // More rows than nodes left: some neighbours were not even read.
      if (rows.length > budget.nodes) budget.truncated = true;
      const frontier = new Set(datasets);
      const nextJobs: string[] = [];
      const nextDatasets: string[] = [];
      for (const row of rows) {
        // The row reached from a dataset leads to its job, and the other way round.
        const reachedJob = frontier.has(row.dataset_key) && row.direction === fromDataset;
        const reached = reachedJob ? { type: 'job' as const, key: row.job_key } : { type: 'dataset' as const, key: row.dataset_key };
        edges.set(`${row.job_key}:${row.dataset_key}:${row.direction}`, row);
        if (seen.has(`${reached.type}:${reached.key}`)) continue;
        if (budget.nodes === 0) break;
        budget.nodes--;
        seen.add(`${reached.type}:${reached.key}`);
        if (reached.type === 'job') {
          nextJobs.push(reached.key);
          found.jobs.push({ type: 'job', namespace: row.job_namespace, name: row.job_name, distance });
        } else {
          nextDatasets.push(reached.key);
          found.datasets.push({ type: 'dataset', namespace: row.dataset_namespace, name: row.dataset_name, distance });
        }
      }
      jobs = nextJobs;
      datasets = nextDatasets;
    }
    return found;
  }
}

import { Injectable } from '@nestjs/common';
import { TidingsConfig } from '@tidings/config';
import { EventRegistrar } from '@tidings/events';
import { DataSource } from 'typeorm';
import { ObservabilityKind } from './observability-input';
import { toObservabilityEvent } from './observability-mapper';
import { validateObservabilityEvent } from './observability-validator';
import { countLogMessage, recordMetric, recordTestOutcomes, upsertObservedRun, upsertObservedTask } from './observed-run-store';
import { applyStatus, touch } from './observed-state';

export interface ObservabilityIngestResult {
  id: string;
  type: string;
  deliveries: number;
}

/**
 * `POST /events/v1/<kind>`: one observability event (DESIGN §7.2). Validates
 * it, then in one transaction creates or updates the run and task it names
 * (events about a dataset, stream or server have none)
 * (run-status sets a status; logs, metrics and tests only start what was not
 * started), keeps log counts, test outcomes and metrics for the run summary,
 * and registers the typed observability:* event with its deliveries.
 */
@Injectable()
export class IngestObservabilityEvent {
  constructor(
    private readonly db: DataSource,
    private readonly registrar: EventRegistrar,
    private readonly config: TidingsConfig,
  ) {}

  async execute(kind: ObservabilityKind, body: unknown): Promise<ObservabilityIngestResult> {
    const input = validateObservabilityEvent(kind, body, new Date(), this.config.occurredAt);
    const result = await this.db.transaction(async (tx) => {
      // Datasets, streams and servers have no run: their events keep no state.
      if (input.kind === 'dataset-operation' || input.component) return this.registrar.register(tx, toObservabilityEvent(input));
      const { target, at } = input;
      const status = input.kind === 'run-status' ? input.status : null;
      const run = await upsertObservedRun(tx, target, (state) =>
        status && !target.taskKey ? applyStatus(state, status, at) : touch(state, at),
      );
      const task = target.taskKey
        ? await upsertObservedTask(tx, run.id, target.taskKey, target.taskName, (state) =>
            status ? applyStatus(state, status, at) : touch(state, at),
          )
        : undefined;
      if (input.kind === 'message-log') await countLogMessage(tx, run.id, task?.id, input.level);
      if (input.kind === 'test-outcomes') await recordTestOutcomes(tx, run.id, target.taskKey, input.outcomes, at);
      if (input.kind === 'metric-log') await recordMetric(tx, run.id, target.taskKey, input.key, input.value, at);
      // A run's own status event says how many of its tests failed, for the one-line chat summary.
      let testsFailed: number | undefined;
      if (input.kind === 'run-status' && !target.taskKey) {
        [{ failed: testsFailed }] = await tx.query(`SELECT count(*)::int AS failed FROM observed_run_tests WHERE run_id = $1 AND status = 'FAILED'`, [run.id]);
      }
      return this.registrar.register(tx, toObservabilityEvent(input, run, task, testsFailed));
    });
    return { id: result.event.id, type: result.event.type, deliveries: result.deliveries };
  }
}

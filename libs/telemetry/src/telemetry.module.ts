import { Module } from '@nestjs/common';
import { AnalyticsSender } from './analytics-sender';
import { ExportTelemetryBatch } from './export-telemetry-batch';
import { TelemetryExporter } from './telemetry-exporter';

/** The telemetry exporter, for the worker (the api records events; it never sends telemetry). */
@Module({
  providers: [AnalyticsSender, ExportTelemetryBatch, TelemetryExporter],
  exports: [AnalyticsSender, ExportTelemetryBatch, TelemetryExporter],
})
export class TelemetryModule {}

export * from './tidings-metrics';
export * from './metrics.module';

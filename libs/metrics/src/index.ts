export * from './tidings-metrics';
export * from './metrics.module';
export * from './joined-metrics';

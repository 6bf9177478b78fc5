export * from './logging.module';
export * from './pretty-log-stream';
export * from './process-label';
export * from './request-log';

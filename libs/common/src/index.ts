export * from './tidings-error';
export * from './validation';
export * from './plain-validity';
export * from './json-copy';
export * from './event-type-groups';
export * from './sql';
export * from './request-context';
export * from './group-commit';

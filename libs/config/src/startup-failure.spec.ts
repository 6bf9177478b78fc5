import { describeStartupFailure } from './startup-failure';
import { ConfigError, parseConfig } from './tidings-config';

const config = parseConfig({ DATABASE_URL: 'postgres://app:s3cret@db.internal:6432/tidings', REDIS_URL: 'redis://:pw@cache:6390/2', PORT: '3100', WORKER_PORT: '3101' });
const systemError = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

describe('describeStartupFailure', () => {
  it('names DATABASE_URL and host:port/database (never the password) for a refused Postgres', () => {
    const text = describeStartupFailure(systemError('connect ECONNREFUSED 10.0.0.5:6432', { code: 'ECONNREFUSED', syscall: 'connect', address: '10.0.0.5', port: 6432 }), config, 'api');
    expect(text).toBe('Cannot reach Postgres at db.internal:6432/tidings: connect ECONNREFUSED 10.0.0.5:6432. Check DATABASE_URL (is Postgres running?)');
    expect(text).not.toContain('s3cret');
  });

  it('reads the AggregateError Node gives for a refused localhost (empty message, one error per address)', () => {
    const inner = [6432, 6432].map((port, i) => systemError(`connect ECONNREFUSED ${i ? '127.0.0.1' : '::1'}:${port}`, { code: 'ECONNREFUSED', syscall: 'connect', port }));
    const text = describeStartupFailure(Object.assign(new AggregateError(inner, ''), { code: 'ECONNREFUSED' }), config, 'worker');
    expect(text).toMatch(/^Cannot reach Postgres at db\.internal:6432\/tidings: connect ECONNREFUSED ::1:6432; connect ECONNREFUSED 127\.0\.0\.1:6432\. Check DATABASE_URL/);
  });

  it('names DATABASE_DIRECT_URL when the direct connection behind a pool is refused, DATABASE_URL when the pool is', () => {
    const pooled = parseConfig({
      DATABASE_URL: 'postgres://app@db.internal:6432/tidings',
      DATABASE_DIRECT_URL: 'postgres://app:s3cret@db.internal:5432/tidings',
      DATABASE_POOL_MODE: 'transaction',
    });
    const refused = (port: number) => systemError(`connect ECONNREFUSED 10.0.0.5:${port}`, { code: 'ECONNREFUSED', syscall: 'connect', port });
    expect(describeStartupFailure(refused(5432), pooled, 'api')).toBe(
      'Cannot reach Postgres at db.internal:5432/tidings: connect ECONNREFUSED 10.0.0.5:5432. Check DATABASE_DIRECT_URL (is Postgres running?)',
    );
    expect(describeStartupFailure(refused(6432), pooled, 'api')).toMatch(/Check DATABASE_URL/);
  });

  it('names DATABASE_URL for what Postgres itself refuses', () => {
    const text = describeStartupFailure(systemError('password authentication failed for user "app"', { code: '28P01', severity: 'FATAL' }), config, 'cli');
    expect(text).toBe('Postgres at db.internal:6432/tidings refused the connection: password authentication failed for user "app". Check DATABASE_URL');
  });

  it('names REDIS_URL for a refused Redis', () => {
    const text = describeStartupFailure(systemError('connect ECONNREFUSED 10.0.0.6:6390', { code: 'ECONNREFUSED', syscall: 'connect', port: 6390 }), config, 'worker');
    expect(text).toBe('Cannot reach Redis at cache:6390/2: connect ECONNREFUSED 10.0.0.6:6390. Check REDIS_URL (is Redis running?)');
  });

  it('names REDIS_URL and the first seed node (never the password) for a refused Redis Cluster', () => {
    const cluster = parseConfig({ DATABASE_URL: 'postgres://app@db.internal:6432/tidings', REDIS_URL: 'redis+cluster://:pw@node-1:7000,node-2:7001' });
    const text = describeStartupFailure(systemError('connect ECONNREFUSED 10.0.0.7:7000', { code: 'ECONNREFUSED', syscall: 'connect', port: 7000 }), cluster, 'worker');
    expect(text).toBe('Cannot reach Redis at Cluster node node-1:7000: connect ECONNREFUSED 10.0.0.7:7000. Check REDIS_URL (is Redis running?)');
  });

  it.each([
    ['api', 3100, 'PORT'],
    ['worker', 3101, 'WORKER_PORT'],
    ['tidings', 3100, 'PORT'],
  ] as const)('names the port setting of the %s for a busy port %d', (process, port, setting) => {
    const error = systemError(`listen EADDRINUSE: address already in use 0.0.0.0:${port}`, { code: 'EADDRINUSE', syscall: 'listen', port });
    expect(describeStartupFailure(error, config, process)).toBe(
      `Port ${port} is already in use: set ${setting} to a free port (listen EADDRINUSE: address already in use 0.0.0.0:${port})`,
    );
  });

  it('passes a configuration error through, and anything else unchanged', () => {
    const invalid = new ConfigError(['PORT: 70000 is outside 0..65535']);
    expect(describeStartupFailure(invalid, undefined, 'api')).toBe(invalid.message);
    expect(describeStartupFailure(new Error('something else'), config, 'api')).toBe('something else');
  });
});

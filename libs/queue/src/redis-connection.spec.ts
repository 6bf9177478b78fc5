import { Cluster, Redis } from 'ioredis';
import { createRedisClient, describeRedisTarget, queueKeyPrefix, redisOptions } from './redis-connection';
import { parseRedisUrl } from '@tidings/config';

describe('Redis connections for REDIS_URL', () => {
  it('tags the queue prefix with braces on a Cluster only', () => {
    expect(queueKeyPrefix({ redisUrl: 'redis+cluster://n1:7000', queuePrefix: 'tidings' })).toBe('{tidings}');
    expect(queueKeyPrefix({ redisUrl: 'redis://localhost:6379', queuePrefix: 'tidings' })).toBe('tidings');
    expect(queueKeyPrefix({ redisUrl: 'redis+sentinel://s1:26379/main', queuePrefix: 'tidings' })).toBe('tidings');
  });

  it('builds a Cluster client for a cluster URL and a Redis client otherwise, not connected yet', () => {
    const cluster = createRedisClient('rediss+cluster://u:pw@n1:7000,n2:7001', 'worker', { connectionName: 'probe' });
    const server = createRedisClient('redis://localhost:6379/2', 'producer');
    try {
      expect(cluster).toBeInstanceOf(Cluster);
      expect(cluster.status).toBe('wait');
      expect((cluster as Cluster).options.redisOptions).toMatchObject({
        username: 'u',
        password: 'pw',
        tls: {},
        maxRetriesPerRequest: null,
        connectionName: 'probe',
      });
      expect(server).toBeInstanceOf(Redis);
      expect(server.status).toBe('wait');
      expect((server as Redis).options).toMatchObject({ db: 2, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    } finally {
      cluster.disconnect();
      server.disconnect();
    }
  });

  it('refuses to turn a cluster URL into plain options (BullMQ would open a single-node connection)', () => {
    expect(() => redisOptions('redis+cluster://n1:7000', 'worker')).toThrow(/Redis Cluster/);
  });

  it('names the target without its password', () => {
    expect(describeRedisTarget(parseRedisUrl('redis+cluster://:secret@n1:7000,n2:7001'))).toBe('Cluster n1:7000,n2:7001');
    expect(describeRedisTarget(parseRedisUrl('redis+sentinel://:secret@s1:26379/main'))).toBe('primary main via Sentinel s1:26379');
    expect(describeRedisTarget(parseRedisUrl('redis://:secret@cache:6380'))).toBe('cache:6380');
  });
});

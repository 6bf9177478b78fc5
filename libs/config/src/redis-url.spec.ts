import { parseRedisUrl } from './redis-url';

describe('parseRedisUrl', () => {
  it('reads a single server, with TLS, credentials and database', () => {
    expect(parseRedisUrl('rediss://u:p%40ss@cache:6380/2')).toEqual({
      kind: 'server',
      host: 'cache',
      port: 6380,
      username: 'u',
      password: 'p@ss',
      db: 2,
      tls: true,
    });
    expect(parseRedisUrl('redis://localhost')).toMatchObject({ kind: 'server', host: 'localhost', port: 6379, db: 0, tls: false });
  });

  it('reads Sentinels and the primary name', () => {
    expect(parseRedisUrl('redis+sentinel://:secret@s1:26379,s2:26380/mymaster/1')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      name: 'mymaster',
      username: undefined,
      password: 'secret',
      db: 1,
    });
  });

  it('reads Cluster seed nodes, with TLS and credentials', () => {
    expect(parseRedisUrl('redis+cluster://127.0.0.1:7000,10.0.0.2:7001')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '127.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      username: undefined,
      password: undefined,
      tls: false,
    });
    expect(parseRedisUrl('rediss+cluster://app:p%40ss@cache.example:6380/')).toEqual({
      kind: 'cluster',
      nodes: [{ host: 'cache.example', port: 6380 }],
      username: 'app',
      password: 'p@ss',
      tls: true,
    });
  });

  it('refuses a Cluster URL without ports or with a database', () => {
    expect(() => parseRedisUrl('redis+cluster://node1')).toThrow(/"node1" .* is not host:port/);
    expect(() => parseRedisUrl('redis+cluster://node1:7000,node2')).toThrow(/"node2" .* is not host:port/);
    expect(() => parseRedisUrl('redis+cluster://node1:7000/2')).toThrow(/Redis Cluster has no databases/);
  });

  it('refuses what is none of the forms', () => {
    expect(() => parseRedisUrl('http://x')).toThrow(/redis:, rediss:, redis\+sentinel: or redis\+cluster:/);
    expect(() => parseRedisUrl('redis+sentinel://s1/mymaster')).toThrow(/host:port/);
    expect(() => parseRedisUrl('not a url')).toThrow(/not a URL/);
  });
});

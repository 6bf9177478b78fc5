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

  it('refuses what is neither', () => {
    expect(() => parseRedisUrl('http://x')).toThrow(/redis:, rediss: or redis\+sentinel:/);
    expect(() => parseRedisUrl('redis+sentinel://s1/mymaster')).toThrow(/host:port/);
    expect(() => parseRedisUrl('not a url')).toThrow(/not a URL/);
  });
});

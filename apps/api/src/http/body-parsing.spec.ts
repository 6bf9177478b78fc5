import { Request } from 'express';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readJsonBody, receivedItemTexts } from './body-parsing';

/** A request streaming `body` (gzip when asked), as the body guard sees it. */
function request(body: string | Buffer, gzip = false): Request {
  const bytes = gzip ? gzipSync(body) : Buffer.from(body);
  const req = Readable.from([bytes]) as unknown as Request & Record<string, unknown>;
  req.method = 'POST';
  req.headers = {
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  };
  return req;
}

const read = (body: string, gzip = false) => readJsonBody(request(body, gzip), 5 * 1024 * 1024);

describe('readJsonBody', () => {
  it.each([false, true])('parses an array body item by item to what JSON.parse gives, keeping each item text (gzip: %s)', async (gzip) => {
    // Items larger than the 64 KiB the inflater hands out at a time straddle its pieces.
    const big = 'x'.repeat(100_000);
    const text = ` [ {"a": [1, "],"]}, "${big}", 2.50 ,\n{"b":{"c":null}} ] `;
    const body = await read(text, gzip);
    expect(body).toEqual(JSON.parse(text));
    expect(receivedItemTexts(body)).toEqual([' {"a": [1, "],"]}', ` "${big}"`, ' 2.50 ', '\n{"b":{"c":null}} ']);
  });

  it('an empty array has no items; an object body keeps no text', async () => {
    const empty = await read('[ ]');
    expect(empty).toEqual([]);
    expect(receivedItemTexts(empty)).toEqual([]);
    const object = await read('{"events":[1,2]}');
    expect(object).toEqual({ events: [1, 2] });
    expect(receivedItemTexts(object)).toBeUndefined();
  });

  it.each(['[1,]', '[,1]', '[1 2]', '[1]]', '[1] x', '[1', '[{"a":1}}]', '[1}'])(
    'refuses %s as invalid JSON, as JSON.parse does',
    async (text) => {
      expect(() => JSON.parse(text)).toThrow();
      await expect(read(text)).rejects.toMatchObject({ code: 'invalid_json' });
    },
  );

  it('still refuses unsafe content inside items', async () => {
    await expect(read('[{"a":"\\u0000"}]')).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(read('[{"__proto__":{}}]')).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

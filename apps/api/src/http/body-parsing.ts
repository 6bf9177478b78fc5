import { BadRequestException } from '@nestjs/common';
import { TidingsError } from '@tidings/common';
import { Request } from 'express';
import { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { DEFAULT_JSON_SHAPE_LIMITS, JsonShapeLimits, JsonShapeScanner, ShapeRefusal } from './json-shape-scanner';
import { unsafeJsonReason } from './unsafe-json';

const JSON_TYPES = ['application/json', 'application/*+json'];
/** What TextDecoder can decode of the charsets JSON allows (RFC 8259 §8.1 and its predecessor). */
const CHARSETS = new Set(['utf-8', 'utf8', 'utf-16', 'utf-16le', 'utf-16be']);

/** The request has a body (a length above 0 or a chunked transfer), whatever its method. */
export function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Reads a JSON body (plain or gzip/deflate/br) into a value. Called after the
 * key guard, never before: an unauthenticated request is answered without its
 * body being read. Decompression streams and counts the inflated bytes against
 * `limitBytes` (a gzip bomb is refused with 413, never inflated into memory);
 * the text is scanned as it arrives for depth, keys per object and string
 * length (JsonShapeScanner), so that JSON.parse only ever sees text it can
 * parse quickly; the parsed value is then checked by unsafeJsonReason.
 * Undefined when there is no JSON body. Throws the API's errors (400, 413, 415).
 */
export async function readJsonBody(req: Request, limitBytes: number, shape: JsonShapeLimits = DEFAULT_JSON_SHAPE_LIMITS): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  // The usual header first: type-is parses it and matches it against each type.
  if (req.headers['content-type'] !== 'application/json' && !req.is(JSON_TYPES)) {
    if (['POST', 'PUT', 'PATCH'].includes(req.method)) throw new TidingsError('unsupported_media_type', 'Send the body as application/json');
    return undefined;
  }
  const charset = (/;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1] ?? 'utf-8').toLowerCase();
  if (!CHARSETS.has(charset)) throw new TidingsError('unsupported_media_type', `unsupported charset "${charset.toUpperCase()}"`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);

  const scanner = new JsonShapeScanner(shape);
  const pieces = await readText(req, decompressor(req), new TextDecoder(charset), limitBytes, scanner);
  const separators = scanner.itemSeparators();
  let body: unknown;
  try {
    if (separators) body = parseItems(pieces, separators);
    else {
      const text = pieces.join('');
      if (text.length === 0) return {};
      body = JSON.parse(text);
    }
  } catch {
    throw new TidingsError('invalid_json', 'The body is not valid JSON');
  }
  const reason = unsafeJsonReason(body);
  if (reason) throw new TidingsError('validation_failed', reason, [{ field: 'body', message: reason }]);
  return body;
}

/** The text of each item of an array body as received, by the parsed body (see parseItems). */
const itemTexts = new WeakMap<object, readonly string[]>();

/**
 * The JSON text each item of `body` was parsed from, when `body` is an array
 * that readJsonBody read: a route that stores items as received (the
 * OpenLineage batch) hands that text on instead of serializing the parsed
 * item again. Undefined for anything else.
 */
export function receivedItemTexts(body: unknown): readonly string[] | undefined {
  return body !== null && typeof body === 'object' ? itemTexts.get(body) : undefined;
}

/**
 * An array body parsed item by item: the same value JSON.parse gives for the
 * whole text (which is valid exactly when each item is: the scanner found the
 * separators outside strings), without ever building that text as one string.
 * A string of a few hundred kB lands in V8's large-object space, fresh memory
 * each time: joining a 400 kB batch of OpenLineage events cost more than
 * parsing it (1.2–1.7 ms against 0.8), and serializing it again for Postgres
 * as much once more. Each item's text (a slice of the pieces read) is kept
 * for receivedItemTexts.
 */
function parseItems(pieces: readonly string[], separators: readonly number[]): unknown[] {
  const texts: string[] = [];
  const text = pieceSlicer(pieces);
  for (let k = 0; k + 1 < separators.length; k++) texts.push(text(separators[k] + 1, separators[k + 1]));
  // `[ ]`: one blank "item" between the brackets is no item; `[1,]` still fails on its empty last one.
  if (texts.length === 1 && texts[0].trim() === '') texts.length = 0;
  const items = texts.map((item) => JSON.parse(item) as unknown);
  itemTexts.set(items, texts);
  return items;
}

/** `(from, to) => text` over the concatenation of `pieces`, without concatenating them (positions ascending). */
function pieceSlicer(pieces: readonly string[]): (from: number, to: number) => string {
  let piece = 0;
  let pieceStart = 0;
  return (from, to) => {
    while (pieceStart + pieces[piece].length <= from && piece + 1 < pieces.length) pieceStart += pieces[piece++].length;
    let text = '';
    for (let at = piece, start = pieceStart; start < to && at < pieces.length; start += pieces[at++].length) {
      text += pieces[at].slice(Math.max(from - start, 0), to - start);
    }
    return text;
  };
}

/**
 * Inflated bytes per chunk: zlib's 16 KiB default made a 400 kB batch of
 * OpenLineage events 25 round trips to the thread pool, each decoded and
 * scanned on its own, twice the CPU of 64 KiB. The size limit is still
 * checked chunk by chunk.
 */
const INFLATE_CHUNK_BYTES = 64 * 1024;

function decompressor(req: Request): NodeJS.ReadWriteStream | null {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  switch (encoding) {
    case 'identity':
      return null;
    case 'gzip':
    case 'x-gzip':
      return createGunzip({ chunkSize: INFLATE_CHUNK_BYTES });
    case 'deflate':
      return createInflate({ chunkSize: INFLATE_CHUNK_BYTES });
    case 'br':
      return createBrotliDecompress({ chunkSize: INFLATE_CHUNK_BYTES });
    default:
      throw new TidingsError('unsupported_media_type', 'content encoding unsupported');
  }
}

function refused({ code, message }: ShapeRefusal): TidingsError {
  return new TidingsError(code, message, [{ field: 'body', message }]);
}

function tooLarge(limitBytes: number): TidingsError {
  return new TidingsError('payload_too_large', `The body is larger than ${limitBytes} bytes (after decompression)`);
}

/**
 * Streams the body (through `inflate` when compressed) and returns its text
 * in the pieces decoded, refusing it as soon as it crosses the size limit or
 * a shape limit. On refusal the request is left unread; the exception filter
 * then closes the connection instead of draining the rest.
 */
function readText(
  req: Request,
  inflate: NodeJS.ReadWriteStream | null,
  decoder: TextDecoder,
  limitBytes: number,
  scanner: JsonShapeScanner,
): Promise<string[]> {
  return new Promise<string[]>((resolve, reject) => {
    const source: Readable = inflate ? (req.pipe(inflate) as unknown as Readable) : req;
    const parts: string[] = [];
    let bytes = 0;
    let settled = false;
    const stop = (error: Error | null, text?: string[]) => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      if (inflate) {
        req.unpipe(inflate as unknown as NodeJS.WritableStream);
        (inflate as unknown as Readable).destroy();
      }
      req.pause();
      if (error) reject(error);
      else resolve(text!);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limitBytes) return stop(tooLarge(limitBytes));
      const piece = decoder.decode(chunk, { stream: true });
      const refusal = scanner.write(piece);
      if (refusal) return stop(refused(refusal));
      parts.push(piece);
    };
    source.on('data', onData);
    source.once('end', () => {
      const rest = decoder.decode();
      const refusal = scanner.write(rest);
      if (refusal) return stop(refused(refusal));
      parts.push(rest);
      stop(null, parts);
    });
    // zlib errors: truncated or corrupt compressed bodies.
    if (inflate) inflate.once('error', (error: Error) => stop(new BadRequestException(`The body could not be read: ${error.message}`)));
    req.once('aborted', () => stop(new BadRequestException('The body ended early or does not match its length')));
    req.once('error', () => stop(new BadRequestException('The body ended early or does not match its length')));
  });
}

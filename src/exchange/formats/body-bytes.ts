/**
 * Bodies that arrive as bytes (mitmproxy flows, HAR `encoding: "base64"`, Playwright side files)
 * become Exchange bodies: text when the bytes are UTF-8 and the content is textual, base64 with
 * `bodyEncoding: 'base64'` otherwise. A body still compressed as it went over the wire (a proxy keeps
 * `Content-Encoding: gzip` bodies as received) is decompressed first, so that diff and the stream
 * reader see what the client saw.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { Header } from '../exchange.js';
import { headerValue } from '../exchange.js';

/** An Exchange body: text, or base64 for bytes that are not text. */
export interface BodyText {
  readonly body: string;
  readonly bodyEncoding?: 'base64';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Mime types whose bodies are text even without a charset. */
const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|x-ndjson)\b)/i;

/** True when a content type names text (JSON, event streams, forms, XML, plain text). */
export function isTextualType(mimeType: string | undefined): boolean {
  return mimeType !== undefined && (TEXTUAL.test(mimeType.trim()) || /charset=/i.test(mimeType));
}

/** The bytes as an Exchange body: text when they decode as UTF-8, else base64. */
export function bodyFromBytes(bytes: Buffer): BodyText {
  try {
    return { body: utf8.decode(bytes) };
  } catch {
    return { body: bytes.toString('base64'), bodyEncoding: 'base64' };
  }
}

/**
 * Undoes `Content-Encoding` (gzip, deflate, br, chains of them). Returns the bytes unchanged, with a
 * note, when an encoding is unknown (zstd on Node 20) or the bytes do not decompress: the body is then
 * kept as it was sent, never dropped.
 */
export function decodeContentEncoding(bytes: Buffer, headers: readonly Header[]): { bytes: Buffer; note?: string } {
  const encoding = headerValue(headers, 'content-encoding');
  if (encoding === undefined || bytes.length === 0) return { bytes };
  let current = bytes;
  const codings = encoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  for (const coding of codings.reverse()) {
    try {
      if (coding === 'gzip' || coding === 'x-gzip') current = gunzipSync(current);
      else if (coding === 'br') current = brotliDecompressSync(current);
      else if (coding === 'deflate') current = inflateOrRaw(current);
      else return { bytes, note: `content-encoding ${coding} is not decoded here; the body is kept as sent` };
    } catch (error) {
      return { bytes, note: `the ${coding} body does not decompress (${(error as Error).message}); kept as sent` };
    }
  }
  return { bytes: current };
}

/** `deflate` is zlib-wrapped by the RFC, raw by some servers: try both. */
function inflateOrRaw(bytes: Buffer): Buffer {
  try {
    return inflateSync(bytes);
  } catch {
    return inflateRawSync(bytes);
  }
}

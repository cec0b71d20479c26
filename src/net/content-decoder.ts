/**
 * Undoes a response's Content-Encoding (gzip, deflate, br) one chunk at a time, flushing after each,
 * so the decoded bytes of a chunk are known to belong to it and keep its arrival time. Both the
 * outbound client and the intercepting proxy read compressed event streams through it: a browser
 * capture replayed with its `Accept-Encoding` must still parse, event by event, as it arrives.
 */
import {
  createBrotliDecompress,
  createGunzip,
  createInflate,
  type BrotliDecompress,
  type Gunzip,
  type Inflate,
} from 'node:zlib';

type Decompressor = Gunzip | Inflate | BrotliDecompress;

export interface ContentDecoder {
  /** Decodes one raw chunk; resolves with the bytes it yields (possibly none). Rejects on corrupt data. */
  decode(chunk: Uint8Array): Promise<Buffer>;
  /** Frees the decompressor. A body cut before the compressor's trailer is fine: what was decoded stands. */
  close(): void;
}

/** The decoder for a Content-Encoding value, or undefined for identity and encodings Node cannot undo. */
export function createContentDecoder(contentEncoding: string | undefined): ContentDecoder | undefined {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  const decompressor: Decompressor | undefined =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decompressor) return undefined;

  const out: Buffer[] = [];
  let failure: Error | undefined;
  decompressor.on('data', (b: Buffer) => out.push(b));
  const failed = new Promise<void>((done) =>
    decompressor.once('error', (e: Error) => {
      failure = e;
      done();
    }),
  );
  return {
    async decode(chunk) {
      if (failure) throw failure;
      decompressor.write(chunk);
      // An errored stream may never call the flush callback: whichever comes first ends the wait.
      await Promise.race([new Promise<void>((done) => decompressor.flush(() => done())), failed]);
      const decoded = Buffer.concat(out.splice(0));
      if (failure && decoded.length === 0) throw failure;
      return decoded;
    },
    close() {
      decompressor.destroy();
    },
  };
}

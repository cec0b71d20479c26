import { constants, createBrotliCompress, createGzip, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { SseEvent } from '../../src/exchange/exchange.js';
import { createContentDecoder } from '../../src/net/content-decoder.js';
import { sendRequest } from '../../src/net/index.js';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createContentDecoder', () => {
  it('leaves identity bodies alone', () => {
    expect(createContentDecoder(undefined)).toBeUndefined();
    expect(createContentDecoder('identity')).toBeUndefined();
  });

  it('decodes a gzip body given in pieces', async () => {
    const packed = gzipSync(Buffer.from('hello, compressed world'));
    const decoder = createContentDecoder('gzip')!;
    const parts = [await decoder.decode(packed.subarray(0, 7)), await decoder.decode(packed.subarray(7))];
    decoder.close();
    expect(Buffer.concat(parts).toString()).toBe('hello, compressed world');
  });

  it('rejects bytes that are not what the encoding says', async () => {
    const decoder = createContentDecoder('gzip')!;
    await expect(decoder.decode(Buffer.from('plainly not gzip at all'))).rejects.toThrow();
    decoder.close();
  });
});

describe('sendRequest with a compressed event stream', () => {
  for (const encoding of ['gzip', 'br'] as const) {
    it(`delivers each ${encoding} event live, before the server sends the next`, async () => {
      let release: () => void = () => {};
      const released = new Promise<void>((r) => (release = r));
      server = await startLoopbackServer(async (req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': encoding });
        const z = encoding === 'gzip' ? createGzip() : createBrotliCompress();
        z.pipe(res);
        const flushKind = encoding === 'gzip' ? constants.Z_SYNC_FLUSH : constants.BROTLI_OPERATION_FLUSH;
        z.write('data: {"n":1}\n\n');
        z.flush(flushKind);
        await released;
        z.write('data: {"n":2}\n\n');
        z.end();
      });
      const events: SseEvent[] = [];
      const exchange = await sendRequest(
        { method: 'GET', url: `${server.url}/stream`, headers: [{ name: 'Accept-Encoding', value: encoding }] },
        {
          source: 'library',
          onEvent: (event) => {
            events.push(event);
            if (events.length === 1) release();
          },
        },
      );
      expect(events.map((e) => e.data)).toEqual(['{"n":1}', '{"n":2}']);
      expect(exchange.response?.body).toBe('data: {"n":1}\n\ndata: {"n":2}\n\n');
      expect(exchange.error).toBeUndefined();
    });
  }
});

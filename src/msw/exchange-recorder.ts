/**
 * Records what a client sent to the in-process simulator as a capture (redacted HAR), so that the
 * same test run that exercised the client can be checked with `qwen-probe lint` afterwards. A
 * response body is teed: the client reads its half as it arrives, the recorder reads the other
 * half, and the exchange is written when the body ends (or breaks off).
 */
import { openCaptureWriter, type CaptureWriter } from '../exchange/capture-writer.js';
import type { Exchange, ExchangeRequest, Header } from '../exchange/exchange.js';
import { classifyEndpoint } from '../upstream/endpoints.js';

function headersOf(headers: Headers): Header[] {
  const out: Header[] = [];
  headers.forEach((value, name) => out.push({ name, value }));
  return out;
}

async function readText(body: ReadableStream<Uint8Array>): Promise<{ text: string; cut: boolean }> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>)
      text += decoder.decode(chunk, { stream: true });
    return { text: text + decoder.decode(), cut: false };
  } catch {
    return { text, cut: true };
  }
}

/** Writes every exchange that passes through `tap` to one capture file. */
export class ExchangeRecorder {
  private readonly writer: Promise<CaptureWriter>;
  private readonly pending = new Set<Promise<void>>();
  private count = 0;

  constructor(path: string) {
    // A test suite runs again and again: the capture of the last run replaces the one before.
    this.writer = openCaptureWriter(path, { source: 'library', redacted: true, overwrite: true, sync: false });
    // An unusable path surfaces from `close`, not as an unhandled rejection here.
    this.writer.catch(() => undefined);
  }

  /** The request as the client sent it (read before the simulator consumes the body). */
  static async requestOf(request: Request): Promise<ExchangeRequest> {
    const body = request.body ? await request.clone().text() : undefined;
    return {
      method: request.method,
      url: request.url,
      headers: headersOf(request.headers),
      ...(body !== undefined && body !== '' ? { body } : {}),
    };
  }

  /** Hands back a response for the client and records the exchange once its body has been read. */
  tap(request: ExchangeRequest, startedAt: Date, response: Response): Response {
    this.count += 1;
    const id = `msw-${this.count}`;
    const endpoint = classifyEndpoint(request.method, request.url);
    let forClient: ReadableStream<Uint8Array> | null = null;
    let forRecorder: ReadableStream<Uint8Array> | null = null;
    if (response.body) [forClient, forRecorder] = response.body.tee();
    const done = (async () => {
      const read = forRecorder ? await readText(forRecorder) : { text: '', cut: false };
      const exchange: Exchange = {
        id,
        source: 'library',
        ...(endpoint !== undefined ? { endpoint } : {}),
        startedAt: startedAt.toISOString(),
        request,
        response: {
          status: response.status,
          headers: headersOf(response.headers),
          ...(read.text !== '' ? { body: read.text } : {}),
        },
        ...(read.cut ? { error: { code: 'ECONNRESET', message: 'the stream broke off' }, tags: ['stream-cut'] } : {}),
      };
      await (await this.writer).append(exchange);
    })();
    const tracked = done.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    return new Response(forClient, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }

  /** Waits for every exchange still being read, then closes the capture. */
  async close(): Promise<void> {
    await Promise.all([...this.pending]);
    await (await this.writer).close();
  }
}

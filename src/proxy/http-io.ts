/**
 * Small node:http helpers of the proxy: reading a bounded JSON body, answering JSON and OpenAI
 * errors. Kept free of framework layers: `serve` writes every stream chunk straight to the socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openAiErrorBody, proxyError, type ProxyError } from './openai-schemas.js';

/** What reading a request body produced. */
export type BodyResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: ProxyError };

/**
 * Reads and parses a JSON body of at most `limitBytes`. A larger body is refused as soon as the
 * limit is passed (413), without waiting for the rest of it.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      resolve({ ok: false, error: tooLarge(limitBytes) });
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limitBytes) {
        finish({ ok: false, error: tooLarge(limitBytes) });
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      const text = Buffer.concat(parts, size).toString('utf8');
      try {
        finish({ ok: true, value: JSON.parse(text) as unknown });
      } catch {
        finish({
          ok: false,
          error: proxyError(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP " +
              'library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)',
            { code: 'invalid_json' },
          ),
        });
      }
    });
    req.on('error', () =>
      finish({ ok: false, error: proxyError('The request body could not be read.', { code: 'body_read_error' }) }),
    );
    req.on('close', () => {
      if (!req.complete)
        finish({
          ok: false,
          error: proxyError('The client went away before sending the whole body.', { code: 'client_aborted' }),
        });
    });
  });
}

function tooLarge(limitBytes: number): ProxyError {
  return proxyError(`The request body is larger than ${limitBytes} bytes.`, { status: 413, code: 'request_too_large' });
}

/** Answers a JSON body with the given status and headers. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent || res.destroyed) {
    if (!res.writableEnded) res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Answers an OpenAI error body with its status and headers. */
export function sendError(
  res: ServerResponse,
  error: ProxyError,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(res, error.status, openAiErrorBody(error), { ...headers, ...(error.headers ?? {}) });
}

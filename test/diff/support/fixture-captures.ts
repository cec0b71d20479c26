/**
 * Deterministic captures for the diff's golden files, tests and bench: a shape's requests (built
 * with `sequentialIdClock`) plus the responses the simulator's qwen-2025-10 profile gives them
 * (a stream for `web`, Internal_Server_Error for `seed-v4`, "Invalid token" for `seed-v1`). Built
 * by hand rather than by running the simulator so that regenerating the goldens gives the same bytes.
 */
import type {
  Exchange,
  ExchangeRequest,
  ExchangeResponse,
  ExchangeSource,
  SseEvent,
} from '../../../src/exchange/exchange.js';
import { classifyEndpoint } from '../../../src/upstream/endpoints.js';
import { SHAPES, sequentialIdClock, type ShapeName } from '../../../src/upstream/shapes.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT-shaped test token (unsigned, obviously fake) expiring 2026-09-21. */
const FIXTURE_CLAIMS = {
  id: '7c1e5b2a-0000-4000-8000-00000000cafe',
  last_password_change: 1750000000,
  exp: 1790000000,
};
export const FIXTURE_TOKEN = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(FIXTURE_CLAIMS)}.ZmFrZS1zaWduYXR1cmUtZm9yLXRlc3RzLW9ubHk`;

/** The anti-bot cookies a browser session holds (made up, fixed). */
export const FIXTURE_COOKIES = {
  ssxmod_itna: '1-Qq0xRDcDnDBGG8D0QDmqiQi=',
  ssxmod_itna2: '1-Qq0xRDcDnDBGG8DBqmqiQi=Dz',
} as const;

const BASE_URL = 'https://chat.qwen.ai';
const DAY = '2026-06-01T12:00:';

export interface ShapeCaptureOptions {
  /** First millisecond of the IdClock; pick different ones for GOOD and BAD so ids differ. */
  readonly startMs: number;
  readonly chatId: string;
  readonly source?: ExchangeSource;
  readonly prompt?: string;
  /** Prefix of exchange ids. */
  readonly idPrefix?: string;
  /** Seconds offset of `startedAt` within the fixed minute. */
  readonly second?: number;
  /** Makes the uuids unique to this capture (the first 8 hex digits); the clock's counter restarts per capture. */
  readonly idSeed?: number;
}

function json(status: number, body: unknown): ExchangeResponse {
  return {
    status,
    statusText: status === 200 ? 'OK' : 'Unauthorized',
    httpVersion: 'HTTP/1.1',
    headers: [{ name: 'content-type', value: 'application/json' }],
    body: JSON.stringify(body),
  };
}

/** The stream the simulator sends for a short text answer (protocol.md §8.2). */
export function streamResponse(chatId: string, responseId: string, answer = 'Hi! How can I help?'): ExchangeResponse {
  const words = answer.split(/(?<= )/);
  const events: SseEvent[] = [
    {
      t: 180,
      data: JSON.stringify({
        'response.created': { chat_id: chatId, parent_id: 'USER-MSG', response_id: responseId, response_index: '0' },
      }),
    },
    ...words.map((w, i) => ({
      t: 240 + i * 35,
      data: JSON.stringify({
        choices: [{ delta: { role: 'assistant', content: w, phase: 'answer', status: 'typing' } }],
        response_id: responseId,
      }),
    })),
    {
      t: 260 + words.length * 35,
      data: JSON.stringify({
        choices: [{ delta: { content: '', role: 'assistant', status: 'finished', phase: 'answer' } }],
        response_id: responseId,
      }),
    },
  ];
  return {
    status: 200,
    statusText: 'OK',
    httpVersion: 'HTTP/1.1',
    headers: [{ name: 'content-type', value: 'text/event-stream; charset=utf-8' }],
    body: events.map((e) => `data: ${e.data}\n\n`).join(''),
    sse: events,
    chunks: events.map((e) => ({ t: e.t, size: e.data.length + 8 })),
  };
}

function responseFor(shape: ShapeName, request: ExchangeRequest, chatId: string, requestId: string): ExchangeResponse {
  if (request.url.includes('/chats/new'))
    return json(200, { success: true, request_id: requestId, data: { id: chatId } });
  if (shape === 'web') return streamResponse(chatId, requestId);
  if (shape === 'seed-v1')
    return json(401, {
      success: false,
      request_id: requestId,
      data: { code: 'Unauthorized', details: 'Invalid token' },
    });
  if (shape === 'seed-v2')
    return json(400, {
      success: false,
      request_id: requestId,
      data: { code: 'RequestValidationError', details: "Field 'query -> chat_id': Field required" },
    });
  if (shape === 'seed-v3')
    return json(400, {
      success: false,
      request_id: requestId,
      data: { code: 'RequestValidationError', details: "Field 'chat_id': Field required" },
    });
  return json(200, {
    success: false,
    request_id: requestId,
    data: { code: 'Internal_Server_Error', details: 'Internal error' },
  });
}

/** One first turn of a shape (chats/new where the shape makes one, then the completion), with responses. */
export function shapeCapture(shape: ShapeName, options: ShapeCaptureOptions): Exchange[] {
  const base = sequentialIdClock(options.startMs);
  const seed = options.idSeed;
  const clock =
    seed === undefined
      ? base
      : {
          nowMs: () => base.nowMs(),
          uuid: () => `${(seed >>> 0).toString(16).padStart(8, '0')}${base.uuid().slice(8)}`,
        };
  const ctx = {
    baseUrl: BASE_URL,
    token: FIXTURE_TOKEN,
    idClock: clock,
    ...(shape === 'web' ? { cookies: FIXTURE_COOKIES } : {}),
    ...(options.prompt ? { prompt: options.prompt } : {}),
  };
  const s = SHAPES[shape];
  const requests = [
    ...(s.createChat ? [s.createChat(ctx)] : []),
    s.completion(ctx, { chatId: options.chatId, parentId: null }),
  ];
  return requests.map((request, i) => {
    const endpoint = classifyEndpoint(request.method, request.url);
    const second = String((options.second ?? 0) + i).padStart(2, '0');
    return {
      id: `${options.idPrefix ?? shape}-${i + 1}`,
      source: options.source ?? (shape === 'web' ? 'browser' : 'library'),
      ...(endpoint !== undefined ? { endpoint } : {}),
      startedAt: `${DAY}${second}.000Z`,
      request,
      response: responseFor(shape, request, options.chatId, clock.uuid()),
      timings: { wait: 150, receive: 200, total: 350 },
    };
  });
}

/** GOOD: the browser's web shape. */
export function browserWebCapture(): Exchange[] {
  return shapeCapture('web', {
    startMs: 1_780_000_000_000,
    chatId: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    idPrefix: 'browser',
  });
}

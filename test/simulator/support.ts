/**
 * Helpers for simulator tests: send an ExchangeRequest (from src/upstream/shapes.ts) in-process or
 * over a real port, sign in, and read event streams. Shared by test/simulator and test/e2e.
 */
import { sha256Hex } from '../../src/common/index.js';
import type { ExchangeRequest } from '../../src/exchange/exchange.js';
import { createSimulatorApp, DEMO_USER, type SimulatorOptions } from '../../src/simulator/index.js';

/** Anything that answers a fetch: the in-process app, or global fetch against a real port. */
export type Requester = (url: string, init: RequestInit) => Promise<Response>;

/** The Hono app as a requester; URLs may be absolute (any origin) or paths. */
export function inProcess(options: SimulatorOptions = {}) {
  const sim = createSimulatorApp({ chunkIntervalMs: 0, ...options });
  const request: Requester = async (url, init) => sim.app.request(url.replace(/^https?:\/\/[^/]+/, ''), init);
  return { ...sim, request, baseUrl: 'http://sim.test' };
}

export const overHttp: Requester = (url, init) => fetch(url, init);

export function toInit(req: ExchangeRequest): RequestInit {
  const headers = new Headers();
  for (const h of req.headers) headers.append(h.name, h.value);
  return { method: req.method, headers, ...(req.body === undefined ? {} : { body: req.body }) };
}

export function send(requester: Requester, req: ExchangeRequest): Promise<Response> {
  return requester(req.url, toInit(req));
}

export { sha256Hex };

/** Signs in with the demo account (or the given one); returns the token and the cookie header line. */
export async function signin(
  requester: Requester,
  baseUrl: string,
  user: { email: string; password: string } = DEMO_USER,
) {
  const res = await requester(`${baseUrl}/api/v1/auths/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: sha256Hex(user.password) }),
  });
  if (res.status !== 200) throw new Error(`signin failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string };
  return { token: body.token, setCookie: res.headers.get('set-cookie') ?? '' };
}

export function jsonHeaders(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra };
}

/** Creates a chat and returns its id. */
export async function newChat(
  requester: Requester,
  baseUrl: string,
  token: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const res = await requester(`${baseUrl}/api/v2/chats/new`, {
    method: 'POST',
    headers: jsonHeaders(token, extra),
    body: JSON.stringify({
      title: 'New Chat',
      models: ['qwen3-max'],
      chat_mode: 'normal',
      chat_type: 't2t',
      timestamp: Date.now(),
    }),
  });
  const body = (await res.json()) as { data: { id: string } };
  return body.data.id;
}

/** A family-A style completion body (what Rfym21 sent in Oct 2025), with overrides. */
export function minimalBody(
  chatId: string,
  overrides: Record<string, unknown> = {},
  message: Record<string, unknown> = {},
) {
  return {
    stream: true,
    incremental_output: true,
    chat_id: chatId,
    chat_mode: 'normal',
    model: 'qwen3-max',
    messages: [
      {
        role: 'user',
        content: 'Hello!',
        chat_type: 't2t',
        extra: {},
        feature_config: { output_schema: 'phase', thinking_enabled: false },
        ...message,
      },
    ],
    ...overrides,
  };
}

export async function complete(
  requester: Requester,
  baseUrl: string,
  token: string,
  chatId: string,
  body: unknown,
  extra: Record<string, string> = {},
) {
  return requester(`${baseUrl}/api/v2/chat/completions?chat_id=${encodeURIComponent(chatId)}`, {
    method: 'POST',
    headers: jsonHeaders(token, extra),
    body: JSON.stringify(body),
  });
}

/** The `data:` payloads of an SSE text, in order. */
export function ssePayloads(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) =>
      block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n'),
    );
}

/** The parsed error envelope of a response (fails the test if it is not one). */
export async function envelopeOf(res: Response): Promise<{ code: string; details: unknown; num?: number }> {
  const body = (await res.json()) as {
    success: boolean;
    request_id: string;
    data: { code: string; details: unknown; num?: number };
  };
  if (body.success !== false || typeof body.request_id !== 'string')
    throw new Error(`not an error envelope: ${JSON.stringify(body)}`);
  return body.data;
}

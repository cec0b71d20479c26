/**
 * A scriptable stand-in for the chat.qwen.ai API on a loopback port, for proxy tests that need to
 * control exactly when each event is sent (ordering, stalls, disconnects). The simulator covers
 * the protocol; this covers timing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string;
  readonly body: Record<string, unknown> | undefined;
}

/** What a completion handler gets: the request, the response, and helpers that write Qwen events. */
export interface CompletionCall {
  readonly seen: SeenRequest;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Writes the SSE headers and the `response.created` event. */
  start(responseId?: string): void;
  answer(text: string, outputTokens?: number): void;
  finish(): void;
  /** Resolves when the proxy closed the connection. */
  readonly closed: Promise<void>;
}

export type CompletionScript = (call: CompletionCall) => void | Promise<void>;

export interface FakeUpstream {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Replaces how completions are answered; default: a three-piece answer. */
  onCompletion(script: CompletionScript): void;
  close(): Promise<void>;
}

const MODELS = {
  data: [
    { id: 'qwen3-max', owned_by: 'qwen', info: { meta: { capabilities: { thinking: false } } } },
    { id: 'qwen3-235b-a22b', owned_by: 'qwen', info: { meta: { capabilities: { thinking: true } } } },
  ],
};

export const sse = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;

export function answerEvent(text: string, outputTokens = 1): string {
  return sse({
    choices: [{ delta: { role: 'assistant', content: text, phase: 'answer', status: 'typing' } }],
    usage: { input_tokens: 1000, output_tokens: outputTokens, total_tokens: 1000 + outputTokens },
  });
}

export const finishEvent = sse({
  choices: [{ delta: { role: 'assistant', content: '', phase: 'answer', status: 'finished' } }],
});

export const defaultScript: CompletionScript = (call) => {
  call.start();
  call.answer('Hello', 1);
  call.answer(' there', 2);
  call.answer('!', 3);
  call.finish();
};

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: SeenRequest[] = [];
  let script: CompletionScript = defaultScript;
  let chats = 0;
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      let body: Record<string, unknown> | undefined;
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      } catch {
        body = undefined;
      }
      const path = (req.url ?? '').split('?')[0] ?? '';
      const seen: SeenRequest = {
        method: req.method ?? '',
        path,
        authorization: req.headers.authorization ?? '',
        body,
      };
      requests.push(seen);
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (path === '/api/models') return json(200, MODELS);
      if (path === '/api/v1/auths/') return json(200, { id: 'u1', email: 'e@x.test', name: 'e', role: 'user' });
      if (path === '/api/v2/chats/new')
        return json(200, { success: true, request_id: 'r', data: { id: `chat-${++chats}` } });
      if (path === '/api/v2/chat/completions') {
        const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
        const call: CompletionCall = {
          seen,
          req,
          res,
          closed,
          start: (responseId = `resp-${requests.length}`) => {
            res.writeHead(200, { 'content-type': 'text/event-stream' });
            res.write(
              sse({
                'response.created': { chat_id: 'c', parent_id: 'p', response_id: responseId, response_index: '0' },
              }),
            );
          },
          answer: (t, n) => res.write(answerEvent(t, n)),
          finish: () => res.end(finishEvent),
        };
        void Promise.resolve(script(call)).catch(() => res.destroy());
        return;
      }
      json(404, { detail: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    onCompletion: (s) => {
      script = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

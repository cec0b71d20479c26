/**
 * `POST /v1/chat/completions`: one validated request → one upstream turn (turn-runner.ts) → one
 * OpenAI answer, written by `TurnWriter` with OpenAI's chunks (answer-format.ts).
 */
import { randomUUID } from 'node:crypto';
import { OpenAiFormat } from './answer-format.js';
import type { ResponseIdentity } from './chunk-writer.js';
import type { ChatRequest } from './openai-schemas.js';
import { runTurn, type ChatContext } from './turn-runner.js';
import { TurnWriter, type ResponseState } from './turn-writer.js';

export type { ResponseState } from './turn-writer.js';
export type { ChatContext } from './turn-runner.js';

function responseHeaders(id: string, request: ChatRequest): Record<string, string> {
  return {
    'x-request-id': id,
    ...(request.ignored.length > 0 ? { 'x-qwen-probe-ignored': request.ignored.join(',') } : {}),
  };
}

/** Runs one chat completion. Never throws for upstream trouble; the caller's catch only sees bugs. */
export async function handleChatCompletion(
  ctx: ChatContext,
  request: ChatRequest,
  state: ResponseState,
): Promise<void> {
  const identity: ResponseIdentity = {
    id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
    created: Math.floor(Date.now() / 1000),
    model: request.model,
  };
  const out = new TurnWriter(
    state,
    new OpenAiFormat(identity, request),
    request,
    responseHeaders(identity.id, request),
  );
  await runTurn(ctx, request, state, out, identity.id);
}

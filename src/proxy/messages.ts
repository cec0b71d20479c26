/**
 * `POST /v1/messages`: the Anthropic Messages API beside OpenAI's chat completions. One validated
 * request (anthropic-schemas.ts) → the same upstream turn (turn-runner.ts) → one Anthropic message,
 * streamed as Anthropic's events or answered whole (anthropic-format.ts), with the same mapping of
 * upstream failures to statuses as the OpenAI side, in Anthropic's error shape.
 */
import { randomBytes } from 'node:crypto';
import { AnthropicFormat } from './anthropic-format.js';
import type { ResponseIdentity } from './chunk-writer.js';
import type { ChatRequest } from './openai-schemas.js';
import { runTurn, type ChatContext } from './turn-runner.js';
import { TurnWriter, type ResponseState } from './turn-writer.js';

/** A fresh `msg_…` id (Anthropic's ids are `msg_` and 24 base62-ish characters). */
export function messageId(): string {
  return `msg_${randomBytes(18).toString('base64url')}`;
}

/** Runs one Messages API request. Never throws for upstream trouble. */
export async function handleMessages(ctx: ChatContext, request: ChatRequest, state: ResponseState): Promise<void> {
  const identity: ResponseIdentity = { id: messageId(), created: Math.floor(Date.now() / 1000), model: request.model };
  const headers: Record<string, string> = {
    'request-id': identity.id.replace(/^msg_/, 'req_'),
    ...(request.ignored.length > 0 ? { 'x-qwen-probe-ignored': request.ignored.join(',') } : {}),
  };
  const out = new TurnWriter(state, new AnthropicFormat(identity), request, headers);
  await runTurn(ctx, request, state, out, identity.id);
}

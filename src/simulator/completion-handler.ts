/**
 * POST /api/v2/chat/completions once every profile rule has let the request through: record the
 * turn in the chat, plan the events from the prompt, and stream them. Which events the stream has
 * follows the message-level feature_config (protocol.md §4.3, §5): thinking on a model that can
 * think, `thinking_format` summary or detail, and no `phase` field without `output_schema:"phase"`.
 */
import type { Socket } from 'node:net';
import { valueAtPath, type JsonValue } from '../common/index.js';
import { expectedAnswer } from './answers.js';
import { requestedParent, type RequestFacts, bodyObject } from './request-facts.js';
import { targetChatId } from './rules-engine.js';
import { ANONYMOUS_USER_ID, nowSeconds, userOf, type SimulatorRuntime } from './runtime.js';
import { planStream } from './sse-events.js';
import { streamBody, type TransportFault } from './stream-body.js';
import type { StoredChat, StoredMessage } from './state.js';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const;

/** The text of a message's content: a string, or the `text` parts of a list. */
export function promptText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string'
          ? (part as { text: string }).text
          : '',
      )
      .join('');
  }
  return '';
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A chat for a completion whose chat_id was never created: only reached when the profile has no rule against it. */
function implicitChat(rt: SimulatorRuntime, id: string, userId: string, model: string): StoredChat {
  const now = nowSeconds(rt);
  const chat: StoredChat = {
    id,
    userId,
    title: 'New Chat',
    models: [model],
    chatType: 't2t',
    chatMode: 'normal',
    createdAt: now,
    updatedAt: now,
    messages: [],
    lastResponseId: null,
  };
  rt.state.chats.set(id, chat);
  return chat;
}

export interface CompletionContext {
  readonly fault?: TransportFault | undefined;
  readonly socket?: Socket | undefined;
}

export function handleCompletion(rt: SimulatorRuntime, facts: RequestFacts, ctx: CompletionContext): Response {
  const body = bodyObject(facts);
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  const message = record(messages.at(-1));
  const prompt = promptText(message['content']);
  const userId = userOf(rt, facts)?.id ?? ANONYMOUS_USER_ID;
  const model = typeof body['model'] === 'string' ? body['model'] : 'qwen3-max';
  const chatId = targetChatId(facts) ?? rt.ids();
  const existing = rt.state.chats.get(chatId);
  const chat = existing && existing.userId === userId ? existing : implicitChat(rt, chatId, userId, model);

  const featureConfig = record(message['feature_config']);
  const canThink = rt.profile.models.find((m) => m.id === model)?.thinking ?? false;
  const thinking = featureConfig['thinking_enabled'] === true && canThink;
  const withPhase = featureConfig['output_schema'] === 'phase';
  const thinkingFormat = featureConfig['thinking_format'] === 'detail' ? 'detail' : 'summary';

  const fid = valueAtPath(message as JsonValue, 'fid');
  const userMessageId = typeof fid === 'string' && fid !== '' ? fid : rt.ids();
  const responseId = rt.ids();
  const now = nowSeconds(rt);
  const userMessage: StoredMessage = {
    id: userMessageId,
    role: 'user',
    content: prompt,
    parentId: requestedParent(facts),
    childrenIds: [responseId],
    timestamp: now,
  };
  const reasoning = thinking && withPhase ? expectedAnswer(prompt, { thinking: true }).reasoning : undefined;
  const answer: StoredMessage = {
    id: responseId,
    role: 'assistant',
    content: '',
    ...(reasoning === undefined ? {} : { reasoning }),
    parentId: userMessageId,
    childrenIds: [],
    timestamp: now,
    model,
    status: 'streaming',
  };
  chat.messages.push(userMessage, answer);
  chat.lastResponseId = responseId;
  chat.updatedAt = now;
  if (chat.title === 'New Chat' && prompt.trim() !== '') chat.title = prompt.trim().slice(0, 40);

  const events = planStream({
    chatId: chat.id,
    parentId: userMessageId,
    responseId,
    prompt,
    thinking,
    thinkingFormat,
    withPhase,
  });
  const streams = rt.state.streams;
  streams.started += 1;
  streams.open += 1;
  const stream = streamBody({
    events,
    intervalMs: rt.chunkIntervalMs,
    clock: rt.clock,
    signal: rt.signal,
    fault: ctx.fault,
    socket: ctx.socket,
    onAnswer: (text) => {
      answer.content += text;
    },
    onEnd: (outcome) => {
      answer.status = outcome;
      streams.open -= 1;
      if (outcome === 'done') streams.finished += 1;
      else streams.cut += 1;
    },
  });
  return new Response(stream, { status: 200, headers: SSE_HEADERS });
}

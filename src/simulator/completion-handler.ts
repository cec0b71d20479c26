/**
 * POST /api/v2/chat/completions once every profile rule has let the request through: record the
 * turn in the chat, plan the events from the prompt, and stream them. Which events the stream has
 * follows the message-level feature_config (protocol.md §4.3, §5): thinking on a model that can
 * think, `thinking_format` summary or detail, and no `phase` field without `output_schema:"phase"`.
 */
import type { Socket } from 'node:net';
import { valueAtPath, type JsonValue } from '../common/index.js';
import { expectedAnswer } from './answers.js';
import { accountKey, requestedParent, type RequestFacts, bodyObject } from './request-facts.js';
import { targetChatId } from './rules-engine.js';
import { ANONYMOUS_USER_ID, nowSeconds, quotaKey, userOf, type SimulatorRuntime } from './runtime.js';
import { interleaveResponses, planSoftBlock, planStream, type PlannedEvent } from './sse-events.js';
import { streamBody, type TransportFault } from './stream-body.js';
import type { OpenStream, StoredChat, StoredMessage } from './state.js';

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
  /** Answer twice, interleaved (the `dual-response` fault); otherwise the profile's rate decides. */
  readonly dual?: boolean | undefined;
}

/** The user message's id as the stream reports it: the request's `fid`, else a fresh uuid. */
function userMessageIdOf(rt: SimulatorRuntime, message: Record<string, unknown>): string {
  const fid = valueAtPath(message as JsonValue, 'fid');
  return typeof fid === 'string' && fid !== '' ? fid : rt.ids();
}

function lastMessage(facts: RequestFacts): Record<string, unknown> {
  const body = bodyObject(facts);
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  return record(messages.at(-1));
}

/**
 * The soft block's stream (protocol.md §9.5): created, then finished with nothing in between. The
 * turn is not recorded: the server dropped it, so the chat's last answer stays what it was.
 */
export function softBlockStream(rt: SimulatorRuntime, facts: RequestFacts, status: number): Response {
  const message = lastMessage(facts);
  const events = planSoftBlock({
    chatId: targetChatId(facts) ?? '',
    parentId: userMessageIdOf(rt, message),
    responseId: rt.ids(),
    prompt: promptText(message['content']),
  });
  const stream = streamBody({ events, intervalMs: rt.chunkIntervalMs, clock: rt.clock, signal: rt.signal });
  return new Response(stream, { status, headers: SSE_HEADERS });
}

/** Does this completion get two answers? The fault says so, or the profile's seeded rate. */
function answersTwice(rt: SimulatorRuntime, ctx: CompletionContext): boolean {
  if (ctx.dual) return true;
  const rate = rt.profile.dualResponses?.rate ?? 0;
  return rate > 0 && rt.random() < rate;
}

export function handleCompletion(rt: SimulatorRuntime, facts: RequestFacts, ctx: CompletionContext): Response {
  const body = bodyObject(facts);
  const message = lastMessage(facts);
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

  const userMessageId = userMessageIdOf(rt, message);
  const responseId = rt.ids();
  const dual = answersTwice(rt, ctx);
  const secondId = dual ? rt.ids() : undefined;
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
  const second: StoredMessage | undefined =
    secondId === undefined ? undefined : { ...answer, id: secondId, childrenIds: [], content: '' };
  if (second) userMessage.childrenIds.push(second.id);
  chat.messages.push(userMessage, answer, ...(second ? [second] : []));
  chat.lastResponseId = responseId;
  chat.alternateResponseIds = second ? [second.id] : [];
  chat.updatedAt = now;
  if (chat.title === 'New Chat' && prompt.trim() !== '') chat.title = prompt.trim().slice(0, 40);
  if (rt.profile.quota) {
    const key = quotaKey(accountKey(facts), model, rt.clock());
    rt.state.quotaUsed.set(key, (rt.state.quotaUsed.get(key) ?? 0) + 1);
  }

  const plan = (id: string, responseIndex: '0' | '1'): PlannedEvent[] =>
    planStream({
      chatId: chat.id,
      parentId: userMessageId,
      responseId: id,
      prompt,
      thinking,
      thinkingFormat,
      withPhase,
      responseIndex,
    });
  const events = second ? interleaveResponses(plan(responseId, '0'), plan(second.id, '1')) : plan(responseId, '0');
  const streams = rt.state.streams;
  streams.started += 1;
  streams.open += 1;
  const stopper = new AbortController();
  const open: OpenStream = { chatId: chat.id, responseId, stop: () => stopper.abort() };
  rt.state.openStreams.add(open);
  const stream = streamBody({
    events,
    intervalMs: rt.chunkIntervalMs,
    clock: rt.clock,
    signal: rt.signal,
    stop: stopper.signal,
    fault: ctx.fault,
    socket: ctx.socket,
    onAnswer: (text, event) => {
      if (second && event.responseIndex === '1') second.content += text;
      else answer.content += text;
    },
    onEnd: (outcome) => {
      answer.status = outcome;
      if (second) second.status = outcome;
      rt.state.openStreams.delete(open);
      streams.open -= 1;
      if (outcome === 'done') streams.finished += 1;
      else streams.cut += 1;
    },
  });
  return new Response(stream, { status: 200, headers: SSE_HEADERS });
}

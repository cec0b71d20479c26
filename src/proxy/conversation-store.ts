/**
 * OpenAI clients resend the whole history on every turn; the chat.qwen.ai upstream takes exactly
 * one user message per turn and threads turns with `parent_id`. This file bridges the two:
 *
 * - After a turn answered, the history *including that answer* is remembered under a hash, with
 *   the upstream chat id, the response id and the session (a chat belongs to one account).
 * - A request whose history up to its last assistant message hashes to a remembered one continues
 *   that upstream chat: only the messages after that assistant message are sent, with `parent_id`.
 * - Anything else opens a new chat with the whole history folded into one message (`foldMessages`).
 *
 * The memory is a bounded LRU: a forgotten conversation only costs a new, folded chat.
 */
import { createHash } from 'node:crypto';
import type { ChatMessage } from './openai-schemas.js';

/** An upstream chat a conversation can continue in. */
export interface ChatThread {
  /** The session (account) that owns the chat. */
  readonly session: string;
  readonly chatId: string;
  /** The upstream `response_id` of the last answer: the next turn's `parent_id`. */
  readonly responseId: string;
}

/** What a request turns into upstream. */
export type TurnPlan =
  /** Open a new chat; `prompt` holds the whole history folded. */
  | { readonly kind: 'new'; readonly prompt: string }
  /** Continue `thread`; `prompt` holds only the messages after the last assistant message. */
  | { readonly kind: 'continue'; readonly prompt: string; readonly thread: ChatThread };

const LABELS: Readonly<Record<ChatMessage['role'], string>> = {
  system: 'System',
  developer: 'System',
  user: 'User',
  assistant: 'Assistant',
};

/**
 * Folds messages into the one user message the upstream takes. A lone user message is sent as it
 * is; anything more becomes a transcript, one paragraph per message, each labelled with its role
 * (`System:`, `User:`, `Assistant:`; `developer` counts as `System`), the last user message last.
 */
export function foldMessages(messages: readonly ChatMessage[]): string {
  if (messages.length === 1 && messages[0]!.role === 'user') return messages[0]!.content;
  return messages.map((m) => `${LABELS[m.role]}: ${m.content}`).join('\n\n');
}

/**
 * The hash a history is remembered under. Contents are trimmed because clients differ in how they
 * keep the whitespace around an answer they received.
 */
export function historyKey(messages: readonly ChatMessage[]): string {
  const hash = createHash('sha256');
  for (const m of messages) hash.update(`${m.role}\u0000${m.content.trim()}\u0001`);
  return hash.digest('base64url');
}

/** Bounded LRU from history hashes to upstream chats. */
export class ConversationStore {
  private readonly entries = new Map<string, ChatThread>();

  /** `maxEntries` bounds memory: about 200 bytes per entry. */
  constructor(private readonly maxEntries = 10_000) {}

  get size(): number {
    return this.entries.size;
  }

  /** The thread remembered for this exact history, refreshed as most recently used. */
  lookup(history: readonly ChatMessage[]): ChatThread | undefined {
    if (history.length === 0) return undefined;
    const key = historyKey(history);
    const thread = this.entries.get(key);
    if (thread) {
      this.entries.delete(key);
      this.entries.set(key, thread);
    }
    return thread;
  }

  /** Remembers where a conversation stands after an answer: `messages` then the `answer`. */
  remember(messages: readonly ChatMessage[], answer: string, thread: ChatThread): void {
    const key = historyKey([...messages, { role: 'assistant', content: answer }]);
    this.entries.delete(key);
    this.entries.set(key, thread);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /**
   * Plans a turn: continue a remembered chat when the history up to the last assistant message is
   * one this store knows, else a new chat with everything folded.
   */
  plan(messages: readonly ChatMessage[]): TurnPlan {
    let lastAssistant = -1;
    for (let i = messages.length - 1; i >= 0; i--) {
      if (messages[i]!.role === 'assistant') {
        lastAssistant = i;
        break;
      }
    }
    if (lastAssistant >= 0) {
      const thread = this.lookup(messages.slice(0, lastAssistant + 1));
      if (thread) return { kind: 'continue', prompt: foldMessages(messages.slice(lastAssistant + 1)), thread };
    }
    return { kind: 'new', prompt: foldMessages(messages) };
  }
}

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
 * The memory is a bounded LRU whose entries also expire after the conversation TTL: a forgotten
 * conversation only costs a new, folded chat. The chats behind expired conversations are handed to
 * the chat reaper (`takeExpiredChats`), which deletes them upstream so they do not pile up.
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

/** A chat `serve` created, due for deletion upstream once its conversation expired. */
export interface ExpiredChat {
  readonly session: string;
  readonly chatId: string;
}

/** Where the messages up to and including the last assistant message end; -1 when there is none. */
function lastAssistantIndex(messages: readonly ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'assistant') return i;
  return -1;
}

/**
 * Plans a turn: continue a remembered chat when the history up to the last assistant message is
 * one `lookup` knows, else a new chat with everything folded. `lookup` is only asked when there is
 * an assistant message, so a new conversation costs no look-up (no Redis round trip).
 */
export async function planTurn(
  messages: readonly ChatMessage[],
  lookup: (key: string) => Promise<ChatThread | undefined>,
): Promise<TurnPlan> {
  const last = lastAssistantIndex(messages);
  if (last >= 0) {
    const thread = await lookup(historyKey(messages.slice(0, last + 1)));
    if (thread) return { kind: 'continue', prompt: foldMessages(messages.slice(last + 1)), thread };
  }
  return { kind: 'new', prompt: foldMessages(messages) };
}

/** The key a conversation is remembered under after `answer`. */
export function answeredKey(messages: readonly ChatMessage[], answer: string): string {
  return historyKey([...messages, { role: 'assistant', content: answer }]);
}

interface Entry {
  readonly thread: ChatThread;
  /** Unix ms; Infinity without a TTL. */
  readonly expiresAt: number;
}

/** How long conversations live and the clock they are judged by. */
export interface ConversationStoreOptions {
  /** A conversation not continued for this long is forgotten and its chat deleted (0: never). */
  readonly ttlMs?: number | undefined;
  readonly now?: (() => number) | undefined;
}

/** Bounded LRU from history hashes to upstream chats, with a TTL and the chats it created. */
export class ConversationStore {
  private readonly entries = new Map<string, Entry>();
  /** `session\nchatId` -> when the chat's last conversation expires. */
  private readonly chats = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  /** `maxEntries` bounds memory: about 200 bytes per entry. */
  constructor(
    private readonly maxEntries = 10_000,
    options: ConversationStoreOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 0;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The thread remembered under this key, refreshed as most recently used; undefined when expired. */
  lookupKey(key: string): ChatThread | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.thread;
  }

  /** The thread remembered for this exact history, refreshed as most recently used. */
  lookup(history: readonly ChatMessage[]): ChatThread | undefined {
    if (history.length === 0) return undefined;
    return this.lookupKey(historyKey(history));
  }

  /** Remembers a thread under a key, and that its chat lives until the TTL from now. */
  rememberKey(key: string, thread: ChatThread): void {
    const expiresAt = this.ttlMs > 0 ? this.now() + this.ttlMs : Infinity;
    this.entries.delete(key);
    this.entries.set(key, { thread, expiresAt });
    if (this.ttlMs > 0) this.chats.set(`${thread.session}\n${thread.chatId}`, expiresAt);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** Remembers where a conversation stands after an answer: `messages` then the `answer`. */
  remember(messages: readonly ChatMessage[], answer: string, thread: ChatThread): void {
    this.rememberKey(answeredKey(messages, answer), thread);
  }

  /** The chats whose last conversation expired, at most `limit`; each is handed out once. */
  takeExpiredChats(limit: number): ExpiredChat[] {
    const now = this.now();
    const out: ExpiredChat[] = [];
    for (const [key, expiresAt] of this.chats) {
      if (out.length >= limit) break;
      if (expiresAt > now) continue;
      this.chats.delete(key);
      const cut = key.indexOf('\n');
      out.push({ session: key.slice(0, cut), chatId: key.slice(cut + 1) });
    }
    return out;
  }

  /**
   * Plans a turn: continue a remembered chat when the history up to the last assistant message is
   * one this store knows, else a new chat with everything folded.
   */
  plan(messages: readonly ChatMessage[]): TurnPlan {
    const last = lastAssistantIndex(messages);
    if (last >= 0) {
      const thread = this.lookup(messages.slice(0, last + 1));
      if (thread) return { kind: 'continue', prompt: foldMessages(messages.slice(last + 1)), thread };
    }
    return { kind: 'new', prompt: foldMessages(messages) };
  }
}

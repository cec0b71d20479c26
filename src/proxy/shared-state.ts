/**
 * The state `serve` keeps beyond one request, behind one interface so that it can live in this
 * process (the default) or in Redis (`--redis`, redis-state.ts), where any number of instances
 * share it and behave as one service: account health, quotas, the conversation map, request
 * counters and the chats waiting to be deleted.
 *
 * Reads on the request path are local wherever they can be: the pool keeps every account's health
 * in memory and the store only tells it what other instances changed (`onAccountChange`). The one
 * shared read before the upstream call is the conversation look-up, and only when the history
 * holds an assistant message.
 */
import type { AccountHealth } from './account-health.js';
import type { AccountQuota } from './account-calls.js';
import type { ConversationStore, ChatThread, ExpiredChat } from './conversation-store.js';
import type { ProxyError } from './openai-schemas.js';

/** A change another instance made to an account. */
export type AccountChange =
  | { readonly kind: 'health'; readonly label: string; readonly health: AccountHealth }
  | { readonly kind: 'quota'; readonly label: string; readonly quota: AccountQuota };

/** An account as the store last saw it. */
export interface StoredAccount {
  readonly label: string;
  readonly health?: AccountHealth;
  readonly quota?: AccountQuota;
}

/** Requests answered and failed per account, across instances. */
export interface AccountCounters {
  readonly requests: number;
  readonly failures: number;
}

/** Where `serve` keeps its shared state; see the module comment. */
export interface SharedState {
  readonly kind: 'memory' | 'redis';
  /** Why the state cannot be used now (Redis unreachable) as a 503 to answer; undefined when it can. */
  problem(): ProxyError | undefined;
  /** Calls `listener` with every change another instance makes (and, harmlessly, this one's echo). */
  onAccountChange(listener: (change: AccountChange) => void): void;
  /** What the store holds about these accounts (after a restart or a reconnection). */
  loadAccounts(labels: readonly string[]): Promise<StoredAccount[]>;
  saveHealth(label: string, health: AccountHealth): Promise<void>;
  saveQuota(label: string, quota: AccountQuota): Promise<void>;
  /** One completion of `model` spent on the account's quota. */
  spendQuota(label: string, model: string): Promise<void>;
  countRequest(label: string, ok: boolean): Promise<void>;
  counters(labels: readonly string[]): Promise<Map<string, AccountCounters>>;
  lookupConversation(key: string): Promise<ChatThread | undefined>;
  /** Remembers a conversation for `ttlMs` (0: no expiry) and that its chat lives as long. */
  rememberConversation(key: string, thread: ChatThread, ttlMs: number): Promise<void>;
  /** Chats whose conversations expired, each handed to one caller (one instance) only. */
  claimExpiredChats(limit: number): Promise<ExpiredChat[]>;
  /** This instance's streams in flight per account; the store adds the other instances'. */
  reportInFlight(counts: Readonly<Record<string, number>>): Promise<void>;
  /** Streams in flight per account, across live instances. */
  inFlight(): Promise<Record<string, number>>;
  /** The instances sharing this state and alive now (1 in memory). */
  instances(): Promise<number>;
  close(): Promise<void>;
}

/** The in-process state: what `serve` kept before `--redis`, with the conversation TTL. */
export class MemoryState implements SharedState {
  readonly kind = 'memory' as const;
  private readonly counts = new Map<string, { requests: number; failures: number }>();
  private local: Readonly<Record<string, number>> = {};

  constructor(readonly conversations: ConversationStore) {}

  problem(): undefined {
    return undefined;
  }

  onAccountChange(): void {
    // One process: no other instance changes anything.
  }

  loadAccounts(): Promise<StoredAccount[]> {
    return Promise.resolve([]);
  }

  saveHealth(): Promise<void> {
    return Promise.resolve();
  }

  saveQuota(): Promise<void> {
    return Promise.resolve();
  }

  spendQuota(): Promise<void> {
    return Promise.resolve();
  }

  countRequest(label: string, ok: boolean): Promise<void> {
    const c = this.counts.get(label) ?? { requests: 0, failures: 0 };
    c.requests += 1;
    if (!ok) c.failures += 1;
    this.counts.set(label, c);
    return Promise.resolve();
  }

  counters(labels: readonly string[]): Promise<Map<string, AccountCounters>> {
    return Promise.resolve(
      new Map(labels.map((l) => [l, { ...(this.counts.get(l) ?? { requests: 0, failures: 0 }) }])),
    );
  }

  lookupConversation(key: string): Promise<ChatThread | undefined> {
    return Promise.resolve(this.conversations.lookupKey(key));
  }

  rememberConversation(key: string, thread: ChatThread): Promise<void> {
    this.conversations.rememberKey(key, thread);
    return Promise.resolve();
  }

  claimExpiredChats(limit: number): Promise<ExpiredChat[]> {
    return Promise.resolve(this.conversations.takeExpiredChats(limit));
  }

  reportInFlight(counts: Readonly<Record<string, number>>): Promise<void> {
    this.local = counts;
    return Promise.resolve();
  }

  inFlight(): Promise<Record<string, number>> {
    return Promise.resolve({ ...this.local });
  }

  instances(): Promise<number> {
    return Promise.resolve(1);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

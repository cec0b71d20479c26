/**
 * Deletes the chats `serve` created once their conversation expired (`--chat-ttl`), so they do not
 * pile up in the accounts: chat.qwen.ai keeps every chat, and piles of API-made chats are a
 * suspected trigger of its risk controls (docs/protocol.md §9.18). With a shared Redis each expired
 * chat is claimed by one instance only.
 */
import type { PooledSession } from './session-pool.js';
import type { SharedState } from './shared-state.js';
import type { UpstreamFailure } from '../upstream/upstream-failure.js';

/** What the reaper needs; the proxy wires the upstream call and the pool's credentials. */
export interface ChatReaperOptions {
  readonly store: SharedState;
  /** The account's credentials, whatever its state. */
  readonly session: (label: string) => PooledSession | undefined;
  readonly deleteChat: (session: PooledSession, chatId: string) => Promise<UpstreamFailure | undefined>;
  /** How often expired chats are looked for. */
  readonly intervalMs: number;
  readonly log?: ((line: string) => void) | undefined;
}

/** Chats deleted per sweep at most: a backlog is worked off over several sweeps, not in one burst. */
const BATCH = 50;

/** A timer that sweeps expired chats; `sweep` runs one pass (tests). */
export class ChatReaper {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<number> | undefined;
  /** Chats deleted since the start. */
  deleted = 0;

  constructor(private readonly options: ChatReaperOptions) {
    this.timer = setInterval(() => void this.sweep(), options.intervalMs);
    this.timer.unref();
  }

  /** Deletes the chats that are due; resolves with how many it deleted. One sweep at a time. */
  sweep(): Promise<number> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepOnce(): Promise<number> {
    const { store, log } = this.options;
    if (store.problem()) return 0;
    let due;
    try {
      due = await store.claimExpiredChats(BATCH);
    } catch (error) {
      log?.(`chat reaper: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }
    let deleted = 0;
    for (const chat of due) {
      const session = this.options.session(chat.session);
      if (!session) continue;
      const failure = await this.options.deleteChat(session, chat.chatId).catch((error: unknown) => ({
        kind: 'transport' as const,
        code: 'EOTHER',
        message: String(error),
      }));
      if (failure) log?.(`chat reaper: chat of ${chat.session} not deleted: ${failure.kind}`);
      else deleted += 1;
    }
    this.deleted += deleted;
    return deleted;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

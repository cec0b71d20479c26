/**
 * The per-simulator context every handler gets: state, settings, the injectable clock and ids, and
 * the signal that aborts when the simulator closes. Also the `RuleWorld` the rules engine asks.
 */
import type { RuleWorld } from './rules-engine.js';
import type { SimulatorProfile } from './profile-schema.js';
import type { SimulatorState, SimulatorUser, StoredChat } from './state.js';
import type { RequestFacts } from './request-facts.js';

export interface SimulatorRuntime {
  readonly state: SimulatorState;
  readonly profile: SimulatorProfile;
  /** Unix ms. */
  readonly clock: () => number;
  /** A fresh uuid. */
  readonly ids: () => string;
  readonly jwtSecret: string;
  readonly tokenTtlSeconds: number;
  readonly latencyMs: number;
  readonly chunkIntervalMs: number;
  /** Aborts when the simulator closes: ends sleeps, stalls and open streams. */
  readonly signal: AbortSignal;
  readonly modelIds: ReadonlySet<string>;
  /** Fixed `created_at` of the model entries (unix seconds). */
  readonly modelsCreatedAt: number;
  readonly world: RuleWorld;
}

/** Owner id of chats made without a valid token (only when a profile lets such requests through). */
export const ANONYMOUS_USER_ID = 'anonymous';

export function nowSeconds(rt: SimulatorRuntime): number {
  return Math.floor(rt.clock() / 1000);
}

/** The account a valid token belongs to. */
export function userOf(rt: SimulatorRuntime, facts: RequestFacts): SimulatorUser | undefined {
  if (facts.token.kind !== 'valid') return undefined;
  const id = facts.token.payload.id;
  return rt.state.users.find((u) => u.id === id);
}

/** The chat with this id if the caller owns it. */
export function ownedChat(rt: SimulatorRuntime, chatId: string, userId: string | undefined): StoredChat | undefined {
  const chat = rt.state.chats.get(chatId);
  if (!chat) return undefined;
  return chat.userId === (userId ?? ANONYMOUS_USER_ID) ? chat : undefined;
}

export function createWorld(state: SimulatorState, modelIds: ReadonlySet<string>): RuleWorld {
  return {
    modelIds,
    chatExists: (chatId, userId) => {
      const chat = state.chats.get(chatId);
      return chat !== undefined && chat.userId === (userId ?? ANONYMOUS_USER_ID);
    },
    lastResponseId: (chatId) => state.chats.get(chatId)?.lastResponseId,
  };
}

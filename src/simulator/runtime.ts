/**
 * The per-simulator context every handler gets: state, settings, the injectable clock and ids, and
 * the signal that aborts when the simulator closes. Also the `RuleWorld` the rules engine asks.
 */
import type { RuleWorld } from './rules-engine.js';
import { acwTcIssuedAt, x5secIssuedAt } from './anti-bot/anti-bot-cookies.js';
import { checkSignature } from './anti-bot/signatures.js';
import type { SimulatorProfile } from './profile-schema.js';
import type { SimulatorState, SimulatorUser, StoredChat } from './state.js';
import type { RequestFacts } from './request-facts.js';

export interface SimulatorRuntime {
  readonly state: SimulatorState;
  /** The running profile: the era's, with any drifts applied on top (`setRuntimeProfile`). */
  profile: SimulatorProfile;
  /** The profile the simulator started with, which `DELETE /__simulator/drift` returns to. */
  readonly baseProfile: SimulatorProfile;
  /** Unix ms. */
  readonly clock: () => number;
  /** A fresh uuid. */
  readonly ids: () => string;
  readonly jwtSecret: string;
  /** The key of the page's signatures and of the cookies the anti-bot layer issues; per run. */
  readonly signingKey: Buffer;
  /** A seeded PRNG in [0, 1) (the profile's dual-response seed), so a run repeats itself. */
  readonly random: () => number;
  readonly tokenTtlSeconds: number;
  readonly latencyMs: number;
  readonly chunkIntervalMs: number;
  /** Aborts when the simulator closes: ends sleeps, stalls and open streams. */
  readonly signal: AbortSignal;
  /** Ids of the running profile's models. */
  modelIds: ReadonlySet<string>;
  /** Fixed `created_at` of the model entries (unix seconds). */
  readonly modelsCreatedAt: number;
  /** What the rules ask about the running profile and state. */
  world: RuleWorld;
}

/**
 * Runs on another profile from the next request on (a drift, or the return from one): its rules,
 * models and front end. Chats, accounts, faults and the escalation log stay.
 */
export function setRuntimeProfile(rt: SimulatorRuntime, profile: SimulatorProfile): void {
  const modelIds = new Set(profile.models.map((m) => m.id));
  rt.profile = profile;
  rt.state.profile = profile;
  rt.modelIds = modelIds;
  rt.world = createWorld({ state: rt.state, profile, modelIds, signingKey: rt.signingKey, clock: rt.clock });
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

/** The quota counter's key: one per account, model and UTC day. */
export function quotaKey(account: string, model: string, nowMs: number): string {
  return `${account} ${model} ${new Date(nowMs).toISOString().slice(0, 10)}`;
}

/** Mulberry32: a tiny seeded PRNG, stable across Node versions. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WorldInput {
  readonly state: SimulatorState;
  readonly profile: SimulatorProfile;
  readonly modelIds: ReadonlySet<string>;
  readonly signingKey: Buffer;
  readonly clock: () => number;
}

export function createWorld(input: WorldInput): RuleWorld {
  const { state, profile, signingKey, clock } = input;
  const forced = new Set(profile.models.filter((m) => m.thinkSkip === false).map((m) => m.id));
  return {
    modelIds: input.modelIds,
    chatExists: (chatId, userId) => {
      const chat = state.chats.get(chatId);
      return chat !== undefined && chat.userId === (userId ?? ANONYMOUS_USER_ID);
    },
    lastResponseId: (chatId) => state.chats.get(chatId)?.lastResponseId,
    alternateResponseIds: (chatId) => state.chats.get(chatId)?.alternateResponseIds ?? [],
    antiBot: {
      now: clock,
      signature: (name, facts) => checkSignature(signingKey, name, facts),
      cookieIssuedAt: (name, value, account) => {
        if (name === 'acw_tc') return acwTcIssuedAt(signingKey, value);
        if (name === 'x5sec') return x5secIssuedAt(signingKey, value, account);
        return undefined;
      },
      cookieOwner: (name, value) => (name === 'acw_tc' ? state.antiBot.cookieOwners.get(value) : undefined),
      blocks: (account, kind, sinceMs) => state.antiBot.escalation.count(account, kind, sinceMs),
    },
    turns: {
      chatStreaming: (chatId) => [...state.openStreams].some((s) => s.chatId === chatId),
      forcedThinkingModelIds: forced,
      timesLeft: (account, model) => {
        if (!profile.quota) return undefined;
        const used = state.quotaUsed.get(quotaKey(account, model, clock())) ?? 0;
        return Math.max(0, profile.quota.timesPerModel - used);
      },
    },
  };
}

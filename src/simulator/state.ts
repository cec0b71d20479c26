/**
 * What the simulator remembers: accounts, chats with their messages, counters, the active faults,
 * and the last decisions (which rule or handler answered, and why). Held in memory; one instance
 * per simulator, readable as JSON through GET /__simulator/state.
 */
import { EscalationLog } from './anti-bot/escalation.js';
import { FaultBook, type FaultSpec } from './faults.js';
import type { SimulatorProfile } from './profile-schema.js';

export interface SimulatorUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  /** sha256 hex of the password, as the web client sends it. */
  readonly passwordSha256: string;
  /** Unix seconds; goes into every token. */
  readonly lastPasswordChange: number;
}

export interface StoredMessage {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  content: string;
  reasoning?: string;
  readonly parentId: string | null;
  readonly childrenIds: string[];
  /** Unix seconds. */
  readonly timestamp: number;
  readonly model?: string;
  /** Assistant messages: how the stream ended. */
  status?: 'streaming' | 'done' | 'cut';
}

export interface StoredChat {
  readonly id: string;
  /** Owner's user id; `anonymous` when the profile lets requests without a token through. */
  readonly userId: string;
  title: string;
  readonly models: readonly string[];
  readonly chatType: string;
  readonly chatMode: string;
  /** Unix seconds. */
  readonly createdAt: number;
  updatedAt: number;
  readonly messages: StoredMessage[];
  /** The `response_id` the next turn must send as parent_id; null before the first turn. */
  lastResponseId: string | null;
  /** The second answer of a dual last turn, which the next turn may continue instead (protocol.md §9.14). */
  alternateResponseIds?: string[];
}

/** A completion that is streaming: `stop` ends it early with its finished event (the page's Stop button). */
export interface OpenStream {
  readonly chatId: string;
  readonly responseId: string;
  stop(): void;
}

/** What the 2026 anti-bot layer remembers. */
export interface AntiBotState {
  readonly escalation: EscalationLog;
  /** acw_tc value -> the account that presented it first ("one per account", protocol.md §9.4). */
  readonly cookieOwners: Map<string, string>;
}

/** One answered request, newest last; the state keeps the last `RECENT_LIMIT`. */
export interface Decision {
  /** Unix ms. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly endpoint?: string | undefined;
  readonly status: number;
  /** `rule:<name>`, `fault:<name>`, `stream`, `ok` or `floor:<why>`. */
  readonly outcome: string;
  readonly explain?: string | undefined;
}

export const RECENT_LIMIT = 50;

export interface SimulatorState {
  /** The running profile (replaced when the simulator drifts). */
  profile: SimulatorProfile;
  readonly users: SimulatorUser[];
  readonly chats: Map<string, StoredChat>;
  readonly faults: FaultBook;
  /** Requests per endpoint name (`unknown` for paths outside the protocol model). */
  readonly requests: Record<string, number>;
  /** Answers per outcome (`rule:chat-not-found`, `stream`, ...). */
  readonly outcomes: Record<string, number>;
  readonly streams: { started: number; finished: number; cut: number; open: number };
  readonly recent: Decision[];
  readonly antiBot: AntiBotState;
  /** Completions streaming now. */
  readonly openStreams: Set<OpenStream>;
  /** `<account> <model> <UTC day>` -> completions used, for the quota (protocol.md §9.18). */
  readonly quotaUsed: Map<string, number>;
}

export function createState(
  profile: SimulatorProfile,
  users: SimulatorUser[],
  faults: readonly FaultSpec[],
): SimulatorState {
  return {
    profile,
    users,
    chats: new Map(),
    faults: new FaultBook(faults),
    requests: {},
    outcomes: {},
    streams: { started: 0, finished: 0, cut: 0, open: 0 },
    recent: [],
    antiBot: { escalation: new EscalationLog(), cookieOwners: new Map() },
    openStreams: new Set(),
    quotaUsed: new Map(),
  };
}

export function bump(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}

export function recordDecision(state: SimulatorState, decision: Decision): void {
  bump(state.outcomes, decision.outcome);
  state.recent.push(decision);
  if (state.recent.length > RECENT_LIMIT) state.recent.splice(0, state.recent.length - RECENT_LIMIT);
}

/** A JSON view of the state for GET /__simulator/state: counts, faults, recent decisions; no secrets. */
export function stateSnapshot(state: SimulatorState): Record<string, unknown> {
  return {
    profile: {
      name: state.profile.name,
      description: state.profile.description,
      rules: state.profile.rules.map((r) => r.name),
      drifts: state.profile.drift?.applied ?? [],
    },
    users: state.users.map((u) => u.email),
    chats: state.chats.size,
    requests: { ...state.requests },
    outcomes: { ...state.outcomes },
    streams: { ...state.streams },
    faults: state.faults.list.map((c) => ({ ...c.spec, seen: c.seen, hits: c.hits })),
    recent: [...state.recent],
    antiBot: { blocks: state.antiBot.escalation.snapshot() },
  };
}

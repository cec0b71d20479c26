/**
 * The accounts `serve` speaks for, and which one takes the next request. Requests go round-robin
 * over the sessions that are not cooling down; a session the upstream refused (auth) or throttled
 * (rate limit) is set aside for a while so the next request goes straight to another one. A
 * session signed in with email and password is signed in again when its token is refused.
 */
import { ProbeError } from '../exchange/errors.js';

/** What the upstream needs to act for an account; never logged, never in a report. */
export interface SessionCredentials {
  readonly token: string;
  /** Cookies the browser held (anti-bot cookies); `token` is added by the shape. */
  readonly cookies?: Readonly<Record<string, string>>;
}

/** One account given to `serve`. */
export interface SessionSpec {
  /** A label for logs and `/health` (`session-1`, a file name, an email): never a secret. */
  readonly label: string;
  readonly credentials: SessionCredentials;
  /** Fetches fresh credentials (a new sign-in) after the upstream refused the old ones. */
  readonly refresh?: () => Promise<SessionCredentials>;
}

/** Why a session is set aside. */
export type CooldownReason = 'auth' | 'rate-limited';

/** A session as the pool hands it out. */
export interface PooledSession {
  readonly label: string;
  readonly credentials: SessionCredentials;
}

/** A session's state for `/health`: no credentials in it. */
export interface SessionStatus {
  readonly label: string;
  readonly available: boolean;
  readonly reason?: CooldownReason;
  /** Milliseconds until it is used again (0 when available). */
  readonly cooldownMs: number;
}

/** Cool-down lengths and the clock of a pool. */
export interface SessionPoolOptions {
  /** How long a refused session rests before it is tried again (default 5 min). */
  readonly authCooldownMs?: number;
  /** How long a throttled session rests when the upstream did not say (default 60 s). */
  readonly rateLimitCooldownMs?: number;
  /** Clock in ms; tests inject one. */
  readonly now?: () => number;
}

interface Slot {
  readonly spec: SessionSpec;
  credentials: SessionCredentials;
  until: number;
  reason: CooldownReason | undefined;
  refreshing: Promise<void> | undefined;
}

/** Round-robin over sessions with per-session cool-downs. */
export class SessionPool {
  private readonly slots: Slot[];
  private next = 0;
  private readonly now: () => number;
  private readonly authCooldownMs: number;
  private readonly rateLimitCooldownMs: number;

  constructor(specs: readonly SessionSpec[], options: SessionPoolOptions = {}) {
    if (specs.length === 0)
      throw new ProbeError(
        'E_USAGE',
        'serve needs at least one session: --session FILE, --token JWT or --user EMAIL:PASSWORD',
      );
    this.slots = specs.map((spec) => ({
      spec,
      credentials: spec.credentials,
      until: 0,
      reason: undefined,
      refreshing: undefined,
    }));
    this.now = options.now ?? Date.now;
    this.authCooldownMs = options.authCooldownMs ?? 5 * 60_000;
    this.rateLimitCooldownMs = options.rateLimitCooldownMs ?? 60_000;
  }

  /** Number of sessions, cooling or not. */
  get size(): number {
    return this.slots.length;
  }

  /** The next available session not in `exclude`, round-robin; undefined when all rest or are excluded. */
  pick(exclude: ReadonlySet<string> = new Set()): PooledSession | undefined {
    const t = this.now();
    for (let i = 0; i < this.slots.length; i++) {
      const index = (this.next + i) % this.slots.length;
      const slot = this.slots[index]!;
      if (slot.until > t || exclude.has(slot.spec.label)) continue;
      this.next = (index + 1) % this.slots.length;
      return { label: slot.spec.label, credentials: slot.credentials };
    }
    return undefined;
  }

  /** The first available session, without moving the rotation (side calls such as the model list). */
  peek(): PooledSession | undefined {
    const t = this.now();
    const slot = this.slots.find((s) => s.until <= t);
    return slot ? { label: slot.spec.label, credentials: slot.credentials } : undefined;
  }

  /** The named session when it is available (a continued chat belongs to one account). */
  take(label: string): PooledSession | undefined {
    const slot = this.slots.find((s) => s.spec.label === label);
    if (!slot || slot.until > this.now()) return undefined;
    return { label, credentials: slot.credentials };
  }

  /**
   * Sets a session aside. After an auth refusal a session that can sign in again does so in the
   * background and comes back as soon as that works; a failed sign-in keeps the full cool-down.
   */
  coolDown(label: string, reason: CooldownReason, ms?: number): void {
    const slot = this.slots.find((s) => s.spec.label === label);
    if (!slot) return;
    const rest = ms ?? (reason === 'auth' ? this.authCooldownMs : this.rateLimitCooldownMs);
    slot.until = Math.max(slot.until, this.now() + rest);
    slot.reason = reason;
    const refresh = slot.spec.refresh;
    if (reason === 'auth' && refresh && !slot.refreshing) {
      slot.refreshing = refresh()
        .then((credentials) => {
          slot.credentials = credentials;
          slot.until = 0;
          slot.reason = undefined;
        })
        .catch(() => {
          // The cool-down stands; the next auth failure after it tries again.
        })
        .finally(() => {
          slot.refreshing = undefined;
        });
    }
  }

  /** Milliseconds until the first resting session is back (0 when one is available now). */
  msUntilAvailable(): number {
    const t = this.now();
    let soonest = Infinity;
    for (const slot of this.slots) soonest = Math.min(soonest, Math.max(0, slot.until - t));
    return soonest;
  }

  /** Every session's state, for `/health`. */
  status(): SessionStatus[] {
    const t = this.now();
    return this.slots.map((slot) => {
      const rest = Math.max(0, slot.until - t);
      return {
        label: slot.spec.label,
        available: rest === 0,
        ...(rest > 0 && slot.reason ? { reason: slot.reason } : {}),
        cooldownMs: rest,
      };
    });
  }

  /** Every session's current credentials with its label (for `/health/upstream`). */
  all(): PooledSession[] {
    return this.slots.map((slot) => ({ label: slot.spec.label, credentials: slot.credentials }));
  }

  /** Waits for background sign-ins to settle (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.refreshing));
  }
}

/**
 * The accounts `serve` speaks for, and which one takes the next request. Requests go by smooth
 * weighted round-robin (plain round-robin at equal weights) over the accounts that are in the
 * rotation and, for the requested model, have quota left. The pool looks after its accounts:
 * - a throttled account (`RateLimited`) cools down for the hours the upstream named;
 * - a refused token is replaced by a new sign-in in the background; repeated refusals disable the account;
 * - a captcha sets the account aside with the hint to solve it, until its rest ends or its session file changes;
 * - tokens are renewed before they expire (the 2026 `auths/refresh`, else a new sign-in);
 * - the daily quota is read (`entitlement_quota`) and counted down, and requests go elsewhere at 0.
 * Health and quota live in a `SharedState`, so instances sharing a Redis honour each other's cool-downs.
 */
import { ProbeError } from '../exchange/errors.js';
import type { UpstreamFailure } from '../upstream/upstream-failure.js';
import { jwtExpiry } from '../client/session-file.js';
import {
  accountEffect,
  accountFailure,
  effectiveState,
  READY,
  type AccountFailure,
  type AccountHealth,
  type AccountState,
  type CooldownReason,
} from './account-health.js';
import type { AccountQuota, QuotaRead } from './account-calls.js';
import type { AccountChange, SharedState } from './shared-state.js';

export type { CooldownReason } from './account-health.js';

/** What the upstream needs to act for an account; never logged, never in a report. */
export interface SessionCredentials {
  readonly token: string;
  /** Cookies the browser held (anti-bot cookies); `token` is added by the shape. */
  readonly cookies?: Readonly<Record<string, string>>;
  /** The 2026 `refresh_token`, which `auths/refresh` trades for a new token. */
  readonly refreshToken?: string;
}

/** One account given to `serve`. */
export interface SessionSpec {
  /** A label for logs, `/health` and `/admin/accounts` (an email, a file name): never a secret. */
  readonly label: string;
  readonly credentials: SessionCredentials;
  /**
   * Fresh credentials: a renewal before the token expires (`current` holds a refresh token when the
   * era gave one) or a new sign-in after the upstream refused the token.
   */
  readonly refresh?: (current: SessionCredentials) => Promise<SessionCredentials>;
  /** Credentials read again from a session file that changed since (a person solved a captcha); else undefined. */
  readonly reload?: () => Promise<SessionCredentials | undefined>;
  /** Share of the requests relative to the other accounts (default 1). */
  readonly weight?: number;
  /** The sign-in at start failed: the account starts resting, and signs in again at once in the background. */
  readonly initialFailure?: AccountFailure;
}

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

/** Cool-down lengths, the clock and the background work of a pool. */
export interface SessionPoolOptions {
  /** How long a refused session rests before it is tried again (default 5 min). */
  readonly authCooldownMs?: number | undefined;
  /** How long a throttled session rests when the upstream did not say (default 60 s). */
  readonly rateLimitCooldownMs?: number | undefined;
  /** How long a captcha'd account stays aside unless its session file changes (default 30 min). */
  readonly captchaCooldownMs?: number | undefined;
  /** How long a firewall-blocked account stays aside (default 30 min). */
  readonly blockedCooldownMs?: number | undefined;
  /** Auth refusals in a row that disable an account (default 3). */
  readonly maxAuthFailures?: number | undefined;
  /** How often the quota is read again (default 10 min). */
  readonly quotaRefreshMs?: number | undefined;
  /** Reads an account's quota (the proxy wires `entitlement_quota`); no quota routing without it. */
  readonly readQuota?: ((session: PooledSession) => Promise<QuotaRead>) | undefined;
  /** Where health and quota are shared; in this process by default. */
  readonly store?: SharedState | undefined;
  /** Clock in ms; tests inject one. */
  readonly now?: (() => number) | undefined;
  /** One line per notable event (an account set aside, a failed renewal); no secrets. */
  readonly log?: ((line: string) => void) | undefined;
}

interface Slot {
  readonly spec: SessionSpec;
  readonly weight: number;
  credentials: SessionCredentials;
  health: AccountHealth;
  quota: AccountQuota | undefined;
  /** Smooth weighted round-robin's running score. */
  score: number;
  inFlight: number;
  refreshing: Promise<void> | undefined;
  renewTimer: NodeJS.Timeout | undefined;
}

/** How long before its expiry a token is renewed: a fifth of its life, at most 5 minutes. */
function renewLeadMs(lifetimeMs: number): number {
  return Math.min(5 * 60_000, Math.max(0, lifetimeMs / 5));
}

/** Weighted round-robin over accounts with health, quota and renewal; see the module comment. */
export class SessionPool {
  private readonly slots: Slot[];
  private readonly byLabel = new Map<string, Slot>();
  private readonly now: () => number;
  private readonly authCooldownMs: number;
  private readonly rateLimitCooldownMs: number;
  private readonly captchaCooldownMs: number;
  private readonly blockedCooldownMs: number;
  private readonly maxAuthFailures: number;
  private readonly quotaRefreshMs: number;
  private quotaSupported = true;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;
  private inFlightChanged = false;

  constructor(
    specs: readonly SessionSpec[],
    private readonly options: SessionPoolOptions = {},
  ) {
    if (specs.length === 0)
      throw new ProbeError(
        'E_USAGE',
        'serve needs at least one session: --accounts FILE, --session FILE, --token JWT or --user EMAIL',
      );
    this.slots = specs.map((spec) => ({
      spec,
      weight: spec.weight !== undefined && spec.weight > 0 ? spec.weight : 1,
      credentials: spec.credentials,
      health: spec.initialFailure
        ? { state: 'resting', until: 0, authFailures: 1, lastFailure: spec.initialFailure }
        : READY,
      quota: undefined,
      score: 0,
      inFlight: 0,
      refreshing: undefined,
      renewTimer: undefined,
    }));
    for (const slot of this.slots) this.byLabel.set(slot.spec.label, slot);
    this.now = options.now ?? Date.now;
    this.authCooldownMs = options.authCooldownMs ?? 5 * 60_000;
    this.rateLimitCooldownMs = options.rateLimitCooldownMs ?? 60_000;
    this.captchaCooldownMs = options.captchaCooldownMs ?? 30 * 60_000;
    this.blockedCooldownMs = options.blockedCooldownMs ?? 30 * 60_000;
    this.maxAuthFailures = options.maxAuthFailures ?? 3;
    this.quotaRefreshMs = options.quotaRefreshMs ?? 10 * 60_000;
    const t = this.now();
    for (const slot of this.slots)
      if (slot.spec.initialFailure) slot.health = { ...slot.health, until: t + this.authCooldownMs };
    options.store?.onAccountChange((change) => this.applyChange(change));
  }

  /** Number of sessions, in the rotation or not. */
  get size(): number {
    return this.slots.length;
  }

  /** Account labels in the order given. */
  get labels(): string[] {
    return this.slots.map((s) => s.spec.label);
  }

  /**
   * Starts the background work: the shared state is read (health another instance set), token
   * renewals are scheduled, the quota is read and read again, session files are watched.
   */
  async start(): Promise<void> {
    const store = this.options.store;
    if (store) for (const stored of await store.loadAccounts(this.labels)) this.applyStored(stored);
    for (const slot of this.slots) {
      this.scheduleRenewal(slot);
      if (slot.spec.initialFailure) this.signInAgain(slot);
    }
    if (this.options.readQuota) {
      await this.refreshQuotas();
      this.every(this.quotaRefreshMs, () => this.refreshQuotas());
    }
    this.every(5_000, () => this.reloadSessionFiles());
    this.inFlightChanged = true;
    await this.reportInFlight();
    this.every(1_000, () => this.reportInFlight());
  }

  private every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      task().catch((error: unknown) => this.log(`pool: ${error instanceof Error ? error.message : String(error)}`));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** Stops the background work. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const slot of this.slots) if (slot.renewTimer) clearTimeout(slot.renewTimer);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private inRotation(slot: Slot, t: number, model: string | undefined): boolean {
    if (effectiveState(slot.health, t) !== 'ready') return false;
    if (model === undefined || !slot.quota) return true;
    const left = slot.quota.models[model]?.left;
    return left === undefined || left > 0;
  }

  /**
   * The next account in the rotation not in `exclude` with quota left for `model`; undefined when
   * none is. Smooth weighted round-robin: each account gets its weight's share, spread out.
   */
  pick(exclude: ReadonlySet<string> = new Set(), model?: string): PooledSession | undefined {
    const t = this.now();
    let best: Slot | undefined;
    let total = 0;
    for (const slot of this.slots) {
      if (exclude.has(slot.spec.label) || !this.inRotation(slot, t, model)) continue;
      slot.score += slot.weight;
      total += slot.weight;
      if (!best || slot.score > best.score) best = slot;
    }
    if (!best) return undefined;
    best.score -= total;
    return { label: best.spec.label, credentials: best.credentials };
  }

  /** The first available session, without moving the rotation (side calls such as the model list). */
  peek(): PooledSession | undefined {
    const t = this.now();
    const slot = this.slots.find((s) => this.inRotation(s, t, undefined));
    return slot ? { label: slot.spec.label, credentials: slot.credentials } : undefined;
  }

  /** The named session when it is available (a continued chat belongs to one account). */
  take(label: string, model?: string): PooledSession | undefined {
    const slot = this.byLabel.get(label);
    if (!slot || !this.inRotation(slot, this.now(), model)) return undefined;
    return { label, credentials: slot.credentials };
  }

  /** The session's credentials whatever its state (deleting the chats of a resting account). */
  credentialsOf(label: string): PooledSession | undefined {
    const slot = this.byLabel.get(label);
    return slot ? { label, credentials: slot.credentials } : undefined;
  }

  /** True when some account is out of quota for `model` while it is otherwise in the rotation. */
  quotaSpentFor(model: string): boolean {
    const t = this.now();
    return this.slots.some(
      (s) => effectiveState(s.health, t) === 'ready' && s.quota !== undefined && s.quota.models[model]?.left === 0,
    );
  }

  private setHealth(slot: Slot, health: AccountHealth): void {
    slot.health = health;
    this.options.store
      ?.saveHealth(slot.spec.label, health)
      .catch((error: unknown) => this.log(`pool: ${slot.spec.label}: health not shared: ${String(error)}`));
  }

  /**
   * What an upstream failure does to the account that met it (account-health.ts). Returns true when
   * the account left the rotation, so the request may try another one.
   */
  reportFailure(label: string, failure: UpstreamFailure): boolean {
    const effect = accountEffect(failure);
    if (effect.kind === 'none') return false;
    const last = accountFailure(failure, this.now());
    switch (effect.kind) {
      case 'rate-limited':
        this.coolDown(label, 'rate-limited', effect.ms, last);
        return true;
      case 'auth':
        this.coolDown(label, 'auth', undefined, last);
        return true;
      case 'captcha':
        this.coolDown(label, 'captcha', undefined, last);
        return true;
      case 'blocked':
        this.coolDown(label, 'blocked', undefined, last);
        return true;
    }
  }

  /**
   * Sets a session aside. After an auth refusal a session that can sign in again does so in the
   * background and comes back as soon as that works; `maxAuthFailures` refusals in a row disable it.
   */
  coolDown(label: string, reason: CooldownReason, ms?: number, failure?: AccountFailure): void {
    const slot = this.byLabel.get(label);
    if (!slot) return;
    // Back in the rotation later, it starts level with the others rather than owed or owing turns.
    slot.score = 0;
    const t = this.now();
    const lastFailure = failure ?? slot.health.lastFailure;
    const withFailure = lastFailure ? { lastFailure } : {};
    if (reason === 'auth') {
      const authFailures = slot.health.authFailures + 1;
      if (authFailures >= this.maxAuthFailures) {
        this.setHealth(slot, { state: 'disabled', until: 0, authFailures, ...withFailure });
        this.log(`account ${label} disabled after ${authFailures} auth failures in a row`);
        return;
      }
      const until = Math.max(slot.health.until, t + (ms ?? this.authCooldownMs));
      this.setHealth(slot, { state: 'resting', until, authFailures, ...withFailure });
      this.signInAgain(slot);
      return;
    }
    const rest =
      ms ??
      (reason === 'rate-limited'
        ? this.rateLimitCooldownMs
        : reason === 'captcha'
          ? this.captchaCooldownMs
          : this.blockedCooldownMs);
    const state: AccountState = reason === 'rate-limited' ? 'cooling-down' : reason;
    const until = Math.max(slot.health.state === state ? slot.health.until : 0, t + rest);
    this.setHealth(slot, { state, until, authFailures: slot.health.authFailures, ...withFailure });
    this.log(`account ${label} set aside (${state}) for ${Math.round((until - t) / 1000)} s`);
  }

  /** Puts an account back in the rotation now, whatever set it aside (its last failure stays on record). */
  reinstate(label: string): void {
    const slot = this.byLabel.get(label);
    if (!slot) return;
    this.setHealth(slot, { ...READY, ...(slot.health.lastFailure ? { lastFailure: slot.health.lastFailure } : {}) });
  }

  private signInAgain(slot: Slot): void {
    const refresh = slot.spec.refresh;
    if (!refresh || slot.refreshing) return;
    slot.refreshing = refresh(slot.credentials)
      .then((credentials) => {
        slot.credentials = credentials;
        this.setHealth(slot, {
          ...READY,
          ...(slot.health.lastFailure ? { lastFailure: slot.health.lastFailure } : {}),
        });
        this.scheduleRenewal(slot);
      })
      .catch((error: unknown) => {
        // The rest stands; the count goes on, and enough failures disable the account.
        const message = error instanceof Error ? error.message : String(error);
        const failures = slot.health.authFailures + 1;
        const lastFailure = { kind: 'sign-in', message, at: this.now() };
        if (failures >= this.maxAuthFailures)
          this.setHealth(slot, { state: 'disabled', until: 0, authFailures: failures, lastFailure });
        else this.setHealth(slot, { ...slot.health, authFailures: failures, lastFailure });
      })
      .finally(() => {
        slot.refreshing = undefined;
      });
  }

  /** Renews the token before it expires: a fifth of its life before, at most 5 minutes before. */
  private scheduleRenewal(slot: Slot): void {
    if (slot.renewTimer) clearTimeout(slot.renewTimer);
    slot.renewTimer = undefined;
    const refresh = slot.spec.refresh;
    const expiry = jwtExpiry(slot.credentials.token)?.getTime();
    if (!refresh || expiry === undefined || this.closed) return;
    const t = this.now();
    const delay = Math.max(0, expiry - t - renewLeadMs(expiry - t));
    // A token valid for weeks needs no timer this long (setTimeout's limit is about 24.8 days).
    if (delay > 2 ** 31 - 1) return;
    slot.renewTimer = setTimeout(() => {
      slot.renewTimer = undefined;
      if (slot.refreshing || this.closed) return;
      slot.refreshing = refresh(slot.credentials)
        .then((credentials) => {
          slot.credentials = credentials;
          this.scheduleRenewal(slot);
        })
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          this.log(`account ${slot.spec.label}: token renewal failed: ${message}`);
          this.setHealth(slot, { ...slot.health, lastFailure: { kind: 'renewal', message, at: this.now() } });
        })
        .finally(() => {
          slot.refreshing = undefined;
        });
    }, delay);
    slot.renewTimer.unref();
  }

  /** Session files of accounts that are out: a changed file (a person signed in again) brings the account back. */
  private async reloadSessionFiles(): Promise<void> {
    const t = this.now();
    for (const slot of this.slots) {
      if (!slot.spec.reload || effectiveState(slot.health, t) === 'ready') continue;
      const credentials = await slot.spec.reload();
      if (!credentials) continue;
      slot.credentials = credentials;
      this.setHealth(slot, READY);
      this.scheduleRenewal(slot);
      this.log(`account ${slot.spec.label}: session file changed, back in the rotation`);
    }
  }

  /** Reads every account's quota; stops asking when the era has no quota endpoint. */
  async refreshQuotas(): Promise<void> {
    const read = this.options.readQuota;
    if (!read || !this.quotaSupported) return;
    const t = this.now();
    await Promise.all(
      this.slots.map(async (slot) => {
        if (effectiveState(slot.health, t) === 'disabled') return;
        const result = await read({ label: slot.spec.label, credentials: slot.credentials });
        if (result.kind === 'unsupported') this.quotaSupported = false;
        else if (result.kind === 'quota') this.setQuota(slot, result.quota);
        else this.log(`account ${slot.spec.label}: quota not read: ${result.failure.kind}`);
      }),
    );
  }

  private setQuota(slot: Slot, quota: AccountQuota): void {
    slot.quota = quota;
    this.options.store
      ?.saveQuota(slot.spec.label, quota)
      .catch((error: unknown) => this.log(`pool: ${slot.spec.label}: quota not shared: ${String(error)}`));
  }

  /** One completion of `model` done on the account: its quota goes down by one. */
  spend(label: string, model: string): void {
    const slot = this.byLabel.get(label);
    const current = slot?.quota?.models[model];
    if (!slot?.quota || !current) return;
    slot.quota = {
      ...slot.quota,
      models: { ...slot.quota.models, [model]: { ...current, left: Math.max(0, current.left - 1) } },
    };
    this.options.store
      ?.spendQuota(label, model)
      .catch((error: unknown) => this.log(`pool: ${label}: quota spend not shared: ${String(error)}`));
  }

  /** A stream started on the account. */
  begin(label: string): void {
    const slot = this.byLabel.get(label);
    if (slot) slot.inFlight += 1;
    this.inFlightChanged = true;
  }

  /** A stream on the account ended. */
  end(label: string): void {
    const slot = this.byLabel.get(label);
    if (slot && slot.inFlight > 0) slot.inFlight -= 1;
    this.inFlightChanged = true;
  }

  /** This instance's streams in flight per account. */
  localInFlight(): Record<string, number> {
    return Object.fromEntries(this.slots.map((s) => [s.spec.label, s.inFlight]));
  }

  private async reportInFlight(): Promise<void> {
    const store = this.options.store;
    // Redis keeps a report only for a few seconds (a killed instance's count must vanish): refresh it.
    if (!store || (!this.inFlightChanged && store.kind === 'memory')) return;
    this.inFlightChanged = false;
    await store.reportInFlight(this.localInFlight());
  }

  private applyChange(change: AccountChange): void {
    const slot = this.byLabel.get(change.label);
    if (!slot) return;
    if (change.kind === 'health') slot.health = change.health;
    else slot.quota = change.quota;
  }

  private applyStored(stored: { label: string; health?: AccountHealth; quota?: AccountQuota }): void {
    const slot = this.byLabel.get(stored.label);
    if (!slot) return;
    if (stored.health) slot.health = stored.health;
    if (stored.quota) slot.quota = stored.quota;
  }

  /** Milliseconds until the first resting session is back (0 when one is available now). */
  msUntilAvailable(): number {
    const t = this.now();
    let soonest = Infinity;
    for (const slot of this.slots) {
      if (slot.health.state === 'disabled') continue;
      soonest = Math.min(soonest, Math.max(0, slot.health.until - t));
    }
    return soonest;
  }

  /** Every session's state, for `/health`. */
  status(): SessionStatus[] {
    const t = this.now();
    return this.slots.map((slot) => {
      const state = effectiveState(slot.health, t);
      const rest = state === 'ready' ? 0 : state === 'disabled' ? Infinity : Math.max(0, slot.health.until - t);
      const reason = reasonOf(state);
      return {
        label: slot.spec.label,
        available: state === 'ready',
        ...(reason ? { reason } : {}),
        cooldownMs: rest === Infinity ? -1 : rest,
      };
    });
  }

  /** Each account's health, quota, weight and local streams, for `/admin/accounts`. */
  snapshot(): {
    label: string;
    weight: number;
    state: AccountState;
    health: AccountHealth;
    quota?: AccountQuota;
  }[] {
    const t = this.now();
    return this.slots.map((slot) => ({
      label: slot.spec.label,
      weight: slot.weight,
      state: effectiveState(slot.health, t),
      health: slot.health,
      ...(slot.quota ? { quota: slot.quota } : {}),
    }));
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

function reasonOf(state: AccountState): CooldownReason | undefined {
  switch (state) {
    case 'resting':
    case 'disabled':
      return 'auth';
    case 'cooling-down':
      return 'rate-limited';
    case 'captcha':
    case 'blocked':
      return state;
    default:
      return undefined;
  }
}

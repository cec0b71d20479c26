/**
 * What an upstream failure means for the account that met it, as data, and the health record an
 * account carries (shared between `serve` instances when they share a Redis). The failure comes
 * classified by src/upstream (`UpstreamFailure`); this file only decides what it does to the
 * account: nothing (the request's own problem), a cool-down for the hours the upstream named, a
 * new sign-in, or setting the account aside until a person solved its captcha.
 *
 * The table is keyed by failure kind as a string, so kinds that a newer protocol model adds (a
 * `captcha` or a firewall `forbidden` of their own) take effect by a row here, and an unknown kind
 * is the request's problem, never a crash.
 */
import { explainFailure, type UpstreamFailure } from '../upstream/upstream-failure.js';

/** Why an account is out of the rotation. */
export type CooldownReason = 'auth' | 'rate-limited' | 'captcha' | 'blocked';

/**
 * An account's state as `/admin/accounts` shows it. `resting` waits for a new sign-in after the
 * upstream refused its token; `disabled` stays out until `serve` restarts (or its session file changes).
 */
export type AccountState = 'ready' | 'resting' | 'cooling-down' | 'captcha' | 'blocked' | 'disabled';

/** The last failure an account met; never a secret. */
export interface AccountFailure {
  /** The failure kind (`rate-limited`, `auth`, `waf`, ...) or `sign-in`. */
  readonly kind: string;
  /** One sentence. */
  readonly message: string;
  /** Unix ms. */
  readonly at: number;
}

/** An account's health, as stored (in memory or in Redis) and shared by instances. */
export interface AccountHealth {
  readonly state: AccountState;
  /** Unix ms when a rest ends; 0 when there is none (ready, disabled). */
  readonly until: number;
  /** Auth refusals and failed sign-ins in a row; reset by a working sign-in. */
  readonly authFailures: number;
  readonly lastFailure?: AccountFailure;
}

/** A fresh account. */
export const READY: AccountHealth = { state: 'ready', until: 0, authFailures: 0 };

/** What a failure does to the account that met it. */
export type AccountEffect =
  /** The request's problem (a bad body, a cut stream): the account stays in the rotation. */
  | { readonly kind: 'none' }
  /** Throttled: rest for `ms` (the upstream's `num` hours), or the pool's default when it said nothing. */
  | { readonly kind: 'rate-limited'; readonly ms?: number }
  /** Token refused: sign in again; repeated refusals disable the account. */
  | { readonly kind: 'auth' }
  /** A captcha: out until a person solved it (`qwen-probe login --headed`), or the captcha rest ends. */
  | { readonly kind: 'captcha' }
  /** A bare firewall 403: out for the block rest. */
  | { readonly kind: 'blocked' };

/** The captcha JSON and the punish page, however the WAF failure names them. */
const CAPTCHA_MARKERS = /FAIL_SYS_USER_VALIDATE|RGV587_ERROR|captcha|punish/i;

const NONE: AccountEffect = { kind: 'none' };

/**
 * Failure kind → effect on the account. `captcha` and `forbidden` are the names the 2026 protocol
 * model gives the captcha JSON and the firewall's bare 403 (docs/protocol.md §9.6, §9.7); until it
 * does, the captcha arrives as a `waf` failure with its markers and the 403 as `auth`.
 */
export const ACCOUNT_EFFECTS: Readonly<Record<string, (failure: UpstreamFailure) => AccountEffect>> = {
  'rate-limited': (f) =>
    f.kind === 'rate-limited' && f.retryAfterSeconds !== undefined
      ? { kind: 'rate-limited', ms: f.retryAfterSeconds * 1000 }
      : { kind: 'rate-limited' },
  auth: () => ({ kind: 'auth' }),
  waf: (f) => (f.kind === 'waf' && CAPTCHA_MARKERS.test(f.reason) ? { kind: 'captcha' } : NONE),
  captcha: () => ({ kind: 'captcha' }),
  forbidden: () => ({ kind: 'blocked' }),
};

/** What this failure does to the account; `none` for every kind the table does not name. */
export function accountEffect(failure: UpstreamFailure): AccountEffect {
  return ACCOUNT_EFFECTS[failure.kind]?.(failure) ?? NONE;
}

/** The health record's view of a failure. */
export function accountFailure(failure: UpstreamFailure, at: number): AccountFailure {
  return { kind: failure.kind, message: explainFailure(failure), at };
}

/** The state now: a rest whose time is up reads as `ready`. */
export function effectiveState(health: AccountHealth, now: number): AccountState {
  if (health.state === 'ready' || health.state === 'disabled') return health.state;
  return health.until > now ? health.state : 'ready';
}

/** What a person can do about an account that is out, for `/admin/accounts`. */
export function healthHint(state: AccountState, label: string, target: string): string | undefined {
  switch (state) {
    case 'captcha':
      return (
        `solve the captcha in a browser: qwen-probe login --target ${target} --headed --session FILE for ${label}, ` +
        'then point its accounts entry at FILE (a session file is read again when it changes); it is tried again ' +
        'when its rest ends'
      );
    case 'disabled':
      return `sign-in kept failing: check the password of ${label}, or sign in with qwen-probe login, then restart serve`;
    case 'cooling-down':
      return 'rate-limited by the upstream: back when the time it named is up';
    case 'blocked':
      return 'the firewall refuses this account: sign in through a browser (qwen-probe login --headed)';
    case 'resting':
      return 'the upstream refused its token: signing in again';
    default:
      return undefined;
  }
}

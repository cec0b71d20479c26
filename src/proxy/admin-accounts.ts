/**
 * `GET /admin/accounts`: each account's state, why it is out and until when, its quota, its streams
 * in flight and its last failure, across every instance that shares the state. No credential is in
 * it: labels, counts, times and one-sentence explanations only.
 */
import { healthHint, type AccountFailure, type AccountState } from './account-health.js';
import type { ModelQuota } from './account-calls.js';
import type { SessionPool } from './session-pool.js';
import type { SharedState } from './shared-state.js';

/** One account in `/admin/accounts`. */
export interface AccountView {
  readonly label: string;
  readonly state: AccountState;
  readonly weight: number;
  /** ISO time when a rest ends (absent when ready or disabled). */
  readonly until?: string;
  /** Streams in flight on this account, across instances. */
  readonly inFlight: number;
  readonly requests: number;
  readonly failures: number;
  readonly authFailures: number;
  /** Per model: completions left today; absent where the era has no quota endpoint. */
  readonly quota?: { readonly tier?: string; readonly readAt: string; readonly models: Record<string, ModelQuota> };
  readonly lastFailure?: Omit<AccountFailure, 'at'> & { readonly at: string };
  /** What a person can do about an account that is out. */
  readonly hint?: string;
}

/** The whole answer of `/admin/accounts`. */
export interface AccountsView {
  /** `memory` or `redis`. */
  readonly state: string;
  /** Instances sharing the state (alive in the last seconds). */
  readonly instances: number;
  readonly accounts: readonly AccountView[];
}

/** Builds the view; `now` is the pool's clock. */
export async function accountsView(
  pool: SessionPool,
  store: SharedState,
  target: string,
  now: number,
): Promise<AccountsView> {
  const labels = pool.labels;
  const [counters, inFlight, instances] = await Promise.all([
    store.counters(labels),
    store.kind === 'memory' ? Promise.resolve(pool.localInFlight()) : store.inFlight(),
    store.instances(),
  ]);
  const accounts = pool.snapshot().map((account): AccountView => {
    const { health, quota } = account;
    const hint = healthHint(account.state, account.label, target);
    const out = account.state !== 'ready' && account.state !== 'disabled' && health.until > now;
    return {
      label: account.label,
      state: account.state,
      weight: account.weight,
      ...(out ? { until: new Date(health.until).toISOString() } : {}),
      inFlight: inFlight[account.label] ?? 0,
      requests: counters.get(account.label)?.requests ?? 0,
      failures: counters.get(account.label)?.failures ?? 0,
      authFailures: health.authFailures,
      ...(quota
        ? {
            quota: {
              ...(quota.tier !== undefined ? { tier: quota.tier } : {}),
              readAt: new Date(quota.readAt).toISOString(),
              models: { ...quota.models },
            },
          }
        : {}),
      ...(health.lastFailure
        ? { lastFailure: { ...health.lastFailure, at: new Date(health.lastFailure.at).toISOString() } }
        : {}),
      ...(hint ? { hint } : {}),
    };
  });
  return { state: store.kind, instances, accounts };
}

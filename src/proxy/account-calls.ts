/**
 * The upstream calls `serve` makes for an account besides chat turns: its daily quota
 * (`POST /api/v2/users/user/entitlement_quota`, 2026, docs/protocol.md §9.18) and deleting a chat it
 * created (`DELETE /api/v2/chats/:id`). Eras without the quota endpoint answer it 404: that is a
 * value (`unsupported`), and the pool stops asking.
 */
import { z } from 'zod';
import type { UpstreamFailure } from '../upstream/upstream-failure.js';
import type { PooledSession } from './session-pool.js';
import { callJson, UpstreamCallError, type UpstreamConfig } from './upstream-turn.js';

/** One model's daily quota. */
export interface ModelQuota {
  readonly left: number;
  readonly limit?: number;
}

/** An account's daily quota as `entitlement_quota` gave it, minus what was spent since. */
export interface AccountQuota {
  /** `user_tier` (`free`, ...). */
  readonly tier?: string;
  readonly models: Readonly<Record<string, ModelQuota>>;
  /** Unix ms of the read. */
  readonly readAt: number;
}

/** What reading the quota gave. */
export type QuotaRead =
  | { readonly kind: 'quota'; readonly quota: AccountQuota }
  /** The era has no quota endpoint (404). */
  | { readonly kind: 'unsupported' }
  | { readonly kind: 'failed'; readonly failure: UpstreamFailure };

const quotaAnswerSchema = z.looseObject({
  data: z.looseObject({
    model: z.record(z.string(), z.looseObject({ times_left: z.number(), times_limit: z.number().optional() })),
    user_tier: z.string().optional(),
  }),
});

function isNotFound(failure: UpstreamFailure): boolean {
  return (
    (failure.kind === 'envelope' && (failure.httpStatus === 404 || /^not[_ ]found$/i.test(failure.code))) ||
    (failure.kind === 'http' && failure.httpStatus === 404)
  );
}

/** Reads an account's quota. The request body is `{}`: the sources do not record one (inferred). */
export async function fetchQuota(config: UpstreamConfig, session: PooledSession, now: number): Promise<QuotaRead> {
  let value: unknown;
  try {
    value = await callJson(config, session, '/api/v2/users/user/entitlement_quota', 'users.quota', {
      method: 'POST',
      body: {},
      // A periodic read of the pool, not part of any client's request: kept out of --record.
      record: false,
    });
  } catch (error) {
    if (!(error instanceof UpstreamCallError)) throw error;
    return isNotFound(error.failure) ? { kind: 'unsupported' } : { kind: 'failed', failure: error.failure };
  }
  const parsed = quotaAnswerSchema.safeParse(value);
  if (!parsed.success)
    return {
      kind: 'failed',
      failure: { kind: 'malformed', reason: 'entitlement_quota answered an unexpected shape', sample: '' },
    };
  const models: Record<string, ModelQuota> = {};
  for (const [id, entry] of Object.entries(parsed.data.data.model))
    models[id] = { left: entry.times_left, ...(entry.times_limit !== undefined ? { limit: entry.times_limit } : {}) };
  const tier = parsed.data.data.user_tier;
  return { kind: 'quota', quota: { ...(tier !== undefined ? { tier } : {}), models, readAt: now } };
}

/** Deletes one chat; the failure when the upstream refused (a chat already gone is no failure). */
export async function deleteUpstreamChat(
  config: UpstreamConfig,
  session: PooledSession,
  chatId: string,
): Promise<UpstreamFailure | undefined> {
  try {
    await callJson(config, session, `/api/v2/chats/${encodeURIComponent(chatId)}`, 'chats.delete', {
      method: 'DELETE',
    });
    return undefined;
  } catch (error) {
    if (!(error instanceof UpstreamCallError)) throw error;
    return isNotFound(error.failure) ? undefined : error.failure;
  }
}

/**
 * `serve --redis URL`: the shared state in Redis (ioredis), so that any number of `serve`
 * processes behave as one service. Keys, under a prefix (default `qwen-probe:`):
 *
 * | key | what |
 * |---|---|
 * | `health:<account>` | the account's health record (JSON) |
 * | `quota:<account>` | hash: `tier`, `readAt`, `left:<model>`, `limit:<model>` (counted down with HINCRBY) |
 * | `conv:<history hash>` | the conversation map: chat id, parent (`responseId`), account (JSON), with the TTL |
 * | `chats` | sorted set of the chats `serve` created, scored by when their conversation expires |
 * | `stats:<account>` | hash: `requests`, `failures` |
 * | `inflight:<instance>` | hash of streams in flight per account, expiring 5 s after the instance's last report |
 * | `instances` | sorted set of instances by their last report |
 *
 * Every change to an account is published on `events`; each instance keeps the accounts in memory
 * and applies what the others publish, so a cool-down set by one is honoured by all within a
 * pub/sub round trip, and picking an account never waits for Redis. On a reconnection the accounts
 * are read again whole (messages sent while the link was down are lost).
 *
 * When Redis is unreachable `problem()` says so and requests get a 503 (`redis: ...`); commands
 * fail at once rather than queue (`enableOfflineQueue: false`), and ioredis reconnects by itself.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ProbeError } from '../exchange/errors.js';
import type { AccountHealth } from './account-health.js';
import type { AccountQuota, ModelQuota } from './account-calls.js';
import type { ChatThread, ExpiredChat } from './conversation-store.js';
import { proxyError, type ProxyError } from './openai-schemas.js';
import type { AccountChange, AccountCounters, SharedState, StoredAccount } from './shared-state.js';

/** How to reach Redis and how to name things in it. */
export interface RedisStateOptions {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://…` (checked by `parseRedisUrl`). */
  readonly url: string;
  /** Key and channel prefix, so several services can share one Redis (default `qwen-probe:`). */
  readonly prefix?: string | undefined;
  /** This instance's id in `instances` (default a random uuid). */
  readonly instanceId?: string | undefined;
  /** Longest wait for a connection (default 2 s). */
  readonly connectTimeoutMs?: number | undefined;
  /** Longest wait for a command before it fails (default 1 s). */
  readonly commandTimeoutMs?: number | undefined;
  readonly log?: ((line: string) => void) | undefined;
  readonly now?: (() => number) | undefined;
}

/** How long an instance's in-flight report counts after it was written. */
const INSTANCE_TTL_MS = 5_000;

/** Checks a `--redis` value; E_USAGE (exit 2) naming what is wrong, never quoting a password. */
export function parseRedisUrl(text: string): string {
  const shown = text.includes('@') ? 'the given value' : JSON.stringify(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProbeError('E_USAGE', `--redis takes a URL like redis://127.0.0.1:6379/0, not ${shown}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new ProbeError('E_USAGE', `--redis takes a redis:// or rediss:// URL, not ${url.protocol}//`);
  if (url.hostname === '') throw new ProbeError('E_USAGE', `--redis URL ${shown} names no host`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new ProbeError('E_USAGE', `--redis URL: the path must be a database number (/0), not /${db}`);
  return text;
}

/** host:port of a URL, for messages (no user or password). */
function endpointOf(text: string): string {
  const url = new URL(text);
  return `${url.hostname}:${url.port || '6379'}`;
}

function parseJson<T>(text: string | null | undefined): T | undefined {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function quotaFromHash(hash: Record<string, string>): AccountQuota | undefined {
  if (hash['readAt'] === undefined) return undefined;
  const models: Record<string, ModelQuota> = {};
  for (const [field, value] of Object.entries(hash)) {
    if (!field.startsWith('left:')) continue;
    const model = field.slice('left:'.length);
    const limit = hash[`limit:${model}`];
    models[model] = { left: Math.max(0, Number(value)), ...(limit !== undefined ? { limit: Number(limit) } : {}) };
  }
  return { ...(hash['tier'] ? { tier: hash['tier'] } : {}), models, readAt: Number(hash['readAt']) };
}

type Event =
  | AccountChange
  | { readonly kind: 'quota-left'; readonly label: string; readonly model: string; readonly left: number };

/** The shared state in Redis; see the module comment. Create with `RedisState.connect`. */
export class RedisState implements SharedState {
  readonly kind = 'redis' as const;
  private readonly listeners: ((change: AccountChange) => void)[] = [];
  private labels: readonly string[] = [];
  private lastError = '';
  private closing = false;
  private readonly now: () => number;
  private readonly endpoint: string;

  private constructor(
    private readonly client: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly instanceId: string,
    private readonly options: RedisStateOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.endpoint = endpointOf(options.url);
    for (const connection of [client, subscriber]) {
      // Without a listener an 'error' event would crash the process; the status tells the story.
      connection.on('error', (error: Error) => {
        this.lastError = (error as NodeJS.ErrnoException).code ?? error.message;
      });
    }
    let first = true;
    subscriber.on('ready', () => {
      if (first) {
        first = false;
        return;
      }
      options.log?.(`redis: connected again to ${this.endpoint}; reading the accounts again`);
      void this.resync();
    });
    subscriber.on('message', (_channel: string, message: string) => this.onEvent(message));
  }

  /** Connects (and subscribes); E_UPSTREAM_UNREACHABLE (exit 1) when Redis cannot be reached. */
  static async connect(options: RedisStateOptions): Promise<RedisState> {
    const url = parseRedisUrl(options.url);
    const prefix = options.prefix ?? 'qwen-probe:';
    const connectTimeout = options.connectTimeoutMs ?? 2_000;
    const client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      // Reconnect quickly, and keep trying: service resumes as soon as Redis is back.
      retryStrategy: (times: number) => Math.min(times * 100, 1_000),
    });
    const subscriber = client.duplicate();
    const state = new RedisState(client, subscriber, prefix, options.instanceId ?? randomUUID(), options);
    try {
      await Promise.all([client.connect(), subscriber.connect()]);
      await subscriber.subscribe(`${prefix}events`);
    } catch (error) {
      client.disconnect();
      subscriber.disconnect();
      const why = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
      throw new ProbeError('E_UPSTREAM_UNREACHABLE', `redis: cannot connect to ${endpointOf(url)}: ${why}`, {
        hint: 'start redis-server, or check --redis',
      });
    }
    return state;
  }

  problem(): ProxyError | undefined {
    if (this.client.status === 'ready' && this.subscriber.status === 'ready') return undefined;
    return proxyError(
      `redis: the shared state at ${this.endpoint} is unreachable (${this.lastError || this.client.status}); ` +
        'requests resume as soon as it is back.',
      { status: 503, type: 'upstream_error', code: 'shared_state_unavailable', headers: { 'retry-after': '1' } },
    );
  }

  onAccountChange(listener: (change: AccountChange) => void): void {
    this.listeners.push(listener);
  }

  private emit(change: AccountChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private onEvent(message: string): void {
    const event = parseJson<Event>(message);
    if (!event || typeof event.label !== 'string') return;
    if (event.kind === 'quota-left') {
      // Applied to the quota as last read: a fresh read publishes the whole quota.
      void this.loadQuota(event.label).then((quota) => {
        if (quota) this.emit({ kind: 'quota', label: event.label, quota });
      });
      return;
    }
    this.emit(event);
  }

  private publish(event: Event): Promise<number> {
    return this.client.publish(`${this.prefix}events`, JSON.stringify(event));
  }

  private async resync(): Promise<void> {
    try {
      for (const stored of await this.loadAccounts(this.labels)) {
        if (stored.health) this.emit({ kind: 'health', label: stored.label, health: stored.health });
        if (stored.quota) this.emit({ kind: 'quota', label: stored.label, quota: stored.quota });
      }
    } catch (error) {
      this.options.log?.(`redis: accounts not read again: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async loadQuota(label: string): Promise<AccountQuota | undefined> {
    return quotaFromHash(await this.client.hgetall(`${this.prefix}quota:${label}`));
  }

  async loadAccounts(labels: readonly string[]): Promise<StoredAccount[]> {
    this.labels = labels;
    if (labels.length === 0) return [];
    const pipeline = this.client.pipeline();
    pipeline.mget(...labels.map((l) => `${this.prefix}health:${l}`));
    for (const l of labels) pipeline.hgetall(`${this.prefix}quota:${l}`);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
    const healths = results[0]![1] as (string | null)[];
    return labels.map((label, i) => {
      const health = parseJson<AccountHealth>(healths[i]);
      const quota = quotaFromHash(results[i + 1]![1] as Record<string, string>);
      return { label, ...(health ? { health } : {}), ...(quota ? { quota } : {}) };
    });
  }

  async saveHealth(label: string, health: AccountHealth): Promise<void> {
    const json = JSON.stringify(health);
    await this.client
      .multi()
      .set(`${this.prefix}health:${label}`, json)
      .publish(`${this.prefix}events`, JSON.stringify({ kind: 'health', label, health }))
      .exec();
  }

  async saveQuota(label: string, quota: AccountQuota): Promise<void> {
    const fields: Record<string, string> = { readAt: String(quota.readAt) };
    if (quota.tier !== undefined) fields['tier'] = quota.tier;
    for (const [model, q] of Object.entries(quota.models)) {
      fields[`left:${model}`] = String(q.left);
      if (q.limit !== undefined) fields[`limit:${model}`] = String(q.limit);
    }
    const key = `${this.prefix}quota:${label}`;
    await this.client
      .multi()
      .del(key)
      .hset(key, fields)
      .publish(`${this.prefix}events`, JSON.stringify({ kind: 'quota', label, quota }))
      .exec();
  }

  async spendQuota(label: string, model: string): Promise<void> {
    const left = await this.client.hincrby(`${this.prefix}quota:${label}`, `left:${model}`, -1);
    await this.publish({ kind: 'quota-left', label, model, left: Math.max(0, left) });
  }

  async countRequest(label: string, ok: boolean): Promise<void> {
    const key = `${this.prefix}stats:${label}`;
    const multi = this.client.multi().hincrby(key, 'requests', 1);
    if (!ok) multi.hincrby(key, 'failures', 1);
    await multi.exec();
  }

  async counters(labels: readonly string[]): Promise<Map<string, AccountCounters>> {
    const pipeline = this.client.pipeline();
    for (const l of labels) pipeline.hgetall(`${this.prefix}stats:${l}`);
    const results = (await pipeline.exec()) ?? [];
    return new Map(
      labels.map((label, i) => {
        const hash = (results[i]?.[1] ?? {}) as Record<string, string>;
        return [label, { requests: Number(hash['requests'] ?? 0), failures: Number(hash['failures'] ?? 0) }];
      }),
    );
  }

  async lookupConversation(key: string): Promise<ChatThread | undefined> {
    return parseJson<ChatThread>(await this.client.get(`${this.prefix}conv:${key}`));
  }

  async rememberConversation(key: string, thread: ChatThread, ttlMs: number): Promise<void> {
    const json = JSON.stringify(thread);
    const convKey = `${this.prefix}conv:${key}`;
    if (ttlMs <= 0) {
      await this.client.set(convKey, json);
      return;
    }
    await this.client
      .multi()
      .set(convKey, json, 'PX', ttlMs)
      .zadd(`${this.prefix}chats`, this.now() + ttlMs, `${thread.session}\n${thread.chatId}`)
      .exec();
  }

  async claimExpiredChats(limit: number): Promise<ExpiredChat[]> {
    const key = `${this.prefix}chats`;
    const due = await this.client.zrangebyscore(key, '-inf', this.now(), 'LIMIT', 0, limit);
    if (due.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const member of due) pipeline.zrem(key, member);
    const removed = (await pipeline.exec()) ?? [];
    // ZREM answers 1 to the one instance that removed the member: that instance deletes the chat.
    return due.flatMap((member, i) => {
      if (removed[i]?.[1] !== 1) return [];
      const cut = member.indexOf('\n');
      return [{ session: member.slice(0, cut), chatId: member.slice(cut + 1) }];
    });
  }

  async reportInFlight(counts: Readonly<Record<string, number>>): Promise<void> {
    const key = `${this.prefix}inflight:${this.instanceId}`;
    const now = this.now();
    const fields = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, String(v)]));
    const multi = this.client.multi().del(key);
    if (Object.keys(fields).length > 0) multi.hset(key, fields).pexpire(key, INSTANCE_TTL_MS);
    await multi
      .zadd(`${this.prefix}instances`, now, this.instanceId)
      .zremrangebyscore(`${this.prefix}instances`, '-inf', now - 60_000)
      .exec();
  }

  private async liveInstances(): Promise<string[]> {
    return this.client.zrangebyscore(`${this.prefix}instances`, this.now() - INSTANCE_TTL_MS, '+inf');
  }

  async inFlight(): Promise<Record<string, number>> {
    const instances = await this.liveInstances();
    const pipeline = this.client.pipeline();
    for (const id of instances) pipeline.hgetall(`${this.prefix}inflight:${id}`);
    const results = (await pipeline.exec()) ?? [];
    const total: Record<string, number> = {};
    for (const [, hash] of results)
      for (const [label, n] of Object.entries((hash ?? {}) as Record<string, string>))
        total[label] = (total[label] ?? 0) + Number(n);
    return total;
  }

  async instances(): Promise<number> {
    return (await this.liveInstances()).length;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // This instance's streams no longer count anywhere.
    await this.client
      .multi()
      .del(`${this.prefix}inflight:${this.instanceId}`)
      .zrem(`${this.prefix}instances`, this.instanceId)
      .exec()
      .catch(() => undefined);
    this.subscriber.disconnect();
    this.client.disconnect();
  }
}

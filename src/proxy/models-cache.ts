/**
 * The upstream's model list (`GET /api/models`), cached with a TTL, shown as OpenAI's model list
 * with a `-thinking` variant for every model that can think. One fetch at a time: concurrent
 * requests share it. When a refresh fails the last good list is kept, since a list a few minutes
 * old is far more useful than an error.
 */
import { modelCanThink, type ModelEntry } from '../upstream/schemas.js';
import { proxyError, type ProxyError } from './openai-schemas.js';

/** The suffix that turns thinking on (Rfym21/Qwen2API's convention). */
export const THINKING_SUFFIX = '-thinking';

/** One entry of OpenAI's `GET /v1/models`. */
export interface OpenAiModel {
  readonly id: string;
  readonly object: 'model';
  readonly created: number;
  readonly owned_by: string;
}

/** What a requested model id means upstream. */
export interface ResolvedModel {
  /** The upstream model id (suffix removed). */
  readonly model: string;
  readonly thinking: boolean;
}

/** How the cache gets the list and how long it trusts it. */
export interface ModelsCacheOptions {
  /** Fetches the list; throws or rejects when the upstream fails. */
  readonly fetch: () => Promise<readonly ModelEntry[]>;
  /** How long a list is fresh (default 10 min). */
  readonly ttlMs?: number | undefined;
  readonly now?: (() => number) | undefined;
}

function createdSeconds(entry: ModelEntry, fallback: number): number {
  const info = entry.info as { created_at?: unknown } | undefined;
  const raw = info?.created_at;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) return fallback;
  // Open WebUI stores seconds; a millisecond value would be a date tens of thousands of years away.
  return raw > 1e11 ? Math.floor(raw / 1000) : Math.floor(raw);
}

/** Upstream entries → OpenAI's list entries, `-thinking` variants right after their base model. */
export function toOpenAiModels(entries: readonly ModelEntry[], fetchedAtSeconds: number): OpenAiModel[] {
  const out: OpenAiModel[] = [];
  for (const entry of entries) {
    const created = createdSeconds(entry, fetchedAtSeconds);
    const owned_by = entry.owned_by ?? 'qwen';
    out.push({ id: entry.id, object: 'model', created, owned_by });
    if (modelCanThink(entry)) out.push({ id: `${entry.id}${THINKING_SUFFIX}`, object: 'model', created, owned_by });
  }
  return out;
}

/** TTL cache with a single in-flight fetch and stale-on-error. */
export class ModelsCache {
  private entries: readonly ModelEntry[] | undefined;
  private fetchedAt = 0;
  private inflight: Promise<readonly ModelEntry[]> | undefined;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ModelsCacheOptions) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The list, fetched when missing or stale; rejects only when no list was ever fetched. */
  async list(): Promise<readonly ModelEntry[]> {
    if (this.entries && this.now() - this.fetchedAt < this.ttlMs) return this.entries;
    this.inflight ??= this.options
      .fetch()
      .then((entries) => {
        this.entries = entries;
        this.fetchedAt = this.now();
        return entries;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    try {
      return await this.inflight;
    } catch (error) {
      if (this.entries) return this.entries;
      throw error;
    }
  }

  /** The OpenAI list. */
  async openAiList(): Promise<{ object: 'list'; data: OpenAiModel[] }> {
    const entries = await this.list();
    return { object: 'list', data: toOpenAiModels(entries, Math.floor(this.fetchedAt / 1000)) };
  }

  /**
   * Resolves a requested id against the list: `x-thinking` means `x` with thinking, allowed only
   * when `x` can think. When the list cannot be fetched the id passes as it is (the upstream will
   * judge it), so a model-list outage does not stop chats.
   */
  async resolve(requested: string): Promise<ResolvedModel | ProxyError> {
    let entries: readonly ModelEntry[] | undefined;
    try {
      entries = await this.list();
    } catch {
      entries = undefined;
    }
    const thinking = requested.endsWith(THINKING_SUFFIX);
    const base = thinking ? requested.slice(0, -THINKING_SUFFIX.length) : requested;
    if (!entries) return { model: base, thinking };
    const exact = entries.find((e) => e.id === requested);
    if (exact) return { model: exact.id, thinking: false };
    const entry = thinking ? entries.find((e) => e.id === base) : undefined;
    if (entry && modelCanThink(entry)) return { model: entry.id, thinking: true };
    return proxyError(`The model \`${requested}\` does not exist or you do not have access to it.`, {
      status: 404,
      param: 'model',
      code: 'model_not_found',
    });
  }
}

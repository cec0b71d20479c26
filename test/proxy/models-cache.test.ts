import { describe, expect, it, vi } from 'vitest';
import { ModelsCache, toOpenAiModels } from '../../src/proxy/models-cache.js';
import type { ModelEntry } from '../../src/upstream/schemas.js';

const thinker: ModelEntry = {
  id: 'qwen3-235b-a22b',
  owned_by: 'qwen',
  info: { meta: { capabilities: { thinking: true } } },
};
const plain: ModelEntry = { id: 'qwen3-coder-plus' };

describe('toOpenAiModels', () => {
  it('lists every model and a -thinking variant right after each model that can think', () => {
    expect(toOpenAiModels([thinker, plain], 100).map((m) => m.id)).toEqual([
      'qwen3-235b-a22b',
      'qwen3-235b-a22b-thinking',
      'qwen3-coder-plus',
    ]);
    expect(toOpenAiModels([plain], 100)[0]).toEqual({
      id: 'qwen3-coder-plus',
      object: 'model',
      created: 100,
      owned_by: 'qwen',
    });
  });
});

describe('ModelsCache', () => {
  it('fetches once for concurrent callers and again only after the TTL', async () => {
    let t = 0;
    const fetch = vi.fn(async () => [plain]);
    const cache = new ModelsCache({ fetch, ttlMs: 1000, now: () => t });
    await Promise.all([cache.list(), cache.list(), cache.list()]);
    expect(fetch).toHaveBeenCalledTimes(1);
    t = 999;
    await cache.list();
    expect(fetch).toHaveBeenCalledTimes(1);
    t = 1000;
    await cache.list();
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('keeps serving the last list when a refresh fails', async () => {
    let t = 0;
    let fail = false;
    const cache = new ModelsCache({
      fetch: async () => (fail ? Promise.reject(new Error('down')) : [plain]),
      ttlMs: 10,
      now: () => t,
    });
    await cache.list();
    fail = true;
    t = 100;
    expect((await cache.list())[0]?.id).toBe('qwen3-coder-plus');
  });

  it('resolves a -thinking id to its model with thinking on', async () => {
    const cache = new ModelsCache({ fetch: async () => [thinker, plain] });
    expect(await cache.resolve('qwen3-235b-a22b-thinking')).toEqual({ model: 'qwen3-235b-a22b', thinking: true });
    expect(await cache.resolve('qwen3-coder-plus')).toEqual({ model: 'qwen3-coder-plus', thinking: false });
  });

  it(
    'answers 404 model_not_found for an unlisted model or a -thinking variant of a model that cannot ' + 'think',
    async () => {
      const cache = new ModelsCache({ fetch: async () => [thinker, plain] });
      expect(await cache.resolve('gpt-4o')).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
      expect(await cache.resolve('qwen3-coder-plus-thinking')).toMatchObject({ status: 404 });
    },
  );

  it('lets an id through when the list cannot be fetched, so the upstream judges it', async () => {
    const cache = new ModelsCache({ fetch: async () => Promise.reject(new Error('down')) });
    expect(await cache.resolve('anything-thinking')).toEqual({ model: 'anything', thinking: true });
  });
});

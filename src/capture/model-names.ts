/**
 * The name the page shows for a model id. The 2026 page's model menu lists names ("Qwen3.7-Plus"),
 * while a user gives `--model qwen3.7-plus`; the page's own `/api/models` answer, which the recorder
 * already holds, maps one to the other (`data[]`, or `data.data[]` in the 2026 answer).
 */
import type { Exchange } from '../exchange/exchange.js';

const MODEL_LIST_PATHS = new Set(['/api/models', '/api/v2/models', '/api/v2/models/']);

function entriesOf(body: unknown): unknown[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (Array.isArray(data)) return data;
  const nested = (data as { data?: unknown } | null | undefined)?.data;
  return Array.isArray(nested) ? nested : [];
}

/** The shown name of `model` in the latest model list among `exchanges`, if any lists it. */
export function modelNameFrom(exchanges: readonly Exchange[], model: string): string | undefined {
  for (const ex of [...exchanges].reverse()) {
    let path: string;
    try {
      path = new URL(ex.request.url).pathname;
    } catch {
      continue;
    }
    if (!MODEL_LIST_PATHS.has(path) || !ex.response?.body) continue;
    let body: unknown;
    try {
      body = JSON.parse(ex.response.body);
    } catch {
      continue;
    }
    for (const entry of entriesOf(body)) {
      const { id, name } = (entry ?? {}) as { id?: unknown; name?: unknown };
      if (id === model && typeof name === 'string' && name !== '') return name;
    }
  }
  return undefined;
}

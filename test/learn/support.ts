/** Captures for learn and lint tests: the browser's `web` shape and the seed's, with fresh ids per turn. */
import type { Exchange } from '../../src/exchange/exchange.js';
import type { ShapeName } from '../../src/upstream/shapes.js';
import { shapeCapture } from '../diff/support/fixture-captures.js';

/** `turns` first turns of a shape (chats/new + completion each), every turn with its own ids and time. */
export function turns(shape: ShapeName, count: number, seed = 1, prompt?: string): Exchange[] {
  const out: Exchange[] = [];
  for (let turn = 0; turn < count; turn += 1) {
    const hex = (seed * 1000 + turn).toString(16).padStart(12, '0');
    out.push(
      ...shapeCapture(shape, {
        startMs: 1_780_000_000_000 + seed * 1e8 + turn * 60_000,
        chatId: `3f1c2d4e-5a6b-4c7d-8e9f-${hex}`,
        idPrefix: `${shape}-${seed}-${turn}`,
        idSeed: seed * 1000 + turn,
        ...(prompt !== undefined ? { prompt } : {}),
      }),
    );
  }
  return out;
}

/** The same exchanges with one request edited. */
export function editRequest(
  exchange: Exchange,
  edit: (body: any, headers: { name: string; value: string }[]) => void,
): Exchange {
  const body = exchange.request.body === undefined ? undefined : JSON.parse(exchange.request.body);
  const headers = exchange.request.headers.map((h) => ({ ...h }));
  edit(body, headers);
  return {
    ...exchange,
    request: { ...exchange.request, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
  };
}

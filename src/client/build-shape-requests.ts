/**
 * A shape's requests as exchanges without responses, built offline: what `generate` writes when it
 * does not send. Where the shape creates a chat, a fresh uuid stands in for the id `chats/new`
 * would answer, and the exchange's notes say so, so a diff reader does not take it for a real chat.
 */
import type { Exchange, ExchangeRequest, ExchangeSource } from '../exchange/exchange.js';
import { classifyEndpoint } from '../upstream/endpoints.js';
import type { RequestShape, ShapeContext } from '../upstream/shapes.js';

export interface BuildShapeOptions {
  readonly source?: ExchangeSource;
  /** Wall clock for `startedAt`; defaults to now. */
  readonly now?: () => Date;
}

/** Tag on exchanges that were built but never sent. */
export const NOT_SENT_TAG = 'not-sent';

/** The requests of one first turn of `shape`, in send order, as response-less exchanges. */
export function buildShapeRequests(
  shape: RequestShape,
  ctx: ShapeContext,
  options: BuildShapeOptions = {},
): Exchange[] {
  const now = options.now ?? (() => new Date());
  const make = (request: ExchangeRequest, notes?: string): Exchange => {
    const endpoint = classifyEndpoint(request.method, request.url);
    return {
      id: ctx.idClock.uuid(),
      source: options.source ?? 'library',
      ...(endpoint !== undefined ? { endpoint } : {}),
      tags: [NOT_SENT_TAG],
      ...(notes !== undefined ? { notes } : {}),
      startedAt: now().toISOString(),
      request,
    };
  };
  const out: Exchange[] = [];
  if (shape.createChat) {
    out.push(make(shape.createChat(ctx)));
    const standIn = ctx.idClock.uuid();
    out.push(
      make(
        shape.completion(ctx, { chatId: standIn, parentId: null }),
        `built offline: chat_id ${standIn} stands in for the id chats/new would answer`,
      ),
    );
  } else {
    out.push(
      make(
        shape.completion(ctx, { parentId: null }),
        `built offline: the ${shape.name} shape makes up its own chat_id`,
      ),
    );
  }
  return out;
}

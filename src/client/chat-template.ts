/**
 * The `chats/new` request a fresh send re-creates its chat with. A capture of the browser holds one;
 * a DevTools snippet ("Copy as cURL", fetch, PowerShell) holds only the completion, whose chat id the
 * target no longer knows (or never knew). Then the chat is created the way the web client does it,
 * from the completion's own origin, headers and model: without it every send of a snippet would fail
 * with "Chat not found", whatever was in the request. A recorded capture without chats/new (a
 * library that made up its chat id, with the answer it got) is left as it was: the made-up id is
 * what that sender did, and resends keep doing it.
 */
import type { Exchange, ExchangeRequest } from '../exchange/exchange.js';
import { isJsonObject, parseJsonText } from '../common/index.js';

/** Headers of a completion that a chats/new of the same client does not send, or sends otherwise. */
const NOT_FOR_CHATS_NEW = new Set(['content-length', 'accept', 'referer', 'x-accel-buffering', 'host']);

/**
 * The captured chats/new request, else one derived from the first pasted v2 completion (a request
 * without a recorded answer); undefined otherwise (the request then keeps a made-up chat id).
 */
export function chatTemplate(exchanges: readonly Exchange[]): ExchangeRequest | undefined {
  const captured = exchanges.find((e) => e.endpoint === 'chats.new')?.request;
  if (captured) return captured;
  const pasted = exchanges.find((e) => e.endpoint === 'chat.completions' && !e.response && !e.error);
  return pasted ? derivedChatRequest(pasted.request) : undefined;
}

/** A chats/new the web client (2025-10 era) would send before this completion. */
export function derivedChatRequest(completion: ExchangeRequest): ExchangeRequest | undefined {
  let url: URL;
  try {
    url = new URL(completion.url);
  } catch {
    return undefined;
  }
  const body = parseJsonText(completion.body ?? '');
  const model = isJsonObject(body) && typeof body['model'] === 'string' ? body['model'] : undefined;
  if (model === undefined) return undefined;
  const chatMode = isJsonObject(body) && typeof body['chat_mode'] === 'string' ? body['chat_mode'] : 'normal';
  const headers = completion.headers.filter(
    (h) => !h.name.startsWith(':') && !NOT_FOR_CHATS_NEW.has(h.name.toLowerCase()),
  );
  return {
    method: 'POST',
    url: `${url.origin}/api/v2/chats/new`,
    headers: [
      { name: 'accept', value: 'application/json, text/plain, */*' },
      ...headers,
      { name: 'referer', value: `${url.origin}/` },
    ],
    body: JSON.stringify({ title: 'New Chat', models: [model], chat_mode: chatMode, chat_type: 't2t', timestamp: 0 }),
  };
}

/**
 * Which endpoint an exchange belongs to, the one way `learn` and `lint` both name it: the name the
 * capture recorded (`exchange.endpoint`), else the protocol model's (src/upstream/endpoints.ts),
 * else `METHOD /path/:id` for API traffic the model does not know. Pages, scripts and images have
 * no endpoint: they are not the protocol.
 */
import type { Exchange } from '../exchange/exchange.js';
import { findEndpoint, isApiPath, pathTemplate } from '../upstream/endpoints.js';

/** An endpoint's name, method and path template. */
export interface EndpointKey {
  readonly name: string;
  readonly method: string;
  readonly path: string;
}

// Captures repeat a handful of paths thousands of times; `findEndpoint` parses the URL each call.
const cache = new Map<string, EndpointKey | null>();
const CACHE_LIMIT = 10_000;

function pathOf(url: string): string {
  const q = url.search(/[?#]/);
  const noQuery = q === -1 ? url : url.slice(0, q);
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(.*)$/i.exec(noQuery);
  return (m ? m[1] : noQuery) || '/';
}

/** The endpoint of an exchange, or undefined when it is not API traffic. */
export function endpointKeyOf(exchange: Pick<Exchange, 'endpoint' | 'request'>): EndpointKey | undefined {
  const method = exchange.request.method.toUpperCase();
  const path = pathOf(exchange.request.url);
  const cacheKey = `${exchange.endpoint ?? ''}\u0000${method} ${path}`;
  let key = cache.get(cacheKey);
  if (key === undefined) {
    key = computeKey(exchange.endpoint, method, path) ?? null;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(cacheKey, key);
  }
  return key ?? undefined;
}

function computeKey(recorded: string | undefined, method: string, path: string): EndpointKey | undefined {
  const known = findEndpoint(method, path);
  if (recorded !== undefined) return { name: recorded, method, path: known?.template ?? pathTemplate(method, path) };
  if (known) return { name: known.name, method, path: known.template };
  if (!isApiPath(path)) return undefined;
  const template = pathTemplate(method, path);
  return { name: `${method} ${template}`, method, path: template };
}

/**
 * Makes a captured request sendable again: every volatile value (volatile-rules.ts) gets a fresh one
 * of the same kind, and every other occurrence of an old value (the chat id inside the Referer, the
 * token in the cookie) follows it. Pure: ids and time come from the IdClock, the chat and token from
 * the caller. Replay and bisect both use it, so a probe never collides with an earlier one.
 */
import {
  formatCookiePairs,
  mapJsonLeaves,
  parseCookiePairs,
  parseJsonText,
  type FieldLocation,
  type JsonValue,
} from '../common/index.js';
import type { ExchangeRequest, Header } from '../exchange/exchange.js';
import { timezoneHeaderValue } from './browser-headers.js';
import type { IdClock } from './shapes.js';
import { findVolatileRule, VOLATILE_RULES, type VolatileRule } from './volatile-rules.js';

export interface FreshValues {
  readonly idClock: IdClock;
  /** The session's raw JWT: replaces the bearer token and the `token` cookie. */
  readonly token?: string;
  /** The chat created for this send: replaces chat ids (query, body, Referer). */
  readonly chatId?: string;
  /** The previous turn's response id (null for a first turn): replaces parent ids. Untouched when undefined. */
  readonly parentId?: string | null;
  /** The session's cookies: a cookie the request carries takes the session's value. */
  readonly cookies?: Readonly<Record<string, string>>;
  /** Send to another origin (e.g. the simulator instead of chat.qwen.ai): URL, Origin and Referer follow. */
  readonly baseUrl?: string;
}

export interface Substitution {
  readonly location: FieldLocation;
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface RefreshedRequest {
  readonly request: ExchangeRequest;
  readonly substitutions: readonly Substitution[];
}

/** Fresh value for one volatile field, keeping the unit of timestamps and the scheme of a bearer. */
function freshValue(rule: VolatileRule, old: unknown, fresh: FreshValues, now: number): unknown {
  switch (rule.refresh) {
    case 'uuid':
      return typeof old === 'string' ? fresh.idClock.uuid() : old;
    case 'now':
      if (typeof old === 'number') return old > 1e12 ? now : Math.floor(now / 1000);
      if (typeof old === 'string' && /^\d{13}$/.test(old)) return String(now);
      if (typeof old === 'string' && /^\d{10}$/.test(old)) return String(Math.floor(now / 1000));
      return typeof old === 'string' ? timezoneHeaderValue(now) : old;
    case 'token':
      if (fresh.token === undefined || typeof old !== 'string') return old;
      return /^bearer\s/i.test(old) ? `${old.slice(0, old.indexOf(' '))} ${fresh.token}` : fresh.token;
    case 'chat-id':
      return fresh.chatId !== undefined && typeof old === 'string' && rule.location !== 'header' ? fresh.chatId : old;
    case 'parent-id':
      return fresh.parentId === undefined ? old : fresh.parentId;
    case 'keep':
      return old;
  }
}

/** Returns a copy of `request` with fresh volatile values; see the module comment. */
export function refreshRequest(
  request: ExchangeRequest,
  endpoint: string | undefined,
  fresh: FreshValues,
  rules: readonly VolatileRule[] = VOLATILE_RULES,
): RefreshedRequest {
  const now = fresh.idClock.nowMs();
  const substitutions: Substitution[] = [];
  /** Old string value -> new one, so every other occurrence follows (Referer, shared values). */
  const replaced = new Map<string, string>();
  const renew = (location: FieldLocation, path: string, old: unknown): unknown => {
    const rule = findVolatileRule(location, path, endpoint, rules);
    if (!rule) return old;
    if (typeof old === 'string' && replaced.has(old) && rule.refresh !== 'token') return replaced.get(old);
    const value = freshValue(rule, old, fresh, now);
    if (value !== old) {
      substitutions.push({ location, path, from: old, to: value });
      if (typeof old === 'string' && typeof value === 'string' && old.length >= 8) replaced.set(old, value);
    }
    return value;
  };

  const url = new URL(request.url);
  const oldOrigin = url.origin;
  for (const [key, value] of [...url.searchParams]) {
    const next = renew('query', key, value);
    if (next !== value) url.searchParams.set(key, String(next));
  }
  if (fresh.baseUrl) {
    const base = new URL(fresh.baseUrl);
    url.protocol = base.protocol;
    url.host = base.host;
  }

  let body = request.body;
  const parsed = body === undefined || request.bodyEncoding === 'base64' ? undefined : parseJsonText(body);
  if (parsed !== undefined && typeof parsed === 'object' && parsed !== null) {
    body = JSON.stringify(mapJsonLeaves(parsed, (path, value) => renew('body', path, value) as JsonValue));
  }

  const headers: Header[] = request.headers.map((h) => {
    const name = h.name.toLowerCase();
    if (name === 'cookie') {
      const cookies = parseCookiePairs(h.value).map(({ name: k, value: v }) => {
        const session = fresh.cookies?.[k];
        const next = session !== undefined && k !== 'token' ? session : renew('cookie', k, v);
        return { name: k, value: String(next) };
      });
      return { name: h.name, value: formatCookiePairs(cookies) };
    }
    return { name: h.name, value: String(renew('header', name, h.value)) };
  });

  // Other occurrences of replaced ids (the chat id in the Referer) and of the origin follow.
  const follow = (text: string): string => {
    let out = text;
    for (const [from, to] of replaced) out = out.split(from).join(to);
    if (fresh.baseUrl) out = out.split(oldOrigin).join(new URL(fresh.baseUrl).origin);
    return out;
  };
  const followed = headers.map((h) =>
    h.name.toLowerCase() === 'cookie' || h.name.toLowerCase() === 'authorization'
      ? h
      : { name: h.name, value: follow(h.value) },
  );

  return {
    request: { ...request, url: url.toString(), headers: followed, ...(body === undefined ? {} : { body }) },
    substitutions,
  };
}

/**
 * Which parts of a request change on every send (ids, timestamps, tokens), as data. `diff` compares
 * these by kind instead of value, and `replay`/`bisect` refresh them before each send. Users can read
 * and extend the list; nothing else in the code hard-codes these paths.
 */

import { pathPatternMatches, type FieldLocation } from '../common/index.js';

/** What a fresh value of a volatile field looks like. */
export type VolatileKind = 'uuid' | 'jwt' | 'timestamp-ms' | 'timestamp-s' | 'date-string' | 'opaque' | 'id';

export interface VolatileRule {
  readonly location: FieldLocation;
  /**
   * Field path: a header or cookie name (case-insensitive), a query parameter, or a body path such as
   * `messages[*].fid` where `[*]` matches any index.
   */
  readonly path: string;
  readonly kind: VolatileKind;
  /** Endpoints the rule applies to; all when absent. */
  readonly endpoints?: readonly string[];
  /** How a replay makes a fresh value: a new uuid, the current time, the session's token, the created chat id, ... */
  readonly refresh: 'uuid' | 'now' | 'token' | 'chat-id' | 'parent-id' | 'keep';
  readonly reason: string;
}

/** A set of fields that must carry the same value (chat_id in query and body). */
export interface SharedValueRule {
  readonly name: string;
  readonly members: readonly { readonly location: FieldLocation; readonly path: string }[];
  readonly endpoints?: readonly string[];
  readonly reason: string;
}

const COMPLETIONS = ['chat.completions', 'chat.completions.v1'] as const;

export const VOLATILE_RULES: readonly VolatileRule[] = [
  {
    location: 'header',
    path: 'authorization',
    kind: 'jwt',
    refresh: 'token',
    reason: 'the bearer token changes with every login',
  },
  {
    location: 'cookie',
    path: 'token',
    kind: 'jwt',
    refresh: 'token',
    reason: 'the token cookie mirrors localStorage token',
  },
  {
    location: 'cookie',
    path: 'ssxmod_itna',
    kind: 'opaque',
    refresh: 'keep',
    reason: 'anti-bot fingerprint cookie, refreshed by the page',
  },
  {
    location: 'cookie',
    path: 'ssxmod_itna2',
    kind: 'opaque',
    refresh: 'keep',
    reason: 'anti-bot fingerprint cookie, refreshed by the page',
  },
  { location: 'cookie', path: 'acw_tc', kind: 'opaque', refresh: 'keep', reason: 'WAF session cookie' },
  ...(['cna', 'isg', 'tfstk', 'acw_sc__v3'] as const).map((name): VolatileRule => ({
    location: 'cookie',
    path: name,
    kind: 'opaque',
    refresh: 'keep',
    reason: "an anti-bot cookie of the browser's jar, set by the page's scripts (protocol.md §9.4)",
  })),
  {
    location: 'cookie',
    path: 'x5sec',
    kind: 'opaque',
    refresh: 'keep',
    reason: 'issued when a person solves the captcha; it lets the account through for a while (protocol.md §9.4)',
  },
  {
    location: 'cookie',
    path: 'refresh_token',
    kind: 'jwt',
    refresh: 'keep',
    reason: 'set by sign-in beside the token, traded for a fresh token (protocol.md §11.4)',
  },
  {
    location: 'header',
    path: 'bx-ua',
    kind: 'opaque',
    refresh: 'keep',
    reason:
      "baxia's signature of the request (a timestamp, the page session, the user agent, a keyed MAC), valid about " +
      "15 minutes; only the page's script can make a fresh one (protocol.md §9.3)",
  },
  {
    location: 'header',
    path: 'bx-umidtoken',
    kind: 'opaque',
    refresh: 'keep',
    reason:
      "the device token the page's script fetches, bound to the cna cookie, valid about 4 hours (protocol.md §9.3)",
  },
  {
    location: 'header',
    path: 'bx-pp',
    kind: 'opaque',
    refresh: 'keep',
    reason:
      "baxia's MAC over the exact body bytes: any change to the body needs a new one, which only the page's script " +
      'can compute (protocol.md §9.3)',
  },
  { location: 'header', path: 'x-request-id', kind: 'uuid', refresh: 'uuid', reason: 'a fresh uuid per request' },
  {
    location: 'header',
    path: 'timezone',
    kind: 'date-string',
    refresh: 'now',
    reason: "the client's current time as Date().toString()",
  },
  {
    location: 'header',
    path: 'referer',
    kind: 'opaque',
    refresh: 'chat-id',
    endpoints: COMPLETIONS,
    reason: 'the page URL holds the chat id (/c/<chat_id>)',
  },
  {
    location: 'query',
    path: 'chat_id',
    kind: 'uuid',
    refresh: 'chat-id',
    endpoints: COMPLETIONS,
    reason: 'the id chats/new answered',
  },
  {
    location: 'body',
    path: 'chat_id',
    kind: 'uuid',
    refresh: 'chat-id',
    endpoints: COMPLETIONS,
    reason: 'the id chats/new answered',
  },
  {
    location: 'body',
    path: 'chatId',
    kind: 'uuid',
    refresh: 'chat-id',
    endpoints: COMPLETIONS,
    reason: 'the id chats/new answered, spelled the 2026 way (protocol.md §9.13)',
  },
  {
    location: 'body',
    path: 'session_id',
    kind: 'uuid',
    refresh: 'uuid',
    endpoints: COMPLETIONS,
    reason: 'a v1 leftover, random per request',
  },
  {
    location: 'body',
    path: 'id',
    kind: 'uuid',
    refresh: 'uuid',
    endpoints: COMPLETIONS,
    reason: 'a v1 leftover, random per request',
  },
  {
    location: 'body',
    path: 'parent_id',
    kind: 'id',
    refresh: 'parent-id',
    endpoints: COMPLETIONS,
    reason: 'null on the first turn, then the previous response_id',
  },
  {
    location: 'body',
    path: 'parentId',
    kind: 'id',
    refresh: 'parent-id',
    endpoints: COMPLETIONS,
    reason: 'parent_id spelled the 2026 way: null on the first turn, then the previous response_id (protocol.md §9.13)',
  },
  { location: 'body', path: 'timestamp', kind: 'timestamp-s', refresh: 'now', reason: 'the send time' },
  {
    location: 'body',
    path: 'messages[*].fid',
    kind: 'uuid',
    refresh: 'uuid',
    endpoints: COMPLETIONS,
    reason: 'a fresh message id',
  },
  {
    location: 'body',
    path: 'messages[*].childrenIds[*]',
    kind: 'uuid',
    refresh: 'uuid',
    endpoints: COMPLETIONS,
    reason: 'the id the client gives the answer',
  },
  {
    location: 'body',
    path: 'messages[*].parentId',
    kind: 'id',
    refresh: 'parent-id',
    endpoints: COMPLETIONS,
    reason: 'the previous response_id',
  },
  {
    location: 'body',
    path: 'messages[*].parent_id',
    kind: 'id',
    refresh: 'parent-id',
    endpoints: COMPLETIONS,
    reason: 'the previous response_id',
  },
  {
    location: 'body',
    path: 'messages[*].timestamp',
    kind: 'timestamp-s',
    refresh: 'now',
    endpoints: COMPLETIONS,
    reason: 'the send time',
  },
  {
    location: 'body',
    path: 'password',
    kind: 'opaque',
    refresh: 'keep',
    endpoints: ['auths.signin'],
    reason: "the account's sha256 password",
  },
];

export const SHARED_VALUE_RULES: readonly SharedValueRule[] = [
  {
    name: 'chat_id',
    members: [
      { location: 'query', path: 'chat_id' },
      { location: 'body', path: 'chat_id' },
      { location: 'body', path: 'chatId' },
    ],
    endpoints: COMPLETIONS,
    reason: 'the server reads chat_id from both the query and the body; they must be the same created chat',
  },
  {
    name: 'parent_id',
    members: [
      { location: 'body', path: 'parent_id' },
      { location: 'body', path: 'parentId' },
      { location: 'body', path: 'messages[0].parent_id' },
      { location: 'body', path: 'messages[0].parentId' },
    ],
    endpoints: COMPLETIONS,
    reason: 'the turn continues from one previous response',
  },
  {
    name: 'token',
    members: [
      { location: 'header', path: 'authorization' },
      { location: 'cookie', path: 'token' },
    ],
    reason: 'the bearer token and the token cookie are the same JWT',
  },
];

/**
 * Does a rule path (`messages[*].fid`) match a concrete path (`messages[0].fid`)? Header and cookie names ignore case.
 */
export function rulePathMatches(rulePath: string, path: string, location: FieldLocation): boolean {
  if (location === 'header') return rulePath.toLowerCase() === path.toLowerCase();
  return pathPatternMatches(rulePath, path);
}

/** The volatile rule for a field, if any. */
export function findVolatileRule(
  location: FieldLocation,
  path: string,
  endpoint: string | undefined,
  rules: readonly VolatileRule[] = VOLATILE_RULES,
): VolatileRule | undefined {
  return rules.find(
    (r) =>
      r.location === location &&
      (!r.endpoints || (endpoint !== undefined && r.endpoints.includes(endpoint))) &&
      rulePathMatches(r.path, path, location),
  );
}

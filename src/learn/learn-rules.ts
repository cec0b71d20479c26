/**
 * Which fields may become enums, as data. A learnt enum is a promise that the browser sends only
 * these values, and `lint` holds a client to it; so values are kept only where that promise can
 * hold. Never kept: secrets (cookies, tokens, passwords: their values must not reach protocol.json
 * either), volatile fields (ids, times, tokens: src/upstream/volatile-rules.ts), and the free-text
 * fields listed here. A user who wants another field left open adds it to `FREE_TEXT_FIELDS`.
 */
import type { FieldLocation } from '../common/index.js';
import { isSecretField } from '../diff/index.js';
import { findVolatileRule, rulePathMatches, VOLATILE_RULES } from '../upstream/volatile-rules.js';

/** A field whose values are whatever a person typed: never an enum, whatever the samples say. */
export interface FreeTextField {
  readonly location: FieldLocation;
  /** A field path as in volatile rules (`messages[*].content`). */
  readonly path: string;
  readonly reason: string;
}

export const FREE_TEXT_FIELDS: readonly FreeTextField[] = [
  { location: 'body', path: 'messages[*].content', reason: 'what the user typed' },
  { location: 'body', path: 'title', reason: 'the chat title, taken from the first prompt' },
  { location: 'body', path: 'messages[*].files[*].name', reason: 'a file name the user chose' },
  { location: 'body', path: 'name', reason: "the account's name (auths responses)" },
  { location: 'body', path: 'email', reason: "the account's e-mail address (auths responses)" },
];

/**
 * Above this share of distinct values among the samples, a field of three or more values looks
 * like an id rather than an enum (every sample has its own value).
 */
export const ID_LIKE_DISTINCT_SHARE = 0.5;

/**
 * May a field keep its values as enum candidates? `path` is concrete (`messages[0].content`),
 * as the volatile rules and secret names match it.
 */
export function fieldKeepsValues(location: FieldLocation, path: string, endpoint: string | undefined): boolean {
  if (isSecretField(location, path)) return false;
  if (findVolatileRule(location, path, endpoint, VOLATILE_RULES)) return false;
  return !FREE_TEXT_FIELDS.some((f) => f.location === location && rulePathMatches(f.path, path, location));
}

/**
 * The kind of a string as learn and lint read it: the diff's classifier (src/diff/value-kind.ts),
 * with one correction. A media type such as `application/json` or `text/event-stream` passes the
 * classifier's base64 test (16+ characters of the alphabet, with a `/`); in a protocol it is an
 * identifier, and learnt as one it becomes an enum, so a client's `Accept: application/json` where
 * the browser sends `text/event-stream` is caught.
 */
import { classifyString, type ValueKindInfo } from '../diff/index.js';

const MEDIA_TYPE = /^[a-z]+\/[a-z0-9.+-]+$/;

/** The kind of a string, media types as `enum`. */
export function stringKind(value: string): ValueKindInfo {
  const info = classifyString(value);
  if (info.kind === 'base64' && !info.bearer && MEDIA_TYPE.test(value)) return { kind: 'enum', length: value.length };
  return info;
}

const CACHE_LIMIT = 1_000;

/**
 * `stringKind`, remembered for the strings whose classification is costly: JWT-shaped ones, whose
 * header and payload are decoded. Captures repeat the same token in every request; anything else
 * is classified by a few regular expressions, cheaper than hashing the string for a lookup.
 */
export class StringKinds {
  private readonly tokens = new Map<string, ValueKindInfo>();

  of(value: string): ValueKindInfo {
    const dot = value.indexOf('.');
    if (value.length < 24 || dot === -1 || value.indexOf('.', dot + 1) === -1 || value.length > 8192)
      return stringKind(value);
    let info = this.tokens.get(value);
    if (!info) {
      if (this.tokens.size >= CACHE_LIMIT) this.tokens.clear();
      this.tokens.set(value, (info = stringKind(value)));
    }
    return info;
  }
}

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

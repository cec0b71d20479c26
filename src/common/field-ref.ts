/**
 * A field address: where a value lives in an HTTP request and its path there. One type for diff
 * findings, volatile rules, simulator rules, overrides and bisect fields, so that a field named by
 * one of them means the same field to every other.
 */

/** Where in a request a value lives. */
export type FieldLocation = 'method' | 'url' | 'path' | 'query' | 'header' | 'cookie' | 'body';

/** A field address: where it lives and its path there. */
export interface FieldRef<L extends FieldLocation = FieldLocation> {
  readonly location: L;
  /**
   * Header or cookie name (headers in lower case), query parameter, or a body path written by
   * `formatPath` (`messages[0].chat_type`, `extra["odd key"]`); `''` for a whole body.
   */
  readonly path: string;
}

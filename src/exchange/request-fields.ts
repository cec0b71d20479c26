/**
 * Every field of a request with its value, addressed the one way every folder addresses fields
 * (`FieldRef`, body paths from common/field-path): query parameters, headers (lower case), cookies,
 * and the leaves of a JSON body. Volatile rules, refreshes and overrides read requests through it.
 */
import { jsonLeaves, parseCookiePairs, parseJsonText, type FieldRef, type JsonLeaf } from '../common/index.js';
import type { ExchangeRequest } from './exchange.js';

/** One field of a request and its value: a string, or a JSON leaf for body fields. */
export interface FieldValue extends FieldRef<'query' | 'header' | 'cookie' | 'body'> {
  readonly value: JsonLeaf;
}

/** Every field of `request` in wire order: query, headers and cookies, then the JSON body's leaves. */
export function requestFields(request: ExchangeRequest): FieldValue[] {
  const fields: FieldValue[] = [];
  try {
    for (const [path, value] of new URL(request.url).searchParams) fields.push({ location: 'query', path, value });
  } catch {
    // An unparsable URL has no query to offer; sending it will say what is wrong.
  }
  for (const h of request.headers) {
    const name = h.name.toLowerCase();
    if (name === 'cookie')
      for (const c of parseCookiePairs(h.value)) fields.push({ location: 'cookie', path: c.name, value: c.value });
    else fields.push({ location: 'header', path: name, value: h.value });
  }
  const body =
    request.body === undefined || request.bodyEncoding === 'base64' ? undefined : parseJsonText(request.body);
  if (body !== undefined && body !== null && typeof body === 'object')
    for (const [path, value] of jsonLeaves(body)) fields.push({ location: 'body', path, value });
  return fields;
}

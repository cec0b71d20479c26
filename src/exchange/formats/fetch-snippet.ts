/**
 * DevTools "Copy as fetch" and "Copy as fetch (Node.js)": `fetch("URL", {…});`, where DevTools writes
 * the options object with `JSON.stringify` (so it parses as JSON): `headers` (an object), `body` (a
 * string or null), `method`, and for the browser variant `referrer`, `mode`, `credentials`. The
 * Node.js variant puts `Referer` into the headers and leaves out the headers a browser adds itself.
 */
import { ProbeError } from '../errors.js';
import type { ExchangeRequest, Header } from '../exchange.js';

const FETCH_CALL =
  /^\s*(?:await\s+)?fetch\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*(?:,\s*(\{[\s\S]*\}))?\s*\)\s*;?\s*$/;

/** True when the text is a `fetch(…)` call. */
export function looksLikeFetchSnippet(text: string): boolean {
  return /^\s*(?:await\s+)?fetch\(\s*["']/.test(text);
}

/** Parses a DevTools fetch snippet. Throws ProbeError `E_INPUT` naming what could not be read. */
export function parseFetchSnippet(text: string): ExchangeRequest {
  const call = FETCH_CALL.exec(text);
  if (!call) throw new ProbeError('E_INPUT', 'fetch snippet: expected fetch("URL", {…}) and nothing else');
  const url = readJson(call[1]!.startsWith("'") ? JSON.stringify(call[1]!.slice(1, -1)) : call[1]!, 'the URL');
  if (typeof url !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url))
    throw new ProbeError('E_INPUT', 'fetch snippet: the URL is not an absolute URL');
  const options = call[2] === undefined ? {} : readJson(call[2], 'the options object');
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ProbeError('E_INPUT', 'fetch snippet: the second argument is not an object');
  const o = options as Record<string, unknown>;
  const headers: Header[] = [];
  if (o['headers'] !== undefined) {
    if (typeof o['headers'] !== 'object' || o['headers'] === null || Array.isArray(o['headers']))
      throw new ProbeError('E_INPUT', 'fetch snippet: headers is not an object');
    for (const [name, value] of Object.entries(o['headers'] as Record<string, unknown>))
      headers.push({ name, value: String(value) });
  }
  if (typeof o['referrer'] === 'string' && o['referrer'] !== '' && !headers.some((h) => /^referer$/i.test(h.name)))
    headers.push({ name: 'Referer', value: o['referrer'] });
  const body = typeof o['body'] === 'string' ? o['body'] : undefined;
  const method = typeof o['method'] === 'string' ? o['method'].toUpperCase() : body !== undefined ? 'POST' : 'GET';
  return { method, url, headers, ...(body !== undefined ? { body } : {}) };
}

function readJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProbeError(
      'E_INPUT',
      `fetch snippet: ${what} is not JSON as DevTools writes it (${(error as Error).message})`,
    );
  }
}

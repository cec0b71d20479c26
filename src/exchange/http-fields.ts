/**
 * Parsers for the name=value lists inside HTTP fields (Cookie, Set-Cookie, the query string). HAR
 * wants them as arrays next to the headers; they are derived views, the headers and URL stay the
 * truth, so these parsers never throw: a malformed field yields what can be read of it.
 */
import type { HarCookie, HarNameValue } from './har-types.js';
import type { Header } from './exchange.js';

/** Cookies of every `Cookie` header, in order (HTTP/2 clients may send several Cookie headers). */
export function parseCookieHeaders(headers: readonly Header[]): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const header of headers) {
    if (header.name.toLowerCase() !== 'cookie') continue;
    for (const pair of header.value.split(';')) {
      const cookie = parseNameValue(pair);
      if (cookie) cookies.push(cookie);
    }
  }
  return cookies;
}

/** Cookies set by every `Set-Cookie` header, with the attributes HAR knows. */
export function parseSetCookieHeaders(headers: readonly Header[]): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const header of headers) {
    if (header.name.toLowerCase() !== 'set-cookie') continue;
    // Some clients fold several Set-Cookie values into one header with newlines.
    for (const line of header.value.split('\n')) {
      const cookie = parseSetCookie(line);
      if (cookie) cookies.push(cookie);
    }
  }
  return cookies;
}

/** One `Set-Cookie` value: `name=value; Path=/; Expires=...; HttpOnly`. */
export function parseSetCookie(value: string): HarCookie | undefined {
  const [first = '', ...attributes] = value.split(';');
  const cookie = parseNameValue(first);
  if (!cookie) return undefined;
  for (const attribute of attributes) {
    const eq = attribute.indexOf('=');
    const key = (eq === -1 ? attribute : attribute.slice(0, eq)).trim().toLowerCase();
    const attrValue = eq === -1 ? '' : attribute.slice(eq + 1).trim();
    if (key === 'path') cookie.path = attrValue;
    else if (key === 'domain') cookie.domain = attrValue;
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'expires') {
      const time = Date.parse(attrValue);
      // An unparseable date is dropped rather than written: HAR wants ISO-8601 here.
      if (!Number.isNaN(time)) cookie.expires = new Date(time).toISOString();
    }
  }
  return cookie;
}

function parseNameValue(pair: string): HarCookie | undefined {
  const eq = pair.indexOf('=');
  const name = (eq === -1 ? pair : pair.slice(0, eq)).trim();
  const value = eq === -1 ? '' : pair.slice(eq + 1).trim();
  if (name === '' && value === '') return undefined;
  return { name, value };
}

/**
 * Query parameters of a URL, decoded as a browser does (`+` is a space). The fragment is not part of
 * the query. Works on URLs that `new URL` rejects, since the URL is whatever went over the wire.
 */
export function parseQueryString(url: string): HarNameValue[] {
  const hash = url.indexOf('#');
  const withoutFragment = hash === -1 ? url : url.slice(0, hash);
  const question = withoutFragment.indexOf('?');
  if (question === -1) return [];
  const params: HarNameValue[] = [];
  for (const [name, value] of new URLSearchParams(withoutFragment.slice(question + 1))) {
    params.push({ name, value });
  }
  return params;
}

/** Media type of a Content-Type value without parameters, or undefined when there is none. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim();
  return type === undefined || type === '' ? undefined : type;
}

/** Byte length of a body as it is stored (base64 bodies count their decoded bytes). */
export function bodyByteLength(body: string | undefined, encoding: 'base64' | undefined): number {
  if (body === undefined) return 0;
  return encoding === 'base64' ? Buffer.from(body, 'base64').length : Buffer.byteLength(body, 'utf8');
}

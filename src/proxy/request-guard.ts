/**
 * What keeps web pages from driving `serve`, as local dev servers guard themselves. A page in the
 * user's browser can reach 127.0.0.1: a no-cors `fetch` with `Content-Type: text/plain` needs no
 * preflight, and a DNS-rebinding name (attacker.example resolving to 127.0.0.1) makes the page
 * same-origin with the server. So, before any route runs:
 * - a request whose `Host` names neither an IP address, `localhost`, nor a host given with
 *   `--allowed-host` is refused (421): that is how a rebinding name arrives;
 * - a request from a browser page (`Origin`, or `Sec-Fetch-Site` other than same-origin/none) is
 *   refused (403) unless its origin was allowed with `--cors-origin`, which also gets proper CORS
 *   answers (preflight included);
 * - a body must be `application/json` (415): the one content type a page cannot send without a
 *   preflight.
 * The openai SDKs and curl send no Origin and a JSON content type, and keep working unchanged.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { proxyError, type ProxyError } from './openai-schemas.js';

/** What the guard lets in besides loopback clients without a page. */
export interface GuardOptions {
  /** Origins (`https://app.example`) whose pages may call the API; `*` for any. */
  readonly allowedOrigins?: readonly string[] | undefined;
  /** Host names, besides IP addresses and `localhost`, that clients may use to reach the server. */
  readonly allowedHosts?: readonly string[] | undefined;
}

/** The guard's decision for one request. */
export type GuardVerdict =
  | {
      readonly kind: 'pass';
      /** CORS headers to add to the answer (for an allowed origin). */
      readonly headers: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'preflight'; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'refuse'; readonly error: ProxyError };

function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return (colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h).replace(/\.$/, '');
}

/** True for a Host an attacker's page cannot make its own: an address, localhost, or an allowed name. */
export function hostAllowed(hostHeader: string | undefined, allowedHosts: readonly string[] = []): boolean {
  if (hostHeader === undefined || hostHeader === '') return true; // HTTP/1.0 clients; no page sends none
  const name = hostnameOf(hostHeader);
  if (isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowedHosts.some((allowed) => allowed.toLowerCase().replace(/\.$/, '') === name);
}

/** The browser page behind a request, if any: its `Origin`, or `null` when only Sec-Fetch-Site gives it away. */
function pageOrigin(headers: IncomingHttpHeaders): string | undefined {
  const origin = headers.origin;
  if (typeof origin === 'string' && origin !== '') return origin;
  const site = headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return 'null';
  return undefined;
}

function corsHeaders(origin: string, allowed: readonly string[]): Record<string, string> {
  return {
    'access-control-allow-origin': allowed.includes('*') ? '*' : origin,
    'access-control-expose-headers': 'x-request-id, openai-processing-ms',
    vary: 'Origin',
  };
}

/** Judges one request; see the module comment. */
export function guardRequest(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  options: GuardOptions = {},
): GuardVerdict {
  const allowedOrigins = options.allowedOrigins ?? [];
  if (!hostAllowed(headers.host, options.allowedHosts))
    return {
      kind: 'refuse',
      error: proxyError(
        `Host ${JSON.stringify(headers.host)} is not allowed: use an IP address or localhost, or start ` +
          '`qwen-probe serve` with --allowed-host NAME.',
        { status: 421, code: 'host_not_allowed' },
      ),
    };
  const origin = pageOrigin(headers);
  if (origin !== undefined) {
    const allowed = origin !== 'null' && (allowedOrigins.includes('*') || allowedOrigins.includes(origin));
    if (!allowed)
      return {
        kind: 'refuse',
        error: proxyError(
          `Requests from web pages (origin ${origin}) are refused. Start \`qwen-probe serve\` with --cors-origin ` +
            'ORIGIN to allow a page.',
          { status: 403, code: 'origin_not_allowed' },
        ),
      };
    const cors = corsHeaders(origin, allowedOrigins);
    if (method === 'OPTIONS') {
      const requested = headers['access-control-request-headers'];
      return {
        kind: 'preflight',
        headers: {
          ...cors,
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers':
            typeof requested === 'string' && requested !== '' ? requested : 'authorization, content-type',
          'access-control-max-age': '600',
        },
      };
    }
    return checkContentType(method, path, headers, cors);
  }
  return checkContentType(method, path, headers, {});
}

function checkContentType(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  cors: Readonly<Record<string, string>>,
): GuardVerdict {
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    const type = (headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
    if (type !== 'application/json')
      return {
        kind: 'refuse',
        error: proxyError(
          `${method} ${path} takes a JSON body: send Content-Type: application/json (got ${type || 'none'}).`,
          { status: 415, code: 'unsupported_media_type' },
        ),
      };
  }
  return { kind: 'pass', headers: cors };
}

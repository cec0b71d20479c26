/**
 * The header set the chat.qwen.ai React client sends (protocol.md §3.2, 2026-06 values; the 2026-08
 * front end's in `WEB_CLIENT_2026_08`, protocol.md §9.2), as data: the `web` shapes and the
 * simulator's web page both use it, so the two cannot drift apart. Which era uses which: eras.ts.
 */
import type { Header } from '../exchange/exchange.js';

/** The version constants and browser identity a front-end build sends. */
export interface WebClient {
  /** Front-end build sent as the `version` header. */
  readonly version: string;
  /** Baxia SDK version sent as `bx-v`. */
  readonly bxV: string;
  readonly source: string;
  readonly userAgent: string;
  readonly secChUa: string;
  /** Body `version` of a family-B completion. */
  readonly bodyVersion: string;
}

export const WEB_CLIENT = {
  /** Front-end build sent as the `version` header. */
  version: '0.2.63',
  /** Baxia SDK version sent as `bx-v`. */
  bxV: '2.5.36',
  source: 'web',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  secChUa: '"Chromium";v="156", "Not-A.Brand";v="24"',
  /** Body `version` of a family-B completion. */
  bodyVersion: '2.1',
} as const satisfies WebClient;

/**
 * The 2026-08 front end (app 0.4.4): `version` 0.2.87 (2026-08-25) and `bx-v` 2.5.37 (protocol.md §9.2);
 * the browser identity is the Chromium the project measures with (Debian's Chromium 156: its
 * `sec-ch-ua` brand list as it sends it; the User-Agent without headless mode's "HeadlessChrome").
 */
export const WEB_CLIENT_2026_08 = {
  version: '0.2.87',
  bxV: '2.5.37',
  source: 'web',
  userAgent: WEB_CLIENT.userAgent,
  secChUa: '"Not:A-Brand";v="8", "Chromium";v="156"',
  bodyVersion: '2.1',
} as const satisfies WebClient;

/** JS `Date().toString()` style, as the `timezone` header carries it (`Mon Jun 15 2026 12:00:00 GMT+0800`). */
export function timezoneHeaderValue(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT+0000`
  );
}

export interface BrowserHeaderInput {
  readonly origin: string;
  readonly referer: string;
  readonly token: string;
  readonly requestId: string;
  readonly nowMs: number;
  readonly accept: string;
  readonly cookie?: string;
  /** `X-Accel-Buffering: no`, sent on completions. */
  readonly noBuffering?: boolean;
  readonly contentType?: boolean;
  /** The client's constants; default `WEB_CLIENT`. */
  readonly client?: WebClient;
  /** Send `Authorization: Bearer`; default true. The 2026-08 front end authenticates by the cookie alone (§9.11). */
  readonly bearer?: boolean;
}

/** The full browser header set, in the order a Chromium fetch from the React client sends them. */
export function browserHeaders(input: BrowserHeaderInput): Header[] {
  const client = input.client ?? WEB_CLIENT;
  const headers: Header[] = [
    { name: 'Accept', value: input.accept },
    { name: 'Accept-Language', value: 'en-US,en;q=0.9' },
  ];
  if (input.bearer !== false) headers.push({ name: 'Authorization', value: `Bearer ${input.token}` });
  headers.push({ name: 'bx-v', value: client.bxV });
  if (input.contentType !== false) headers.push({ name: 'Content-Type', value: 'application/json' });
  headers.push(
    { name: 'Origin', value: input.origin },
    { name: 'Referer', value: input.referer },
    { name: 'sec-ch-ua', value: client.secChUa },
    { name: 'sec-ch-ua-mobile', value: '?0' },
    { name: 'sec-ch-ua-platform', value: '"Linux"' },
    { name: 'source', value: client.source },
    { name: 'timezone', value: timezoneHeaderValue(input.nowMs) },
    { name: 'User-Agent', value: client.userAgent },
    { name: 'version', value: client.version },
    { name: 'x-request-id', value: input.requestId },
  );
  if (input.noBuffering) headers.push({ name: 'X-Accel-Buffering', value: 'no' });
  if (input.cookie) headers.push({ name: 'Cookie', value: input.cookie });
  return headers;
}

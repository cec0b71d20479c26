/**
 * The slice of the Chrome DevTools Protocol's Network domain the recorder reads, typed by hand
 * (playwright-core does not export its protocol types), and the small translations from CDP's
 * shapes to Exchange's: header objects to ordered lists, `net::ERR_*` texts to stable error codes.
 */
import type { Header } from '../exchange/exchange.js';

/** CDP headers: an object; repeated headers are joined with `\n` in one value. */
export type CdpHeaders = Readonly<Record<string, string>>;

export interface RequestWillBeSent {
  readonly requestId: string;
  readonly request: {
    readonly url: string;
    readonly urlFragment?: string;
    readonly method: string;
    readonly headers: CdpHeaders;
    readonly postData?: string;
    readonly hasPostData?: boolean;
    readonly postDataEntries?: readonly { readonly bytes?: string }[];
  };
  /** Monotonic seconds: the clock of every later event's `timestamp`. */
  readonly timestamp: number;
  /** Seconds since the epoch, for `startedAt`. */
  readonly wallTime: number;
  readonly redirectResponse?: CdpResponse;
  readonly type?: string;
}

export interface RequestWillBeSentExtraInfo {
  readonly requestId: string;
  /** What went on the wire, including Cookie; Chromium hands them over sorted by name. */
  readonly headers: CdpHeaders;
}

export interface CdpResponse {
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly headers: CdpHeaders;
  readonly mimeType: string;
  /** `http/1.1`, `h2`, `h3`, ... */
  readonly protocol?: string;
}

export interface ResponseReceived {
  readonly requestId: string;
  readonly timestamp: number;
  readonly type?: string;
  readonly response: CdpResponse;
  readonly hasExtraInfo?: boolean;
}

export interface ResponseReceivedExtraInfo {
  readonly requestId: string;
  readonly headers: CdpHeaders;
  readonly statusCode?: number;
  /** The raw HTTP/1.x header block, with order, case and duplicates; absent for HTTP/2 and later. */
  readonly headersText?: string;
}

export interface DataReceived {
  readonly requestId: string;
  readonly timestamp: number;
  /** Decoded bytes in this chunk. */
  readonly dataLength: number;
  /** The chunk itself (base64), only once `Network.streamResourceContent` was called for the request. */
  readonly data?: string;
}

export interface LoadingFinished {
  readonly requestId: string;
  readonly timestamp: number;
}

export interface LoadingFailed {
  readonly requestId: string;
  readonly timestamp: number;
  readonly errorText: string;
  readonly canceled?: boolean;
  readonly blockedReason?: string;
  readonly corsErrorStatus?: { readonly corsError: string; readonly failedParameter?: string };
}

/** The CDP commands the recorder sends, so tests can answer them from recordings. */
export interface CdpCommands {
  streamResourceContent(requestId: string): Promise<{ bufferedData: string }>;
  getResponseBody(requestId: string): Promise<{ body: string; base64Encoded: boolean }>;
  getRequestPostData(requestId: string): Promise<{ postData: string; base64Encoded?: boolean }>;
}

/** CDP header object → ordered list; values joined by `\n` become separate headers again. */
export function headersFromCdp(headers: CdpHeaders): Header[] {
  return Object.entries(headers).flatMap(([name, value]) =>
    String(value)
      .split('\n')
      .map((v) => ({ name, value: v })),
  );
}

/** Parses a raw HTTP/1.x response header block (status line first), keeping order, case and duplicates. */
export function headersFromText(text: string): Header[] {
  return text
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.includes(':'))
    .map((line) => {
      const colon = line.indexOf(':');
      return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    });
}

/** CDP's `protocol` → HAR's httpVersion. */
export function httpVersionOf(protocol: string | undefined): string | undefined {
  if (!protocol) return undefined;
  const p = protocol.toLowerCase();
  if (p === 'h2' || p === 'http/2' || p === 'http/2.0') return 'HTTP/2';
  if (p === 'h3' || p.startsWith('http/3') || p.startsWith('h3-')) return 'HTTP/3';
  if (p.startsWith('http/')) return p.toUpperCase();
  return undefined;
}

const ERROR_CODES: readonly [RegExp, string][] = [
  [/ERR_ABORTED/, 'ABORTED'],
  [/ERR_CONNECTION_REFUSED/, 'ECONNREFUSED'],
  [/ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED/, 'ENOTFOUND'],
  [/TIMED_OUT/, 'ETIMEDOUT'],
  [/ERR_CERT_|ERR_SSL_|ERR_BAD_SSL/, 'TLS'],
  [/ERR_BLOCKED|ERR_.*_BLOCKED/, 'BLOCKED'],
  [
    new RegExp(
      [
        'ERR_CONNECTION_RESET',
        'ERR_CONNECTION_CLOSED',
        'ERR_CONNECTION_ABORTED',
        'ERR_EMPTY_RESPONSE',
        'ERR_INCOMPLETE_CHUNKED_ENCODING',
        'ERR_CONTENT_LENGTH_MISMATCH',
        'ERR_HTTP2_',
        'ERR_QUIC_',
      ].join('|'),
    ),
    'ECONNRESET',
  ],
];

/**
 * A stable `Exchange.error.code` for a failed load, the same codes `net` uses where they exist
 * (`ECONNRESET`, `ABORTED`, ...) plus `BLOCKED` for what the browser itself refused (CORS, ORB,
 * mixed content, an extension), so diffs compare browser and library failures alike.
 */
export function errorCodeOf(failed: LoadingFailed): string {
  if (failed.blockedReason || failed.corsErrorStatus) return 'BLOCKED';
  if (failed.canceled) return 'ABORTED';
  return ERROR_CODES.find(([pattern]) => pattern.test(failed.errorText))?.[1] ?? 'EOTHER';
}

/** One line for a failed load: Chromium's error text plus why it blocked, when it did. */
export function errorMessageOf(failed: LoadingFailed): string {
  const parts = [failed.errorText || 'load failed'];
  if (failed.canceled) parts.push('canceled by the page or the browser');
  if (failed.blockedReason) parts.push(`blocked: ${failed.blockedReason}`);
  if (failed.corsErrorStatus) {
    const { corsError, failedParameter } = failed.corsErrorStatus;
    parts.push(`CORS: ${corsError}${failedParameter ? ` (${failedParameter})` : ''}`);
  }
  return parts.join('; ');
}

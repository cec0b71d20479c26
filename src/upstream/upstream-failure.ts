/**
 * Why a chat.qwen.ai completion did not produce an answer, as data: one `UpstreamFailure` value
 * per cause, each with a one-sentence explanation and a short stable name that reports, the
 * bisect oracle and the proxy can compare and group by. Shapes come from
 * docs/protocol.md §5.4. Pure: no I/O, never throws.
 */
import { definedFields } from '../common/index.js';
import { headerValue, type ExchangeError, type Header } from '../exchange/exchange.js';

/** Every way a completion can fail; `kind` is the discriminant. */
export type UpstreamFailure =
  /** The JSON error body `{"success":false,"request_id","data":{"code","details"}}`. */
  | {
      readonly kind: 'envelope';
      readonly code: string;
      readonly details: string;
      readonly requestId?: string;
      readonly httpStatus?: number;
    }
  /** An `{"error":{"code","details"|"message"}}` object inside the event stream. */
  | { readonly kind: 'in-stream'; readonly code: string; readonly details: string; readonly afterEvents?: number }
  /** The Aliyun WAF (HTML block page, `FAIL_SYS_USER_VALIDATE` JSON, or HTML where JSON/SSE was due). */
  | { readonly kind: 'waf'; readonly reason: string; readonly httpStatus?: number }
  /** Token missing, expired or refused. */
  | { readonly kind: 'auth'; readonly reason: string; readonly httpStatus?: number }
  /** Quota or rate limit; `retryAfterSeconds` when the upstream said how long. */
  | {
      readonly kind: 'rate-limited';
      readonly details: string;
      readonly retryAfterSeconds?: number;
      readonly requestId?: string;
      readonly httpStatus?: number;
    }
  /** The stream ended without the final `status:"finished"` answer event, or the caller saw it cut. */
  | { readonly kind: 'truncated'; readonly reason: 'cut' | 'no-finish'; readonly events: number }
  /** Event data that is not JSON or not an object. */
  | { readonly kind: 'malformed'; readonly reason: string; readonly sample: string }
  /** A non-2xx status whose body we do not recognise. */
  | { readonly kind: 'http'; readonly httpStatus: number; readonly sample: string }
  /** No HTTP response: reset, timeout, TLS, abort (from `Exchange.error`). */
  | { readonly kind: 'transport'; readonly code: string; readonly message: string };

/** The response facts `classifyResponse` needs (an `ExchangeResponse` fits). */
export interface ResponseLike {
  readonly status: number;
  readonly headers: readonly Header[];
  readonly body?: string | undefined;
}

// Validation errors are named with their details because the failing field is the finding;
// other codes carry prose (`Internal error`) that adds nothing and may be localised.
const NAME_WITH_DETAILS = new Set(['RequestValidationError']);
const AUTH_WORDS = /unauthori[sz]ed|token has expired|invalid token/i;
const WAF_MARKERS = /aliyun_waf|_____tmd_____|x5secdata|FAIL_SYS_USER_VALIDATE|RGV587_ERROR/i;
const HTML_START = /^\s*<(?:!doctype\s*html|html|head|body)\b/i;

/** A short stable name for grouping and comparing, e.g. `Internal_Server_Error`, `waf`, `http-502`. */
export function failureName(f: UpstreamFailure): string {
  switch (f.kind) {
    case 'envelope':
      return NAME_WITH_DETAILS.has(f.code) && f.details !== '' ? `${f.code}: ${f.details}` : f.code;
    case 'in-stream':
      return `in-stream:${f.code}`;
    case 'http':
      return `http-${f.httpStatus}`;
    case 'transport':
      return `transport:${f.code}`;
    default:
      return f.kind;
  }
}

/** One sentence saying what went wrong, for reports and log lines. */
export function explainFailure(f: UpstreamFailure): string {
  const status = 'httpStatus' in f && f.httpStatus !== undefined ? ` (HTTP ${f.httpStatus})` : '';
  switch (f.kind) {
    case 'envelope':
      return (
        `Upstream answered with a JSON error envelope${status}: code ${f.code}, details ` +
        `"${f.details}"${f.requestId ? `, request_id ${f.requestId}` : ''}.`
      );
    case 'in-stream':
      return (
        `The event stream carried an error ` +
        `object${f.afterEvents !== undefined ? ` after ${f.afterEvents} events` : ''}: code ${f.code}, details ` +
        `"${f.details}".`
      );
    case 'waf':
      return `The Aliyun WAF blocked the request${status}: ${f.reason}.`;
    case 'auth':
      return `Upstream refused the credentials${status}: ${f.reason}.`;
    case 'rate-limited': {
      const wait = f.retryAfterSeconds !== undefined ? `; retry after ${f.retryAfterSeconds} s` : '';
      return `Upstream rate-limited the account${status}: "${f.details}"${wait}.`;
    }
    case 'truncated':
      return f.reason === 'cut'
        ? `The event stream was cut after ${f.events} events.`
        : `The event stream ended after ${f.events} events without the final status "finished" answer event.`;
    case 'malformed':
      return `The upstream sent data we cannot read: ${f.reason} ("${f.sample}").`;
    case 'http':
      return `Upstream answered HTTP ${f.httpStatus} with an unrecognised body ("${f.sample}").`;
    case 'transport':
      return `The request failed before an HTTP response: ${f.code} (${f.message}).`;
  }
}

/** Shortens text for samples and reasons, on one line, so a report never carries a whole body. */
export function sampleOf(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `details` arrive as a string, a list, or a string holding a JSON-encoded list: one string out. */
export function normaliseDetails(details: unknown): string {
  if (typeof details === 'string') {
    const t = details.trim();
    if (t.startsWith('[')) {
      try {
        const list: unknown = JSON.parse(t);
        if (Array.isArray(list)) return normaliseDetails(list);
      } catch {
        // Not JSON after all: keep the text as it came.
      }
    }
    return details;
  }
  if (Array.isArray(details)) return details.map((d) => (typeof d === 'string' ? d : JSON.stringify(d))).join('; ');
  if (details === undefined || details === null) return '';
  return typeof details === 'object' ? JSON.stringify(details) : String(details);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Where a JSON value came from changes how an `{"error":…}` object is named. */
export interface JsonFailureContext {
  readonly httpStatus?: number | undefined;
  /** True for a `data:` payload: `{"error":…}` then becomes `in-stream`. */
  readonly inStream?: boolean | undefined;
  readonly afterEvents?: number | undefined;
}

/**
 * Recognises the upstream's JSON error shapes (envelope, WAF `ret` block, `{"error":…}`) in an
 * already-parsed value; `undefined` when the value is not one of them.
 */
export function failureFromJson(value: unknown, ctx: JsonFailureContext = {}): UpstreamFailure | undefined {
  if (!isRecord(value)) return undefined;
  const httpStatus = ctx.httpStatus;
  const ret = value['ret'];
  if (Array.isArray(ret) && ret.some((r) => typeof r === 'string' && WAF_MARKERS.test(r))) {
    const url = isRecord(value['data']) ? str(value['data']['url']) : undefined;
    const reason = `${ret.filter((r) => typeof r === 'string').join(', ')}${url?.includes('punish') ? ' (captcha/punish page)' : ''}`;
    return definedFields({ kind: 'waf', reason: sampleOf(reason, 100), httpStatus });
  }
  const data = value['data'];
  if (value['success'] !== true && isRecord(data) && str(data['code']) !== undefined) {
    const code = str(data['code']) ?? '';
    const details = normaliseDetails(data['details'] ?? data['message']);
    const requestId = str(value['request_id']);
    if (code === 'RateLimited' || httpStatus === 429) {
      const hours = typeof data['num'] === 'number' && Number.isFinite(data['num']) ? data['num'] : undefined;
      // The notes say `num` is hours to wait (FreeQwenApi, XxxXTeam); callers think in seconds.
      return definedFields({
        kind: 'rate-limited',
        details,
        retryAfterSeconds: hours === undefined ? undefined : hours * 3600,
        requestId,
        httpStatus,
      });
    }
    if (httpStatus === 401 || httpStatus === 403 || AUTH_WORDS.test(code) || AUTH_WORDS.test(details)) {
      return definedFields({ kind: 'auth', reason: sampleOf(`${code}: ${details}`, 100), httpStatus });
    }
    return definedFields({ kind: 'envelope', code, details, requestId, httpStatus });
  }
  const error = value['error'];
  if (error !== undefined && error !== null && error !== false) {
    const code = (isRecord(error) ? (str(error['code']) ?? str(error['type'])) : undefined) ?? 'unknown';
    const details = isRecord(error) ? normaliseDetails(error['details'] ?? error['message']) : normaliseDetails(error);
    if (ctx.inStream) return definedFields({ kind: 'in-stream', code, details, afterEvents: ctx.afterEvents });
    if (httpStatus === 401 || httpStatus === 403 || AUTH_WORDS.test(details))
      return definedFields({ kind: 'auth', reason: sampleOf(`${code}: ${details}`, 100), httpStatus });
    return definedFields({ kind: 'envelope', code, details, httpStatus });
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The whole body, its first line, and its first `data:` payload: where the envelope is seen. */
function jsonCandidates(body: string): unknown[] {
  const trimmed = body.trim();
  const firstLine = trimmed.split(/\r?\n/, 1)[0] ?? '';
  const dataLine = /^data:[ ]?(.*)$/m.exec(body)?.[1];
  const texts = [trimmed, firstLine, dataLine].filter((t): t is string => t !== undefined && t.trim().startsWith('{'));
  return [...new Set(texts)].map(parseJson);
}

/**
 * Recognises a failure from body text alone (JSON error shapes, WAF pages, auth words). Used for
 * non-stream bodies and for a "stream" that carried no events at all.
 */
export function classifyBody(body: string, httpStatus?: number): UpstreamFailure | undefined {
  for (const json of jsonCandidates(body)) {
    const f = failureFromJson(json, { httpStatus });
    if (f) return f;
  }
  const html = HTML_START.test(body);
  if ((html || /<meta[^>]+aliyun_waf/i.test(body)) && WAF_MARKERS.test(body)) {
    return definedFields({ kind: 'waf', reason: 'Aliyun WAF block page (aliyun_waf_aa)', httpStatus });
  }
  if (httpStatus === 401 || httpStatus === 403 || AUTH_WORDS.test(body)) {
    return definedFields({
      kind: 'auth',
      reason: sampleOf(AUTH_WORDS.exec(body)?.[0] ?? `HTTP ${httpStatus}`, 100),
      httpStatus,
    });
  }
  // An HTML page where the API should speak JSON or SSE is almost always a gateway or WAF page;
  // on an error status it is more honestly reported as that status.
  if (html && (httpStatus === undefined || (httpStatus >= 200 && httpStatus < 300))) {
    return definedFields({ kind: 'waf', reason: 'HTML page where JSON or an event stream was expected', httpStatus });
  }
  return undefined;
}

/**
 * Classifies a non-stream completion response (or a 2xx body that turned out not to be SSE).
 * `undefined` means nothing failed that we can see: a 2xx with an unrecognised body.
 */
export function classifyResponse(
  response: ResponseLike | undefined,
  error?: ExchangeError,
): UpstreamFailure | undefined {
  if (!response) {
    return error
      ? { kind: 'transport', code: error.code, message: error.message }
      : { kind: 'transport', code: 'NO_RESPONSE', message: 'no response and no error were recorded' };
  }
  const status = response.status;
  const body = response.body ?? '';
  const fromBody = classifyBody(body, status);
  if (fromBody) return fromBody;
  if (status === 429) {
    const header = headerValue(response.headers, 'retry-after');
    const seconds = header !== undefined && /^\s*\d+\s*$/.test(header) ? Number(header) : undefined;
    return definedFields({
      kind: 'rate-limited',
      details: sampleOf(body) || 'HTTP 429',
      retryAfterSeconds: seconds,
      httpStatus: status,
    });
  }
  // A body that arrived before a reset tells more than the reset; failing that, the reset is the cause.
  if (error) return { kind: 'transport', code: error.code, message: error.message };
  if (status < 200 || status >= 300) return { kind: 'http', httpStatus: status, sample: sampleOf(body) };
  return undefined;
}

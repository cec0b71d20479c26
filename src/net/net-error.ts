/**
 * Turns whatever undici or Node threw into one of a few stable `Exchange.error` codes, so diffs,
 * reports and the bisect oracle can compare failures across runs and machines.
 */

/** The codes `sendRequest` puts in `Exchange.error.code`. */
export type NetErrorCode = 'ECONNREFUSED' | 'ECONNRESET' | 'ETIMEDOUT' | 'ABORTED' | 'ENOTFOUND' | 'TLS' | 'EOTHER';

/** Every code, for documentation and exhaustive tests. */
export const NET_ERROR_CODES: readonly NetErrorCode[] = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ABORTED',
  'ENOTFOUND',
  'TLS',
  'EOTHER',
];

const RESET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ECONNABORTED',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ESOCKETTIMEDOUT',
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const TLS_CODE =
  /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|UND_ERR_PRX_TLS|ERR_OSSL_|HOSTNAME_MISMATCH)/;

/** The `code` of an error, looking through AggregateError (happy eyeballs) and `cause` chains. */
function codesOf(error: unknown, depth = 0): string[] {
  if (depth > 4 || typeof error !== 'object' || error === null) return [];
  const out: string[] = [];
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') out.push(code);
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested)) for (const e of nested) out.push(...codesOf(e, depth + 1));
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined) out.push(...codesOf(cause, depth + 1));
  return out;
}

/** Maps a thrown network error to a stable code; abort and our own timers are decided by the caller. */
export function classifyNetError(error: unknown): NetErrorCode {
  const codes = codesOf(error);
  // The most specific cause wins: a refused connect inside an AggregateError is still a refusal.
  if (codes.includes('ECONNREFUSED')) return 'ECONNREFUSED';
  if (codes.some((c) => DNS_CODES.has(c))) return 'ENOTFOUND';
  if (codes.some((c) => TLS_CODE.test(c))) return 'TLS';
  if (codes.some((c) => TIMEOUT_CODES.has(c))) return 'ETIMEDOUT';
  if (codes.some((c) => RESET_CODES.has(c))) return 'ECONNRESET';
  if (
    codes.includes('UND_ERR_ABORTED') ||
    codes.includes('ABORT_ERR') ||
    (error instanceof Error && error.name === 'AbortError')
  )
    return 'ABORTED';
  return 'EOTHER';
}

/** A one-line message for an error, with its low-level code when it has one. */
export function netErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = codesOf(error)[0];
  const text = message.trim() === '' ? (code ?? 'network error') : message;
  return code !== undefined && !text.includes(code) ? `${text} (${code})` : text;
}

/** True for errors that mean the caller passed something unusable (bad header, bad URL), not a network failure. */
export function isInputError(error: unknown): boolean {
  const codes = codesOf(error);
  return (
    codes.includes('UND_ERR_INVALID_ARG') ||
    codes.includes('ERR_INVALID_URL') ||
    codes.includes('ERR_INVALID_ARG_TYPE') ||
    codes.includes('ERR_INVALID_CHAR') ||
    codes.includes('ERR_INVALID_HTTP_TOKEN')
  );
}

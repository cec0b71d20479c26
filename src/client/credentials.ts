/**
 * Where a command's token comes from: `--token`, `--session FILE` or `--user EMAIL:PASSWORD` (a
 * sign-in, protocol.md §3.1). Passwords are hashed before they leave this file and never
 * appear in a message, a log line or an error, even when the upstream echoes them back.
 */
import { definedFields, sha256Hex } from '../common/index.js';
import { ProbeError } from '../exchange/errors.js';
import type { Exchange, ExchangeRequest } from '../exchange/exchange.js';
import { sendRequest } from '../net/index.js';
import { signinResponseSchema, parseJson } from '../upstream/schemas.js';
import { WEB_CLIENT } from '../upstream/browser-headers.js';
import { classifyEndpoint } from '../upstream/endpoints.js';
import { sampleOf } from '../upstream/upstream-failure.js';
import { jwtExpiry, readSessionFile } from './session-file.js';
import { describeTransportError, normaliseTarget } from './target.js';

export interface CredentialInput {
  /** Origin of the target; needed for `user` (sign-in) and checked against a session's target. */
  readonly target: string;
  readonly token?: string | undefined;
  /** Path of a session file. */
  readonly session?: string | undefined;
  /** `EMAIL:PASSWORD`; the password is split at the first colon. */
  readonly user?: string | undefined;
  /** Read QWEN_PROBE_EMAIL / QWEN_PROBE_PASSWORD when no flag was given. */
  readonly useEnv?: boolean | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** How to send the sign-in (tests, proxies); defaults to `sendRequest`. */
  readonly send?: ((request: ExchangeRequest) => Promise<Exchange>) | undefined;
}

export interface Credentials {
  /** The raw JWT. */
  readonly token: string;
  /** Cookies to send besides `token`. */
  readonly cookies: Readonly<Record<string, string>>;
  readonly source: 'token' | 'session' | 'user';
  readonly user?: { readonly id?: string; readonly email?: string; readonly name?: string };
  /** Things the caller may want to print (an expired token, a session saved for another target). */
  readonly warnings: readonly string[];
}

function expiryWarnings(token: string): string[] {
  const exp = jwtExpiry(token);
  return exp !== undefined && exp.getTime() < Date.now()
    ? [`the token expired at ${exp.toISOString()}; the upstream will probably refuse it`]
    : [];
}

/** Resolves exactly one credential source into a token and cookies; see the module comment. */
export async function resolveCredentials(input: CredentialInput): Promise<Credentials> {
  const given = [input.token, input.session, input.user].filter((v) => v !== undefined && v !== '');
  if (given.length > 1) throw new ProbeError('E_USAGE', 'give only one of --token, --session and --user');
  if (input.token) {
    const token = input.token.replace(/^Bearer\s+/i, '').trim();
    return { token, cookies: {}, source: 'token', warnings: expiryWarnings(token) };
  }
  if (input.session) {
    const session = await readSessionFile(input.session);
    const warnings = expiryWarnings(session.token);
    if (sameTarget(session.target, input.target) === false) {
      warnings.push(`the session was saved for ${session.target}, not ${input.target}`);
    }
    return definedFields({
      token: session.token,
      cookies: session.cookies,
      source: 'session',
      user: session.user,
      warnings,
    });
  }
  const env = input.env ?? process.env;
  const fromEnv =
    input.useEnv && env.QWEN_PROBE_EMAIL && env.QWEN_PROBE_PASSWORD
      ? { email: env.QWEN_PROBE_EMAIL, password: env.QWEN_PROBE_PASSWORD }
      : undefined;
  const account = input.user ? parseUserFlag(input.user) : fromEnv;
  if (!account) {
    throw new ProbeError('E_USAGE', 'no credentials: give --token JWT, --session FILE or --user EMAIL:PASSWORD', {
      hint: input.useEnv ? 'or set QWEN_PROBE_EMAIL and QWEN_PROBE_PASSWORD' : undefined,
    });
  }
  return signIn(input.target, account.email, account.password, input.send);
}

function sameTarget(a: string, b: string): boolean | undefined {
  try {
    return normaliseTarget(a) === normaliseTarget(b);
  } catch {
    return undefined;
  }
}

function parseUserFlag(value: string): { email: string; password: string } {
  const colon = value.indexOf(':');
  // The value holds the password: never quote it back.
  if (colon <= 0 || colon === value.length - 1)
    throw new ProbeError('E_USAGE', '--user takes EMAIL:PASSWORD (both parts, joined by the first colon)');
  return { email: value.slice(0, colon), password: value.slice(colon + 1) };
}

/** The sign-in request the web client sends; exported for tests and for `login`. */
export function signinRequest(target: string, email: string, password: string): ExchangeRequest {
  const base = normaliseTarget(target);
  return {
    method: 'POST',
    url: `${base}/api/v1/auths/signin`,
    headers: [
      { name: 'Accept', value: 'application/json, text/plain, */*' },
      { name: 'Content-Type', value: 'application/json' },
      { name: 'Origin', value: base },
      { name: 'Referer', value: `${base}/auth` },
      { name: 'source', value: WEB_CLIENT.source },
      { name: 'User-Agent', value: WEB_CLIENT.userAgent },
    ],
    body: JSON.stringify({ email, password: sha256Hex(password) }),
  };
}

/** The upstream's reason for refusing a sign-in: Open WebUI `detail`, the v2 envelope, or the body. */
function refusalReason(body: string | undefined): string {
  const json = parseJson(body);
  if (json.ok && typeof json.value === 'object' && json.value !== null) {
    const v = json.value as { detail?: unknown; message?: unknown; data?: { details?: unknown; code?: unknown } };
    for (const candidate of [v.detail, v.message, v.data?.details, v.data?.code])
      if (typeof candidate === 'string' && candidate !== '') return candidate;
  }
  return sampleOf(body ?? '') || 'no reason given';
}

async function signIn(
  target: string,
  email: string,
  password: string,
  send?: CredentialInput['send'],
): Promise<Credentials> {
  const request = signinRequest(target, email, password);
  const exchange = send
    ? await send(request)
    : await sendRequest(request, {
        source: 'library',
        endpoint: classifyEndpoint('POST', request.url),
        totalTimeoutMs: 30_000,
      });
  const hide = (text: string) => text.split(password).join('***').split(sha256Hex(password)).join('***');
  const response = exchange.response;
  if (!response) {
    const problem = describeTransportError(target, exchange.error);
    throw new ProbeError('E_UPSTREAM_UNREACHABLE', hide(problem.message), { hint: problem.hint });
  }
  const json = parseJson(response.body);
  const parsed = json.ok ? signinResponseSchema.safeParse(json.value) : undefined;
  if (response.status >= 200 && response.status < 300 && parsed?.success) {
    const token = parsed.data.token;
    const { id, name } = parsed.data;
    return {
      token,
      cookies: setCookies(response.headers),
      source: 'user',
      user: { ...(id ? { id } : {}), email: parsed.data.email ?? email, ...(name ? { name } : {}) },
      warnings: expiryWarnings(token),
    };
  }
  const reason = hide(refusalReason(response.body));
  if (response.status >= 400 && response.status < 500) {
    throw new ProbeError('E_UPSTREAM_AUTH', `sign-in as ${email} refused (HTTP ${response.status}): ${reason}`, {
      hint: 'check the email and password',
    });
  }
  throw new ProbeError(
    'E_UPSTREAM_PROTOCOL',
    `sign-in as ${email} got HTTP ${response.status} without a token: ${reason}`,
  );
}

/** Cookies the sign-in set (anti-bot, session), except `token`, which shapes add from the JWT itself. */
function setCookies(headers: readonly { name: string; value: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of headers) {
    if (h.name.toLowerCase() !== 'set-cookie') continue;
    const pair = h.value.split(';', 1)[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    if (name !== 'token') out[name] = pair.slice(eq + 1).trim();
  }
  return out;
}

/**
 * How `serve` signs its accounts in and keeps their tokens fresh, by the sign-in API: the 2026
 * `POST /api/v2/auths/signin`, which also hands out a `refresh_token`, falling back to
 * `/api/v1/auths/signin` where the era has no v2 path (it answers 404); and `POST
 * /api/v2/auths/refresh`, which trades the refresh token for a new token before the old one expires.
 * Passwords are handled by `client/credentials.ts` (hashed, never quoted back).
 *
 * Eras that need a browser to sign in (the 2026 anti-bot layer) are for the browser transport
 * (`--transport browser`, being built separately): until it lands, accounts sign in by API here, and
 * a session file saved by `qwen-probe login` (which drives Chromium) is the way in for those eras.
 */
import { stat } from 'node:fs/promises';
import { resolveCredentials, type Credentials } from '../client/credentials.js';
import { readSessionFile } from '../client/session-file.js';
import { describeTransportError, normaliseTarget } from '../client/target.js';
import { ProbeError } from '../exchange/errors.js';
import type { ExchangeRequest } from '../exchange/exchange.js';
import { sendRequest } from '../net/index.js';
import { WEB_CLIENT } from '../upstream/browser-headers.js';
import { classifyEndpoint } from '../upstream/endpoints.js';
import { parseJson } from '../upstream/schemas.js';
import type { SessionCredentials } from './session-pool.js';

/** Targets whose sign-in answered 404 on the v2 path: they get the v1 path at once. */
const V1_ONLY = new Set<string>();

function withRefreshToken(credentials: Credentials): SessionCredentials & { warnings: readonly string[] } {
  const { refresh_token: refreshToken, ...cookies } = credentials.cookies;
  return {
    token: credentials.token,
    cookies,
    ...(refreshToken ? { refreshToken } : {}),
    warnings: credentials.warnings,
  };
}

/** Signs an account in (v2, else v1); ProbeError E_UPSTREAM_AUTH when refused. */
export async function signInAccount(
  target: string,
  email: string,
  password: string,
): Promise<SessionCredentials & { warnings: readonly string[] }> {
  const base = normaliseTarget(target);
  const user = `${email}:${password}`;
  if (!V1_ONLY.has(base)) {
    let missing = false;
    try {
      const credentials = await resolveCredentials({
        target: base,
        user,
        send: async (request) => {
          const exchange = await sendRequest(
            { ...request, url: request.url.replace('/api/v1/auths/signin', '/api/v2/auths/signin') },
            { source: 'library', endpoint: 'auths.signin.v2', totalTimeoutMs: 30_000 },
          );
          missing = exchange.response?.status === 404;
          return exchange;
        },
      });
      return withRefreshToken(credentials);
    } catch (error) {
      if (!missing) throw error;
      V1_ONLY.add(base);
    }
  }
  return withRefreshToken(await resolveCredentials({ target: base, user }));
}

function refreshRequest(base: string, refreshToken: string): ExchangeRequest {
  return {
    method: 'POST',
    url: `${base}/api/v2/auths/refresh`,
    headers: [
      { name: 'Accept', value: 'application/json, text/plain, */*' },
      { name: 'Content-Type', value: 'application/json' },
      { name: 'Origin', value: base },
      { name: 'Referer', value: `${base}/` },
      { name: 'source', value: WEB_CLIENT.source },
      { name: 'User-Agent', value: WEB_CLIENT.userAgent },
      { name: 'Cookie', value: `refresh_token=${refreshToken}` },
    ],
    body: JSON.stringify({ refresh_token: refreshToken }),
  };
}

/** Trades a refresh token for fresh credentials (`auths/refresh`); ProbeError when refused. */
export async function refreshAccount(target: string, current: SessionCredentials): Promise<SessionCredentials> {
  const base = normaliseTarget(target);
  if (!current.refreshToken) throw new ProbeError('E_UPSTREAM_AUTH', 'no refresh token to renew the session with');
  const request = refreshRequest(base, current.refreshToken);
  const exchange = await sendRequest(request, {
    source: 'library',
    endpoint: classifyEndpoint('POST', request.url),
    totalTimeoutMs: 30_000,
  });
  const response = exchange.response;
  if (!response) {
    const problem = describeTransportError(base, exchange.error);
    throw new ProbeError('E_UPSTREAM_UNREACHABLE', problem.message, { hint: problem.hint });
  }
  const json = parseJson(response.body);
  const data =
    json.ok && typeof json.value === 'object' && json.value !== null
      ? (json.value as { data?: { token?: unknown; refresh_token?: unknown } }).data
      : undefined;
  if (response.status >= 300 || typeof data?.token !== 'string')
    throw new ProbeError('E_UPSTREAM_AUTH', `token refresh refused (HTTP ${response.status})`);
  const refreshToken = typeof data.refresh_token === 'string' ? data.refresh_token : current.refreshToken;
  return { token: data.token, ...(current.cookies ? { cookies: current.cookies } : {}), refreshToken };
}

/**
 * What renews an account signed in with a password: the refresh token when there is one (and a
 * sign-in when the refresh is refused), else a sign-in.
 */
export function passwordRenewal(
  target: string,
  email: string,
  password: string,
): (current: SessionCredentials) => Promise<SessionCredentials> {
  return async (current) => {
    if (current.refreshToken) {
      try {
        return await refreshAccount(target, current);
      } catch {
        // A refused or expired refresh token: a sign-in gets a new one.
      }
    }
    const { warnings: _warnings, ...credentials } = await signInAccount(target, email, password);
    return credentials;
  };
}

/** A session file's credentials, with its refresh token (a `refresh_token` cookie) set apart. */
export async function sessionFileCredentials(
  target: string,
  path: string,
): Promise<SessionCredentials & { warnings: readonly string[] }> {
  return withRefreshToken(await resolveCredentials({ target, session: path }));
}

/**
 * Watches a session file: the credentials it holds once its modification time changed (a person
 * signed in again with `qwen-probe login`), else undefined.
 */
export function sessionFileReloader(
  target: string,
  path: string,
  loadedAt: number,
): () => Promise<SessionCredentials | undefined> {
  let seen = loadedAt;
  return async () => {
    const mtime = await stat(path).then(
      (s) => s.mtimeMs,
      () => undefined,
    );
    if (mtime === undefined || mtime <= seen) return undefined;
    seen = mtime;
    // A half-written or broken file is ignored until it changes again.
    const session = await readSessionFile(path).catch(() => undefined);
    if (!session) return undefined;
    const { warnings: _warnings, ...credentials } = await sessionFileCredentials(target, path);
    return credentials;
  };
}

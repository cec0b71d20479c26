/**
 * Which field names hold secrets. A name matches when, lower-cased with everything but letters and
 * digits removed, it ends with one of the listed words: `access_token`, `X-Auth-Token`, `csrfToken`
 * and `bx-umidtoken` end with `token`; `apiKey` and `x-api-key` end with `apikey`. Matching the end
 * rather than any part keeps `max_tokens`, `input_tokens` and `token_type` (protocol fields a diff
 * must see) out: they end with `tokens` and `type`.
 */

/** The default list: names whose values are credentials. */
export const DEFAULT_SECRET_NAMES: readonly string[] = [
  'token',
  'password',
  'passwd',
  'secret',
  'apikey',
  'accesstoken',
  'refreshtoken',
  'authorization',
  'cookie',
  'session',
  // The Aliyun firewall's captcha pass (cookie `x5sec`) and its punish URL's `x5secdata` (protocol.md §11.13).
  'x5sec',
  'x5secdata',
];

/** Names whose value is a whole store of secrets (browser storage dumps, Playwright storageState). */
const STORAGE_NAMES = new Set(['localstorage', 'sessionstorage']);

/** Lower case, letters and digits only: `X-Api_Key` -> `xapikey`. */
export function compactName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A matcher for a list of secret names (compared after `compactName`). */
export function secretNameMatcher(names: readonly string[] = DEFAULT_SECRET_NAMES): (name: string) => boolean {
  const suffixes = [...new Set(names.map(compactName).filter((n) => n !== ''))];
  return (name) => {
    const compact = compactName(name);
    return compact !== '' && suffixes.some((suffix) => compact.endsWith(suffix));
  };
}

/** True for `localStorage` / `sessionStorage` fields, whose values are all secrets. */
export function isStorageName(name: string): boolean {
  return STORAGE_NAMES.has(compactName(name));
}

/**
 * The last path segments of calls that exchange credentials for a session (`/api/v2/auths/signin`,
 * `/api/v2/auths/refresh`, `/login`, `/oauth/token`), compared after `compactName`. Their request
 * carries a password (or its hash, which works as the password) and their answer a fresh token.
 */
export const CREDENTIAL_PATH_SEGMENTS: readonly string[] = ['signin', 'signup', 'login', 'logon', 'refresh', 'token'];

/** True for the URL path of a sign-in, sign-up or token-refresh call (`CREDENTIAL_PATH_SEGMENTS`). */
export function isCredentialPath(path: string): boolean {
  const last = path.split('?')[0]!.replace(/\/+$/, '').split('/').pop() ?? '';
  return CREDENTIAL_PATH_SEGMENTS.includes(compactName(last));
}

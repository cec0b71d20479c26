/**
 * The cookies the simulated anti-bot layer issues itself and can therefore check (protocol.md §9.4):
 * `acw_tc`, the WAF session set by `GET /`, and `x5sec`, the pass a solved captcha earns, plus the
 * `x5secdata` of the captcha URL, which says for which account the captcha was shown. Each value
 * carries its issue time and a MAC under the simulator's per-run key, so "fresh" and "ours" are
 * facts the rules can read. (`cna`, `isg`, `tfstk` come from the page's script and are only looked for.)
 */
import { randomBytes } from 'node:crypto';
import { mac } from './signatures.js';

/** `acw_tc`: 32 hex digits of session, 12 of issue time (ms), 16 of MAC, like the real hex value. */
export function issueAcwTc(key: Buffer, nowMs: number): string {
  const body = `${randomBytes(16).toString('hex')}${nowMs.toString(16).padStart(12, '0')}`;
  return `${body}${Buffer.from(mac(key, 'acw_tc', body), 'base64url')
    .toString('hex')
    .slice(0, 16)}`;
}

/** When we issued this `acw_tc`, or undefined when it is not one of ours. */
export function acwTcIssuedAt(key: Buffer, value: string): number | undefined {
  if (!/^[0-9a-f]{60}$/.test(value)) return undefined;
  const body = value.slice(0, 44);
  const expected = Buffer.from(mac(key, 'acw_tc', body), 'base64url')
    .toString('hex')
    .slice(0, 16);
  return value.slice(44) === expected ? parseInt(body.slice(32), 16) : undefined;
}

function sealed(key: Buffer, label: string, claims: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${mac(key, label, body)}`;
}

function opened(key: Buffer, label: string, value: string): Record<string, unknown> | undefined {
  const [body = '', sig = ''] = value.split('.');
  if (sig === '' || sig !== mac(key, label, body)) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The `x5secdata` of a punish URL: which account the captcha is for. */
export function issueX5secData(key: Buffer, account: string, nowMs: number): string {
  return sealed(key, 'x5secdata', { account, iat: nowMs });
}

export function readX5secData(key: Buffer, value: string): { account: string; iat: number } | undefined {
  const claims = opened(key, 'x5secdata', value);
  return typeof claims?.['account'] === 'string' && typeof claims['iat'] === 'number'
    ? { account: claims['account'], iat: claims['iat'] }
    : undefined;
}

/** The `x5sec` pass for an account, earned by solving its captcha. */
export function issueX5sec(key: Buffer, account: string, nowMs: number): string {
  return sealed(key, 'x5sec', { account, iat: nowMs });
}

/** When this `x5sec` was issued to `account`, or undefined when it is not ours or is another account's. */
export function x5secIssuedAt(key: Buffer, value: string, account: string): number | undefined {
  const claims = opened(key, 'x5sec', value);
  return claims?.['account'] === account && typeof claims['iat'] === 'number' ? claims['iat'] : undefined;
}

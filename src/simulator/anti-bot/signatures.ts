/**
 * The simulator's stand-in for Alibaba's baxia signatures (protocol.md §9.3), the server half: how
 * `bx-ua`, `bx-umidtoken` and `bx-pp` are made and checked. The page half is the signing script
 * (web/signing-script.ts), which computes the same MACs with WebCrypto from the per-run key the page
 * carries, as the real baxia script carries its own key material. Nothing outside src/simulator
 * imports this: to qwen-probe's tools the signatures are a black box, as baxia is.
 *
 * - `bx-ua`: `231!` + base64 of `<payload JSON>|<MAC>`; the payload holds the time (ms), a page-session
 *   id, the user agent and a fingerprint blob, so the header is about 1.2k characters like the real one.
 * - `bx-umidtoken`: `T2gA` + base64url of `{cna, iat}` + `.` + MAC, issued by GET /w/wu.json (sg-wum's
 *   path) to a client holding a `cna` cookie, and valid only with that cookie.
 * - `bx-pp`: the MAC of the exact body bytes (of nothing for a request without a body).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RequestFacts } from '../request-facts.js';

export const SIGNATURE_NAMES = ['bx-ua', 'bx-umidtoken', 'bx-pp'] as const;
export type SignatureName = (typeof SIGNATURE_NAMES)[number];

/** What the server makes of one signature header. */
export type SignatureCheck =
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly reason: string }
  /** `issuedAtMs` is absent for `bx-pp`, which has no time in it. */
  | { readonly kind: 'valid'; readonly issuedAtMs?: number };

export const BX_UA_PREFIX = '231!';
export const UMID_PREFIX = 'T2gA';

/** The labels that keep one signature from passing for another. */
export const MAC_LABELS = { 'bx-ua': 'bx-ua', 'bx-umidtoken': 'umid', 'bx-pp': 'bx-pp' } as const;

/** HMAC-SHA256 of `label\ntext`, base64url without padding; the page computes the same. */
export function mac(key: Buffer, label: string, text: string | Buffer): string {
  const h = createHmac('sha256', key).update(`${label}\n`);
  h.update(text);
  return h.digest('base64url');
}

function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What a bx-ua payload says. */
export interface BxUaPayload {
  readonly v: string;
  /** Unix ms when the page signed. */
  readonly t: number;
  readonly sid: string;
  readonly ua: string;
  readonly fp: string;
}

/** A bx-ua as the page makes it (for tests and for the captcha page's own requests). */
export function signBxUa(key: Buffer, payload: BxUaPayload): string {
  const text = JSON.stringify(payload);
  return BX_UA_PREFIX + Buffer.from(`${text}|${mac(key, MAC_LABELS['bx-ua'], text)}`, 'utf8').toString('base64');
}

/** Checks a bx-ua: our MAC, a readable payload, and the user agent of the request that carries it. */
export function verifyBxUa(key: Buffer, value: string | undefined, userAgent: string | undefined): SignatureCheck {
  if (!value) return { kind: 'missing' };
  if (!value.startsWith(BX_UA_PREFIX)) return { kind: 'invalid', reason: `does not start with ${BX_UA_PREFIX}` };
  const decoded = Buffer.from(value.slice(BX_UA_PREFIX.length), 'base64').toString('utf8');
  const bar = decoded.lastIndexOf('|');
  if (bar < 0) return { kind: 'invalid', reason: 'no MAC' };
  const text = decoded.slice(0, bar);
  if (!sameMac(decoded.slice(bar + 1), mac(key, MAC_LABELS['bx-ua'], text)))
    return { kind: 'invalid', reason: 'bad MAC' };
  let payload: Partial<BxUaPayload>;
  try {
    payload = JSON.parse(text) as Partial<BxUaPayload>;
  } catch {
    return { kind: 'invalid', reason: 'payload is not JSON' };
  }
  if (typeof payload.t !== 'number') return { kind: 'invalid', reason: 'no time' };
  // Copying a browser's bx-ua into a client that sends another User-Agent gives itself away.
  if (payload.ua !== userAgent) return { kind: 'invalid', reason: 'signed for another user agent' };
  return { kind: 'valid', issuedAtMs: payload.t };
}

/** A bx-umidtoken for the device whose `cna` cookie is `cna`. */
export function issueUmidToken(key: Buffer, cna: string, nowMs: number): string {
  const body = Buffer.from(JSON.stringify({ cna, iat: nowMs })).toString('base64url');
  return `${UMID_PREFIX}${body}.${mac(key, MAC_LABELS['bx-umidtoken'], body)}`;
}

/** Checks a bx-umidtoken: our MAC, and bound to the `cna` cookie the request carries. */
export function verifyUmidToken(key: Buffer, value: string | undefined, cna: string | undefined): SignatureCheck {
  if (!value) return { kind: 'missing' };
  if (!value.startsWith(UMID_PREFIX)) return { kind: 'invalid', reason: `does not start with ${UMID_PREFIX}` };
  const [body = '', sig = ''] = value.slice(UMID_PREFIX.length).split('.');
  if (!sameMac(sig, mac(key, MAC_LABELS['bx-umidtoken'], body))) return { kind: 'invalid', reason: 'bad MAC' };
  let claims: { cna?: unknown; iat?: unknown };
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { cna?: unknown; iat?: unknown };
  } catch {
    return { kind: 'invalid', reason: 'unreadable' };
  }
  if (typeof claims.iat !== 'number') return { kind: 'invalid', reason: 'no time' };
  if (claims.cna !== cna) return { kind: 'invalid', reason: 'issued to another cna device cookie' };
  return { kind: 'valid', issuedAtMs: claims.iat };
}

/** The bx-pp of a body. */
export function signBxPp(key: Buffer, body: string): string {
  return mac(key, MAC_LABELS['bx-pp'], Buffer.from(body, 'utf8'));
}

export function verifyBxPp(key: Buffer, value: string | undefined, body: string): SignatureCheck {
  if (!value) return { kind: 'missing' };
  return sameMac(value, signBxPp(key, body))
    ? { kind: 'valid' }
    : { kind: 'invalid', reason: 'not the MAC of this body' };
}

/** Checks one signature header of a request. */
export function checkSignature(key: Buffer, name: SignatureName, facts: RequestFacts): SignatureCheck {
  const value = facts.headers.get(name) ?? undefined;
  switch (name) {
    case 'bx-ua':
      return verifyBxUa(key, value, facts.headers.get('user-agent') ?? undefined);
    case 'bx-umidtoken':
      return verifyUmidToken(key, value, facts.cookies['cna']);
    case 'bx-pp':
      return verifyBxPp(key, value, facts.bodyText);
  }
}

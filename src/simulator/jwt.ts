/**
 * HS256 JWTs as chat.qwen.ai issues them (protocol.md §3.1: payload `{id,
 * last_password_change, exp}`), signed and checked with node:crypto so the simulator needs no JWT
 * library. A gzip+base64 "compressed" token is simply not a JWT, so it comes out `invalid`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenPayload {
  /** The user's uuid. */
  readonly id: string;
  /** Unix seconds. */
  readonly last_password_change: number;
  /** Unix seconds. */
  readonly exp: number;
  /** `refresh` for the refresh_token of the 2026 sign-in, which is no bearer token. */
  readonly typ?: 'refresh';
}

/** What the server knows about the token a request carried. */
export type TokenCheck =
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'expired'; readonly payload: TokenPayload }
  | { readonly kind: 'valid'; readonly payload: TokenPayload };

const HEADER = { alg: 'HS256', typ: 'JWT' };

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function signature(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

export function signJwt(payload: TokenPayload, secret: string): string {
  const head = `${b64url(JSON.stringify(HEADER))}.${b64url(JSON.stringify(payload))}`;
  return `${head}.${signature(head, secret)}`;
}

function isPayload(value: unknown): value is TokenPayload {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['id'] === 'string' && typeof v['exp'] === 'number';
}

/** Checks signature, shape and expiry; `nowSeconds` comes from the simulator's injectable clock. */
export function verifyJwt(token: string | undefined, secret: string, nowSeconds: number): TokenCheck {
  if (token === undefined || token === '') return { kind: 'missing' };
  const parts = token.split('.');
  if (parts.length !== 3) return { kind: 'invalid', reason: 'not a JWT' };
  const [head, body, sig] = parts as [string, string, string];
  const expected = Buffer.from(signature(`${head}.${body}`, secret));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { kind: 'invalid', reason: 'bad signature' };
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { kind: 'invalid', reason: 'payload is not JSON' };
  }
  if (!isPayload(payload)) return { kind: 'invalid', reason: 'payload lacks id/exp' };
  if (payload.exp <= nowSeconds) return { kind: 'expired', payload };
  return { kind: 'valid', payload };
}

/**
 * Helpers for tests of the qwen-2026-09 era in process: a simulator with a known signing secret and a
 * controllable clock, a browser-like cookie jar (acw_tc from GET /, the device cookies, a
 * bx-umidtoken from /w/wu.json), and requests signed the way the page's signing script signs them.
 * Signing here uses the simulator's own server half (anti-bot/signatures.ts); signing-script.test.ts
 * shows that the page's script makes the same signatures.
 */
import { sha256Hex } from '../../src/common/index.js';
import type { ExchangeRequest, Header } from '../../src/exchange/exchange.js';
import { signBxPp, signBxUa } from '../../src/simulator/anti-bot/signatures.js';
import { createSimulatorApp, DEMO_USER, type SimulatorOptions } from '../../src/simulator/index.js';
import { WEB_CLIENT_2026_08 } from '../../src/upstream/browser-headers.js';
import { shapeFor, systemIdClock, type ShapeContext } from '../../src/upstream/shapes.js';

export const SECRET = 'era-2026-test-secret';
export const KEY = Buffer.from(SECRET, 'utf8');
export const BASE = 'http://sim.test';

/** A simulator of the era whose clock the test moves (`clock.now += ms`). */
export function era2026(options: SimulatorOptions = {}) {
  const clock = { now: Date.UTC(2026, 8, 15, 12) };
  const sim = createSimulatorApp({
    profile: 'qwen-2026-09',
    chunkIntervalMs: 0,
    signingSecret: SECRET,
    clock: () => clock.now,
    ...options,
  });
  const request = async (path: string, init?: RequestInit): Promise<Response> =>
    sim.app.request(path.replace(/^https?:\/\/[^/]+/, ''), init);
  return { ...sim, clock, request };
}

export type Era2026 = ReturnType<typeof era2026>;

/** What a browser holds after loading the page: the cookie jar and a bx-umidtoken. */
export interface BrowserJar {
  readonly cookies: Record<string, string>;
  readonly umid: string;
}

/** Loads the page (acw_tc), sets the device cookies as the signing script does, and fetches a bx-umidtoken. */
export async function browserJar(sim: Era2026, extra: Record<string, string> = {}): Promise<BrowserJar> {
  const page = await sim.request('/');
  const cookies: Record<string, string> = { cna: 'cna-device-1', isg: 'Bisg', tfstk: 'ftfstk', ...extra };
  for (const line of page.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    cookies[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const wu = await (await sim.request('/w/wu.json', { headers: { cookie: `cna=${cookies['cna']}` } })).text();
  const umid = /umx\.wu\('([^']+)'\)/.exec(wu)?.[1];
  if (!umid) throw new Error(`no umid token: ${wu}`);
  return { cookies, umid };
}

export async function signinToken(
  sim: Era2026,
  user: { readonly email: string; readonly password: string } = DEMO_USER,
): Promise<string> {
  const res = await sim.request('/api/v2/auths/signin', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: sha256Hex(user.password) }),
  });
  return ((await res.json()) as { token: string }).token;
}

function setHeader(headers: readonly Header[], name: string, value: string): Header[] {
  return [...headers.filter((h) => h.name.toLowerCase() !== name.toLowerCase()), { name, value }];
}

/** Options of `signed`: what to leave out or spoil, to trip one rule at a time. */
export interface SignOptions {
  readonly signedAtMs?: number;
  readonly userAgent?: string;
  readonly umid?: string | null;
  readonly bxUa?: string | null;
  readonly bxPp?: string | null;
  /** Cookies to drop from the jar. */
  readonly without?: readonly string[];
}

/** A request as the page sends it: the jar in its Cookie header and the three signatures. */
export function signed(sim: Era2026, jar: BrowserJar, req: ExchangeRequest, opts: SignOptions = {}): ExchangeRequest {
  const ua = req.headers.find((h) => h.name.toLowerCase() === 'user-agent')?.value ?? WEB_CLIENT_2026_08.userAgent;
  const cookieLine = req.headers.find((h) => h.name.toLowerCase() === 'cookie')?.value ?? '';
  const cookies: Record<string, string> = {};
  for (const part of cookieLine.split(/;\s*/).filter(Boolean)) {
    const eq = part.indexOf('=');
    cookies[part.slice(0, eq)] = part.slice(eq + 1);
  }
  Object.assign(cookies, jar.cookies);
  for (const name of opts.without ?? []) delete cookies[name];
  let headers = setHeader(
    req.headers,
    'Cookie',
    Object.entries(cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; '),
  );
  const bxUa =
    opts.bxUa === undefined
      ? signBxUa(KEY, {
          v: WEB_CLIENT_2026_08.bxV,
          t: opts.signedAtMs ?? sim.clock.now,
          sid: 'page-session-1',
          ua: opts.userAgent ?? ua,
          fp: 'ab'.repeat(326),
        })
      : opts.bxUa;
  if (bxUa !== null) headers = setHeader(headers, 'bx-ua', bxUa);
  const umid = opts.umid === undefined ? jar.umid : opts.umid;
  if (umid !== null) headers = setHeader(headers, 'bx-umidtoken', umid);
  const bxPp = opts.bxPp === undefined ? signBxPp(KEY, req.body ?? '') : opts.bxPp;
  if (bxPp !== null) headers = setHeader(headers, 'bx-pp', bxPp);
  return { ...req, headers };
}

export function send(sim: Era2026, req: ExchangeRequest): Promise<Response> {
  const headers = new Headers();
  for (const h of req.headers) headers.append(h.name, h.value);
  return sim.request(req.url, { method: req.method, headers, ...(req.body === undefined ? {} : { body: req.body }) });
}

/** The era's `web` shape context for a token. */
export function webContext(token: string, overrides: Partial<ShapeContext> = {}): ShapeContext {
  return { baseUrl: BASE, token, idClock: systemIdClock, ...overrides };
}

export const web2026 = shapeFor('web', 'qwen-2026-09');

/** Creates a chat the way the page does (signed, full jar); returns its id. */
export async function newChat2026(sim: Era2026, jar: BrowserJar, token: string, model?: string): Promise<string> {
  const ctx = webContext(token, model === undefined ? {} : { model });
  const res = await send(sim, signed(sim, jar, web2026.createChat!(ctx)));
  const body = (await res.json()) as { data?: { id: string } };
  if (!body.data) throw new Error(`chats/new failed: ${JSON.stringify(body)}`);
  return body.data.id;
}

/** What a completion answered: `stream` with its answer, `soft-block`, `captcha`, `forbidden`, or the envelope code. */
export async function outcomeOf(res: Response): Promise<string> {
  const text = await res.text();
  if (res.status === 403 && text === '') return 'forbidden';
  if (text.startsWith('data:')) {
    return /"content": "[^"]/.test(text) ? 'stream' : 'soft-block';
  }
  if (/^\s*</.test(text)) return `html-${res.status}`;
  const json = JSON.parse(text) as { ret?: string[]; data?: { code?: string } };
  if (json.ret) return 'captcha';
  return json.data?.code ?? `http-${res.status}`;
}

/**
 * The page's signing script, run in a bare JS context with the browser APIs it uses (fetch, cookies,
 * WebCrypto), makes the signatures the simulator's server half accepts; and the server's checks on
 * each signature on their own.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { acwTcIssuedAt, issueAcwTc, issueX5sec, x5secIssuedAt } from '../../src/simulator/anti-bot/anti-bot-cookies.js';
import {
  issueUmidToken,
  signBxPp,
  signBxUa,
  verifyBxPp,
  verifyBxUa,
  verifyUmidToken,
} from '../../src/simulator/anti-bot/signatures.js';
import { signingScript, UMID_TOKEN_PATH } from '../../src/simulator/web/signing-script.js';

const KEY = Buffer.from('k'.repeat(32));
const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36';

interface Sent {
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
}

/** Runs the script in a fresh context whose fetch records requests and answers the token endpoint. */
function pageWithSigningScript() {
  const sent: Sent[] = [];
  let cookieJar = '';
  const nativeFetch = async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://127.0.0.1:8787/').toString();
    sent.push({ url, headers: new Headers(init.headers), body: typeof init.body === 'string' ? init.body : '' });
    if (url.endsWith(UMID_TOKEN_PATH)) {
      const cna = /(?:^|; )cna=([^;]*)/.exec(cookieJar)?.[1] ?? '';
      return new Response(`umx.wu('${issueUmidToken(KEY, cna, Date.now())}');`);
    }
    return new Response('{}');
  };
  const window: Record<string, unknown> = { fetch: nativeFetch };
  const document = {
    get cookie() {
      return cookieJar;
    },
    set cookie(line: string) {
      const pair = line.split(';')[0] ?? '';
      const name = pair.split('=')[0];
      cookieJar = [...cookieJar.split('; ').filter((c) => c !== '' && !c.startsWith(`${name}=`)), pair].join('; ');
    },
  };
  runInNewContext(signingScript({ key: KEY, bxV: '2.5.37' }), {
    window,
    document,
    location: { origin: 'http://127.0.0.1:8787', href: 'http://127.0.0.1:8787/c/new-chat' },
    navigator: { userAgent: UA },
    crypto: globalThis.crypto,
    TextEncoder,
    Headers,
    Request,
    Response,
    URL,
    atob,
    btoa,
  });
  return { fetch: window['fetch'] as typeof fetch, sent, cookies: () => cookieJar };
}

describe('the page signing script', () => {
  it('sets the device cookies and signs every API request with signatures the server accepts', async () => {
    const page = pageWithSigningScript();
    expect(page.cookies()).toMatch(/cna=[\w-]+; isg=B[\w-]+; tfstk=f[\w-]+/);
    const body = JSON.stringify({ stream: true, messages: [{ content: 'Hello!' }] });
    await page.fetch('/api/v2/chat/completions?chat_id=c', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', version: '0.2.87' },
      body,
    });
    const api = page.sent.find((s) => s.url.includes('/api/v2/chat/completions'))!;
    const cna = /cna=([^;]*)/.exec(page.cookies())?.[1];
    expect(api.headers.get('version')).toBe('0.2.87');
    const bxUa = api.headers.get('bx-ua') ?? '';
    expect(bxUa.startsWith('231!')).toBe(true);
    expect(bxUa.length).toBeGreaterThan(1100);
    expect(bxUa.length).toBeLessThan(1400);
    expect(verifyBxUa(KEY, bxUa, UA)).toMatchObject({ kind: 'valid' });
    expect(verifyBxUa(KEY, bxUa, 'python-httpx/0.28')).toMatchObject({ kind: 'invalid' });
    expect(verifyUmidToken(KEY, api.headers.get('bx-umidtoken') ?? undefined, cna)).toMatchObject({ kind: 'valid' });
    expect(verifyBxPp(KEY, api.headers.get('bx-pp') ?? undefined, body)).toEqual({ kind: 'valid' });
    expect(verifyBxPp(KEY, api.headers.get('bx-pp') ?? undefined, `${body} `)).toMatchObject({ kind: 'invalid' });
  });

  it('fetches the bx-umidtoken once and leaves requests outside /api alone', async () => {
    const page = pageWithSigningScript();
    await page.fetch('/api/models');
    await page.fetch('/api/v2/chats/new', { method: 'POST', body: '{}' });
    await page.fetch('/favicon.ico');
    expect(page.sent.filter((s) => s.url.endsWith(UMID_TOKEN_PATH))).toHaveLength(1);
    expect(page.sent.find((s) => s.url.endsWith('/favicon.ico'))?.headers.has('bx-ua')).toBe(false);
    expect(page.sent.find((s) => s.url.endsWith('/api/models'))?.headers.get('bx-pp')).toBe(signBxPp(KEY, ''));
  });
});

describe('the server half of the signatures', () => {
  it('refuses signatures made with another key', () => {
    const other = Buffer.from('o'.repeat(32));
    const ua = signBxUa(other, { v: '2.5.37', t: 1, sid: 's', ua: UA, fp: '' });
    expect(verifyBxUa(KEY, ua, UA)).toEqual({ kind: 'invalid', reason: 'bad MAC' });
    expect(verifyUmidToken(KEY, issueUmidToken(other, 'c', 1), 'c')).toEqual({ kind: 'invalid', reason: 'bad MAC' });
    expect(verifyBxUa(KEY, undefined, UA)).toEqual({ kind: 'missing' });
  });

  it('knows its own acw_tc and its issue time, and binds an x5sec to one account', () => {
    const acw = issueAcwTc(KEY, 1_790_000_000_000);
    expect(acw).toMatch(/^[0-9a-f]{60}$/);
    expect(acwTcIssuedAt(KEY, acw)).toBe(1_790_000_000_000);
    expect(acwTcIssuedAt(Buffer.from('x'), acw)).toBeUndefined();
    const x5sec = issueX5sec(KEY, 'user:a', 5);
    expect(x5secIssuedAt(KEY, x5sec, 'user:a')).toBe(5);
    expect(x5secIssuedAt(KEY, x5sec, 'user:b')).toBeUndefined();
  });
});

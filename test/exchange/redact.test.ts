import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRedactor, isCredentialExchange, redactExchange } from '../../src/exchange/redact.js';
import { openCaptureWriter } from '../../src/exchange/capture-writer.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import { headerValue, type Exchange } from '../../src/exchange/exchange.js';
import { makeExchange, sseBody } from '../support/make-exchange.js';
import { arbitraryExchange } from '../support/exchange-arbitrary.js';
import { assertValidHar } from '../support/har-validator.js';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT of the usual shape (unsigned: only the payload matters here). */
const jwt = (claims: Record<string, unknown>): string =>
  `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}.${'S'.repeat(43)}`;
const EXP_2026_12_01 = Date.UTC(2026, 11, 1, 12) / 1000;
const TOKEN = jwt({ id: 'user-1', exp: EXP_2026_12_01 });

const withRequest = (request: Partial<Exchange['request']>): Exchange => makeExchange({ request });

describe('redactExchange: headers', () => {
  it('keeps the Authorization scheme and shows the token by kind, length and expiry', () => {
    const out = redactExchange(withRequest({ headers: [{ name: 'Authorization', value: `Bearer ${TOKEN}` }] }));
    expect(out.request.headers[0]?.value).toBe(`Bearer «jwt ${TOKEN.length} chars exp 2026-12-01»`);
    expect(out.tags).toContain('redacted:authorization');
  });

  it('redacts every Cookie value and keeps the names and separators', () => {
    const out = redactExchange(
      withRequest({ headers: [{ name: 'cookie', value: `token=${TOKEN}; cna=AbCdEf0123456789;lang=en` }] }),
    );
    expect(out.request.headers[0]?.value).toBe(
      `token=«jwt ${TOKEN.length} chars exp 2026-12-01»; cna=«hex 16 chars»;lang=«opaque 2 chars»`,
    );
    expect(out.tags).toContain('redacted:cookie');
  });

  it('redacts Set-Cookie values and keeps their attributes', () => {
    const out = redactExchange(
      makeExchange({
        response: { headers: [{ name: 'Set-Cookie', value: 'token=abcdef0123456789abcdef; Path=/; HttpOnly' }] },
      }),
    );
    expect(out.response?.headers[0]?.value).toBe('token=«hex 22 chars»; Path=/; HttpOnly');
    expect(out.tags).toContain('redacted:set-cookie');
  });

  it('redacts headers with secret names and leaves the others alone', () => {
    const headers = [
      { name: 'x-api-key', value: 'k-123456789' },
      { name: 'bx-umidtoken', value: 'T2gAabcdefgh' },
      { name: 'user-agent', value: 'Mozilla/5.0' },
      { name: 'x-request-id', value: '5f0c6a2e-8a43-4e0b-9a3e-1f2d3c4b5a69' },
    ];
    const out = redactExchange(withRequest({ headers }));
    expect(out.request.headers.map((h) => h.value)).toEqual([
      '«opaque 11 chars»',
      '«opaque 12 chars»',
      'Mozilla/5.0',
      '5f0c6a2e-8a43-4e0b-9a3e-1f2d3c4b5a69',
    ]);
  });
});

describe('redactExchange: URLs and bodies', () => {
  it('redacts secret query and fragment parameters, percent-encoded, and keeps the rest of the URL', () => {
    const out = redactExchange(
      withRequest({ url: 'https://chat.qwen.ai/cb?chat_id=42&access_token=abc%20def&x=1#refresh_token=zzz' }),
    );
    expect(out.request.url).toBe(
      `https://chat.qwen.ai/cb?chat_id=42&access_token=${encodeURIComponent('«opaque 7 chars»')}&x=1` +
        `#refresh_token=${encodeURIComponent('«opaque 3 chars»')}`,
    );
    expect(out.tags).toContain('redacted:query');
  });

  it('redacts the password of a URL and keeps the user name', () => {
    const out = redactExchange(withRequest({ url: 'https://me:s3cr3t@chat.qwen.ai/api' }));
    expect(out.request.url).toBe(`https://me:${encodeURIComponent('«opaque 6 chars»')}@chat.qwen.ai/api`);
  });

  it('redacts nested secret JSON fields, numbers included, and leaves every other byte as it was', () => {
    const body = `{
  "model": "qwen3-max", "max_tokens": 100, "token_type": "Bearer", "id": 12345678901234567890,
  "auth": {"password": "hunter2", "pin": 1234, "refresh_token": "r-0123456789"},
  "usage": {"input_tokens": 5, "output_tokens": 7}, "apiKey": 987654
}`;
    const out = redactExchange(withRequest({ body }));
    expect(out.request.body).toBe(
      body
        .replace('"hunter2"', '"«opaque 7 chars»"')
        .replace('"r-0123456789"', '"«opaque 12 chars»"')
        .replace('987654', '"«opaque 6 chars»"'),
    );
    expect(out.tags).toContain('redacted:body');
  });

  it('redacts the values of localStorage dumps, in plain and in Playwright storageState form', () => {
    const state = {
      cookies: [{ name: 'token', value: 'c-secret-value', domain: 'chat.qwen.ai', path: '/', httpOnly: false }],
      origins: [
        {
          origin: 'https://chat.qwen.ai',
          localStorage: [
            { name: 'token', value: 'ls-secret-value' },
            { name: 'theme', value: 'dark' },
          ],
        },
      ],
      localStorage: { token: 'plain-secret', theme: 'dark' },
    };
    const out = JSON.parse(
      redactExchange(withRequest({ body: JSON.stringify(state) })).request.body ?? '',
    ) as typeof state;
    expect(out.cookies[0]).toEqual({ ...state.cookies[0], value: '«opaque 14 chars»' });
    expect(out.origins[0]?.localStorage).toEqual([
      { name: 'token', value: '«opaque 15 chars»' },
      { name: 'theme', value: '«opaque 4 chars»' },
    ]);
    expect(out.localStorage).toEqual({ token: '«opaque 12 chars»', theme: '«opaque 4 chars»' });
    expect(out.origins[0]?.origin).toBe('https://chat.qwen.ai');
  });

  it('redacts form-encoded bodies like query strings', () => {
    const out = redactExchange(
      withRequest({
        headers: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
        body: 'user=me&password=p%40ss&remember=1',
      }),
    );
    expect(out.request.body).toBe(`user=me&password=${encodeURIComponent('«opaque 4 chars»')}&remember=1`);
  });

  it('redacts bare JWTs in free text and in server-sent events, in the body and in the event list', () => {
    const events = [
      { t: 1, data: `{"choices":[{"delta":{"content":"your token is ${TOKEN}."}}]}` },
      { t: 2, data: `plain ${TOKEN}` },
    ];
    const out = redactExchange(
      makeExchange({
        request: { body: `see ${TOKEN}`, headers: [] },
        response: { body: sseBody(events), sse: events },
      }),
    );
    const stand = `«jwt ${TOKEN.length} chars exp 2026-12-01»`;
    expect(out.request.body).toBe(`see ${stand}`);
    expect(out.response?.sse?.map((e) => e.data)).toEqual([
      `{"choices":[{"delta":{"content":"your token is ${stand}."}}]}`,
      `plain ${stand}`,
    ]);
    expect(out.response?.body).toBe(sseBody(out.response?.sse ?? []));
    expect(out.tags).toEqual(expect.arrayContaining(['redacted:body', 'redacted:sse']));
  });

  it('finds a secret echoed under an innocent name once it was seen under a secret one', () => {
    const secret = 'sess-9f8e7d6c5b4a';
    const out = redactExchange(
      makeExchange({
        request: { headers: [{ name: 'Cookie', value: `token=${secret}` }] },
        response: { headers: [], body: `{"debug":"you sent ${secret}"}` },
      }),
    );
    expect(JSON.stringify(out)).not.toContain(secret);
  });

  it('one redactor for a capture carries what it learnt to later exchanges', () => {
    const secret = 'tok-0123456789';
    const redactor = createRedactor();
    redactor.redact(withRequest({ headers: [{ name: 'x-auth-token', value: secret }] }));
    const later = redactor.redact(withRequest({ body: `{"note":"${secret}"}` }));
    expect(later.request.body).toBe('{"note":"«opaque 14 chars»"}');
  });
});

describe('redactExchange: what it leaves alone', () => {
  it('returns an exchange without secrets unchanged and untagged', () => {
    const ex = makeExchange();
    expect(redactExchange(ex)).toBe(ex);
  });

  it('changes nothing the second time, for any exchange', () => {
    fc.assert(
      fc.property(arbitraryExchange(), (ex) => {
        const once = redactExchange(ex);
        expect(redactExchange(once)).toStrictEqual(once);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a redacted capture', () => {
  it('never contains the canary secret, wherever it was placed, and keeps kinds and lengths', async () => {
    const canary = `canary${randomBytes(12).toString('hex')}`;
    const canaryJwt = jwt({ sub: canary, exp: EXP_2026_12_01 });
    const storage = { origins: [{ origin: 'https://chat.qwen.ai', localStorage: [{ name: 'token', value: canary }] }] };
    const events = [
      { t: 5, data: JSON.stringify({ refresh_token: canary, text: `echo ${canary}` }) },
      { t: 6, data: `bare ${canaryJwt}` },
    ];
    const exchanges: Exchange[] = [
      makeExchange({
        request: {
          url: `https://chat.qwen.ai/api/v2/chat/completions?chat_id=1&token=${canary}`,
          headers: [
            { name: 'Authorization', value: `Bearer ${canary}` },
            { name: 'Cookie', value: `token=${canary}; cna=x1` },
            { name: 'Referer', value: `https://chat.qwen.ai/c?access_token=${canary}` },
          ],
          body: JSON.stringify({
            stream: true,
            auth: { password: canary, deep: [{ api_key: canary }] },
            message: `mine is ${canary}`,
          }),
        },
        response: {
          headers: [
            { name: 'Content-Type', value: 'text/event-stream' },
            { name: 'Set-Cookie', value: `token=${canary}; Path=/` },
          ],
          body: sseBody(events),
          sse: events,
        },
      }),
      makeExchange({ request: { body: JSON.stringify(storage), headers: [] }, notes: `logged in with ${canaryJwt}` }),
    ];
    const dir = await mkdtemp(join(tmpdir(), 'qwen-probe-redact-'));
    try {
      const path = join(dir, 'shared.har');
      const writer = await openCaptureWriter(path, { redacted: true });
      for (const ex of exchanges) await writer.append(ex);
      await writer.close();
      const text = await readFile(path, 'utf8');
      expect(text).not.toContain(canary);
      expect(text).not.toContain(canaryJwt.split('.')[1]);
      assertValidHar(JSON.parse(text));

      const [first] = (await readCapture(path)).exchanges;
      const authorization = headerValue(first?.request.headers ?? [], 'authorization');
      expect(authorization).toBe(`Bearer «opaque ${canary.length} chars»`);
      expect(first?.response?.sse?.[1]?.data).toBe(`bare «jwt ${canaryJwt.length} chars exp 2026-12-01»`);
      // Non-secret fields are untouched.
      expect(JSON.parse(first?.request.body ?? '')).toMatchObject({ stream: true });
      expect(first?.request.url).toMatch(/^https:\/\/chat\.qwen\.ai\/api\/v2\/chat\/completions\?chat_id=1&token=/);
      expect(first?.tags).toEqual(
        expect.arrayContaining([
          'redacted:authorization',
          'redacted:cookie',
          'redacted:set-cookie',
          'redacted:query',
          'redacted:body',
          'redacted:sse',
        ]),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a capture that keeps its secrets', () => {
  const HASH = 'a1'.repeat(32);
  const REFRESH = jwt({ id: 'user-1', type: 'refresh', exp: EXP_2026_12_01 });
  const signin = (path: string): Exchange =>
    makeExchange({
      endpoint: 'auths.signin',
      request: {
        url: `https://chat.qwen.ai${path}`,
        headers: [{ name: 'content-type', value: 'application/json' }],
        body: JSON.stringify({ email: 'demo@qwen-probe.test', password: HASH }),
      },
      response: {
        headers: [
          { name: 'content-type', value: 'application/json' },
          { name: 'set-cookie', value: `token=${TOKEN}; Path=/\nrefresh_token=${REFRESH}; Path=/; HttpOnly` },
        ],
        body: JSON.stringify({ token: TOKEN, refresh_token: REFRESH, token_type: 'Bearer', id: 'user-1' }),
        sse: undefined,
      },
    });

  it('drops the password hash, token and refresh token of a v1 or v2 sign-in and of a refresh', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qwen-probe-keep-'));
    try {
      const path = join(dir, 'kept.har');
      const writer = await openCaptureWriter(path, { redacted: false });
      const completion = makeExchange({ request: { headers: [{ name: 'authorization', value: `Bearer ${TOKEN}` }] } });
      for (const ex of [
        signin('/api/v1/auths/signin'),
        signin('/api/v2/auths/signin'),
        signin('/api/v2/auths/refresh'),
        completion,
      ])
        await writer.append(ex);
      await writer.close();
      const [v1, v2, refresh, kept] = (await readCapture(path)).exchanges;
      for (const ex of [v1, v2, refresh]) {
        const text = JSON.stringify(ex);
        expect(text).not.toContain(HASH);
        expect(text).not.toContain(REFRESH);
        expect(text).not.toContain(TOKEN);
        expect(ex?.tags).toEqual(expect.arrayContaining(['redacted:body', 'redacted:set-cookie']));
      }
      // The rest keeps its secrets: that is what such a capture is for (replay).
      expect(headerValue(kept?.request.headers ?? [], 'authorization')).toBe(`Bearer ${TOKEN}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('counts any request with a top-level password field as a credential exchange, and no other', () => {
    expect(isCredentialExchange(withRequest({ url: 'https://x.test/api/session', body: '{"password":"pw"}' }))).toBe(
      true,
    );
    expect(isCredentialExchange(withRequest({ body: '{"messages":[{"content":"\\"password\\": no"}]}' }))).toBe(false);
    expect(isCredentialExchange(withRequest({ url: 'https://x.test/oauth/token' }))).toBe(true);
    expect(isCredentialExchange(withRequest({ url: 'https://x.test/api/v1/auths/' }))).toBe(false);
  });

  it("redacts the firewall's x5secdata in a punish URL by name", () => {
    const out = redactExchange(
      withRequest({ url: 'https://chat.qwen.ai/_____tmd_____/punish?x5secdata=abcdef0123456789abcdef&action=captcha' }),
    );
    expect(out.request.url).not.toContain('abcdef0123456789abcdef');
    expect(out.request.url).toMatch(/action=captcha$/);
  });
});

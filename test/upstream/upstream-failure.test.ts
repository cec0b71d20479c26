import { describe, expect, it } from 'vitest';
import type { Header } from '../../src/exchange/exchange.js';
import {
  classifyResponse,
  explainFailure,
  failureName,
  normaliseDetails,
  type UpstreamFailure,
} from '../../src/upstream/upstream-failure.js';

const json: Header[] = [{ name: 'Content-Type', value: 'application/json' }];
const html: Header[] = [{ name: 'Content-Type', value: 'text/html' }];
const res = (status: number, body?: string, headers: Header[] = json) => ({ status, headers, body });

const INTERNAL =
  '{"success":false,"request_id":"278700b5-2d2b-4e39-9a0c-1d0c7b2f9f11","data":{"code":"Internal_Server_Error","details":"Internal error"}}';
const VALIDATION =
  `{"success":false,"request_id":"r1","data":{"code":"RequestValidationError","details":"[\\"Field ` +
  `'chat_id': Field required\\"]"}}`;
const WAF_HTML =
  '<!doctypehtml><html><head><meta name="aliyun_waf_aa" content="x"><title>Access ' +
  'denied</title></head><body>blocked</body></html>';
const WAF_JSON =
  '{"ret":["FAIL_SYS_USER_VALIDATE","RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试"],"data":{"url":"https://chat.qwen.ai/_____tmd_____/punish?x5secdata=abc"}}';
const RATE =
  `{"success":false,"request_id":"r2","data":{"code":"RateLimited","details":"You've reached the upper ` +
  `limit for today's usage.","num":4}}`;

describe('classifyResponse', () => {
  it('reads an error envelope on a 200 as a failure named by its code', () => {
    const f = classifyResponse(res(200, INTERNAL));
    expect(f).toEqual({
      kind: 'envelope',
      code: 'Internal_Server_Error',
      details: 'Internal error',
      requestId: '278700b5-2d2b-4e39-9a0c-1d0c7b2f9f11',
      httpStatus: 200,
    });
    expect(failureName(f!)).toBe('Internal_Server_Error');
  });

  it('finds the envelope on the first line of the body and inside a data line', () => {
    expect(failureName(classifyResponse(res(200, `${INTERNAL}\ntrailing junk`))!)).toBe('Internal_Server_Error');
    expect(failureName(classifyResponse(res(500, `data: ${INTERNAL}\n\n`))!)).toBe('Internal_Server_Error');
  });

  it('names a validation error by its JSON-encoded list of field messages', () => {
    const f = classifyResponse(res(400, VALIDATION));
    expect(f).toMatchObject({
      kind: 'envelope',
      code: 'RequestValidationError',
      details: "Field 'chat_id': Field required",
      httpStatus: 400,
    });
    expect(failureName(f!)).toBe("RequestValidationError: Field 'chat_id': Field required");
  });

  it('normalises details given as a string, a JSON-encoded list or a list', () => {
    expect(normaliseDetails('Internal error')).toBe('Internal error');
    expect(normaliseDetails('["a", "b"]')).toBe('a; b');
    expect(normaliseDetails(['a', 'b'])).toBe('a; b');
    expect(normaliseDetails('[not json')).toBe('[not json');
    expect(normaliseDetails(undefined)).toBe('');
  });

  it('recognises the Aliyun WAF HTML page even on a 200', () => {
    const f = classifyResponse(res(200, WAF_HTML, html));
    expect(f).toMatchObject({ kind: 'waf', httpStatus: 200 });
    expect(failureName(f!)).toBe('waf');
  });

  it('treats any HTML page on a 2xx as a WAF block but an HTML 502 as an HTTP failure', () => {
    expect(classifyResponse(res(200, '<!DOCTYPE html><html><body>hello</body></html>', html))?.kind).toBe('waf');
    expect(failureName(classifyResponse(res(502, '<html><body>Bad gateway</body></html>', html))!)).toBe('http-502');
  });

  it('recognises the WAF JSON block with FAIL_SYS_USER_VALIDATE', () => {
    const f = classifyResponse(res(200, WAF_JSON));
    expect(f?.kind).toBe('waf');
    expect(explainFailure(f!)).toContain('FAIL_SYS_USER_VALIDATE');
  });

  it('reports 401 and 403 as auth whatever the body', () => {
    expect(classifyResponse(res(401, ''))).toMatchObject({ kind: 'auth', httpStatus: 401 });
    expect(failureName(classifyResponse(res(403, 'nope'))!)).toBe('auth');
  });

  it('reports token words in a 200 body as auth', () => {
    expect(classifyResponse(res(200, '{"detail":"Token has expired"}'))?.kind).toBe('auth');
    expect(classifyResponse(res(200, 'Unauthorized', html))?.kind).toBe('auth');
  });

  it('turns RateLimited into rate-limited with num hours as seconds', () => {
    const f = classifyResponse(res(200, RATE));
    expect(f).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 4 * 3600, requestId: 'r2' });
    expect(failureName(f!)).toBe('rate-limited');
  });

  it('turns HTTP 429 into rate-limited with the Retry-After seconds', () => {
    const f = classifyResponse(res(429, 'slow down', [{ name: 'retry-after', value: '30' }]));
    expect(f).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 30, httpStatus: 429 });
  });

  it('reports an unknown non-2xx body as http-<status>', () => {
    const f = classifyResponse(res(500, 'oops'));
    expect(f).toEqual({ kind: 'http', httpStatus: 500, sample: 'oops' });
    expect(failureName(f!)).toBe('http-500');
  });

  it('reports a transport error, with or without a partial response', () => {
    const err = { code: 'ECONNRESET', message: 'socket hang up' };
    expect(failureName(classifyResponse(undefined, err)!)).toBe('transport:ECONNRESET');
    expect(failureName(classifyResponse(res(200, ''), err)!)).toBe('transport:ECONNRESET');
    expect(classifyResponse(undefined)?.kind).toBe('transport');
  });

  it('finds nothing wrong in an ordinary 2xx JSON body', () => {
    expect(classifyResponse(res(200, '{"success":true,"data":{"id":"c1"}}'))).toBeUndefined();
  });
});

describe('explainFailure and failureName', () => {
  const all: UpstreamFailure[] = [
    { kind: 'envelope', code: 'Bad_Request', details: 'Internal error', httpStatus: 200 },
    { kind: 'in-stream', code: 'token-limit', details: 'Allocated quota exceeded', afterEvents: 3 },
    { kind: 'waf', reason: 'Aliyun WAF block page' },
    { kind: 'auth', reason: 'Invalid token', httpStatus: 401 },
    { kind: 'rate-limited', details: 'limit', retryAfterSeconds: 3600 },
    { kind: 'truncated', reason: 'cut', events: 2 },
    { kind: 'truncated', reason: 'no-finish', events: 2 },
    { kind: 'malformed', reason: 'event data is not JSON', sample: 'x' },
    { kind: 'http', httpStatus: 502, sample: '' },
    { kind: 'transport', code: 'ETIMEDOUT', message: 'timeout' },
  ];

  it('explain every kind in one sentence', () => {
    for (const f of all) expect(explainFailure(f)).toMatch(/^[A-Z].*\.$/);
  });

  it('give short stable names', () => {
    expect(all.map(failureName)).toEqual([
      'Bad_Request',
      'in-stream:token-limit',
      'waf',
      'auth',
      'rate-limited',
      'truncated',
      'truncated',
      'malformed',
      'http-502',
      'transport:ETIMEDOUT',
    ]);
  });
});

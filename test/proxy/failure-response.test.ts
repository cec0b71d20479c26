import { describe, expect, it } from 'vitest';
import { errorForFailure } from '../../src/proxy/failure-response.js';

describe('errorForFailure', () => {
  it('maps an auth refusal to 401 with a hint to sign in again, not retried', () => {
    const e = errorForFailure({ kind: 'auth', reason: 'Token has expired', httpStatus: 401 });
    expect(e).toMatchObject({
      status: 401,
      type: 'authentication_error',
      code: 'upstream_auth',
      headers: { 'x-should-retry': 'false' },
    });
    expect(e.message).toMatch(/login|sign in/i);
  });

  it('maps a rate limit to 429 with retry-after in seconds, not retried when the wait is long', () => {
    expect(errorForFailure({ kind: 'rate-limited', details: 'quota', retryAfterSeconds: 7200 })).toMatchObject({
      status: 429,
      headers: { 'retry-after': '7200', 'x-should-retry': 'false' },
    });
    expect(errorForFailure({ kind: 'rate-limited', details: 'quota' }, { retryAfterSeconds: 12 }).headers).toEqual({
      'retry-after': '12',
    });
  });

  it('maps a WAF block to 502 with the reason', () => {
    const e = errorForFailure({ kind: 'waf', reason: 'Aliyun WAF block page (aliyun_waf_aa)' });
    expect(e).toMatchObject({ status: 502, code: 'upstream_waf', headers: { 'x-should-retry': 'false' } });
    expect(e.message).toContain('aliyun_waf_aa');
  });

  it('maps an error envelope to 502 with the upstream code and request id', () => {
    const e = errorForFailure({
      kind: 'envelope',
      code: 'Internal_Server_Error',
      details: 'Internal error',
      requestId: 'req-9',
    });
    expect(e).toMatchObject({
      status: 502,
      code: 'Internal_Server_Error',
      headers: { 'x-upstream-request-id': 'req-9', 'x-should-retry': 'false' },
    });
    expect(e.message).toContain('req-9');
  });

  it('leaves cut streams and unreachable upstreams to the client retry policy, and times out as 504', () => {
    expect(errorForFailure({ kind: 'truncated', reason: 'cut', events: 3 })).toMatchObject({
      status: 502,
      code: 'upstream_stream_cut',
      headers: {},
    });
    expect(errorForFailure({ kind: 'transport', code: 'ECONNREFUSED', message: 'x' })).toMatchObject({
      status: 502,
      code: 'upstream_unreachable',
    });
    expect(errorForFailure({ kind: 'transport', code: 'ETIMEDOUT', message: 'x' })).toMatchObject({
      status: 504,
      code: 'upstream_timeout',
    });
    const stalled = errorForFailure(
      { kind: 'truncated', reason: 'cut', events: 3 },
      { transport: { code: 'ETIMEDOUT', message: 'no data for 300 ms' } },
    );
    expect(stalled).toMatchObject({ status: 504, code: 'upstream_timeout' });
    expect(stalled.message).toContain('no data for 300 ms');
  });
});

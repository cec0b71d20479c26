import { describe, expect, it } from 'vitest';
import { guardRequest, hostAllowed } from '../../src/proxy/request-guard.js';

const json = { 'content-type': 'application/json', host: '127.0.0.1:3000' };

describe('the request guard of serve', () => {
  it('lets the SDK and curl in: no Origin, a JSON body, an address or localhost as Host', () => {
    expect(guardRequest('POST', '/v1/chat/completions', json).kind).toBe('pass');
    expect(guardRequest('GET', '/v1/models', { host: 'localhost:3000' }).kind).toBe('pass');
    expect(guardRequest('GET', '/v1/models', { host: '[::1]:3000' }).kind).toBe('pass');
    expect(guardRequest('GET', '/health', {}).kind).toBe('pass');
  });

  it('refuses a page: an Origin, or a cross-site Sec-Fetch-Site without one', () => {
    for (const headers of [
      { ...json, origin: 'http://evil.test' },
      { ...json, origin: 'null' },
      { host: '127.0.0.1:3000', 'sec-fetch-site': 'cross-site' },
    ]) {
      const verdict = guardRequest('POST', '/v1/chat/completions', headers);
      expect(verdict).toMatchObject({ kind: 'refuse', error: { status: 403, code: 'origin_not_allowed' } });
    }
    expect(guardRequest('GET', '/v1/models', { host: 'x:1', 'sec-fetch-site': 'same-origin' }).kind).toBe('refuse');
    expect(guardRequest('GET', '/v1/models', { host: '127.0.0.1', 'sec-fetch-site': 'none' }).kind).toBe('pass');
  });

  it('refuses a body that is not JSON, the kind a page sends without a preflight', () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', undefined]) {
      const headers = { host: '127.0.0.1', ...(type ? { 'content-type': type } : {}) };
      expect(guardRequest('POST', '/v1/chat/completions', headers)).toMatchObject({
        kind: 'refuse',
        error: { status: 415 },
      });
    }
    expect(
      guardRequest('POST', '/v1/chat/completions', { ...json, 'content-type': 'application/json; charset=utf-8' }).kind,
    ).toBe('pass');
  });

  it('refuses a rebinding Host unless allowed, and lets an allowed origin in with CORS answers', () => {
    expect(hostAllowed('attacker.test:3000')).toBe(false);
    expect(hostAllowed('attacker.test:3000', ['attacker.test'])).toBe(true);
    expect(guardRequest('GET', '/health', { host: 'attacker.test' })).toMatchObject({ error: { status: 421 } });
    const options = { allowedOrigins: ['https://app.test'] };
    const preflight = guardRequest(
      'OPTIONS',
      '/v1/chat/completions',
      {
        host: '127.0.0.1',
        origin: 'https://app.test',
        'access-control-request-headers': 'content-type, x-stainless-os',
      },
      options,
    );
    expect(preflight).toMatchObject({
      kind: 'preflight',
      headers: {
        'access-control-allow-origin': 'https://app.test',
        'access-control-allow-headers': 'content-type, x-stainless-os',
      },
    });
    expect(
      guardRequest('POST', '/v1/chat/completions', { ...json, origin: 'https://app.test' }, options),
    ).toMatchObject({
      kind: 'pass',
      headers: { 'access-control-allow-origin': 'https://app.test', vary: 'Origin' },
    });
    expect(guardRequest('POST', '/v1/chat/completions', { ...json, origin: 'https://other.test' }, options).kind).toBe(
      'refuse',
    );
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  exchangeToHarEntry,
  exchangesToHar,
  harEntryToExchange,
  harToExchanges,
} from '../../src/exchange/har-codec.js';
import { ProbeError } from '../../src/exchange/errors.js';
import type { HarEntry } from '../../src/exchange/har-types.js';
import { makeExchange } from '../support/make-exchange.js';
import { arbitraryExchange } from '../support/exchange-arbitrary.js';
import { assertValidHar, harProblems } from '../support/har-validator.js';

describe('exchangeToHarEntry', () => {
  it('writes a HAR document that validates against the HAR 1.2 schema', () => {
    const har = exchangesToHar([makeExchange(), makeExchange({ request: { method: 'GET', body: undefined } })]);
    expect(harProblems(har)).toEqual([]);
  });

  it('derives cookies from the Cookie header and the query string from the URL', () => {
    const entry = exchangeToHarEntry(
      makeExchange({
        request: {
          url: 'https://chat.qwen.ai/api/x?a=1&b=hello+world&c=%C3%A9#frag',
          headers: [
            { name: 'Cookie', value: 'cna=abc; token=xyz' },
            { name: 'cookie', value: 'ssxmod=1' },
          ],
        },
      }),
    );
    expect(entry.request.cookies).toEqual([
      { name: 'cna', value: 'abc' },
      { name: 'token', value: 'xyz' },
      { name: 'ssxmod', value: '1' },
    ]);
    expect(entry.request.queryString).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: 'hello world' },
      { name: 'c', value: 'é' },
    ]);
  });

  it('derives response cookies with their attributes from Set-Cookie', () => {
    const entry = exchangeToHarEntry(
      makeExchange({
        response: {
          headers: [
            {
              name: 'Set-Cookie',
              value: 'token=abc; Path=/; Domain=.qwen.ai; Expires=Wed, 01 Jul 2026 00:00:00 GMT; HttpOnly; Secure',
            },
          ],
        },
      }),
    );
    expect(entry.response.cookies).toEqual([
      {
        name: 'token',
        value: 'abc',
        path: '/',
        domain: '.qwen.ai',
        expires: '2026-07-01T00:00:00.000Z',
        httpOnly: true,
        secure: true,
      },
    ]);
  });

  it('fills sizes, mime types and the redirect URL from the exchange', () => {
    const entry = exchangeToHarEntry(
      makeExchange({
        request: { body: '{"a":"é"}' },
        response: {
          status: 302,
          headers: [
            { name: 'Location', value: '/login' },
            { name: 'Content-Type', value: 'text/html' },
          ],
          body: 'moved',
        },
      }),
    );
    expect(entry.request.postData).toEqual({ mimeType: 'application/json', text: '{"a":"é"}' });
    expect(entry.request.bodySize).toBe(10);
    expect(entry.response.content).toEqual({ size: 5, mimeType: 'text/html', text: 'moved' });
    expect(entry.response.redirectURL).toBe('/login');
    expect(entry.response.bodySize).toBe(5);
  });

  it('marks base64 bodies: postData._encoding on the request, content.encoding on the response', () => {
    const bytes = Buffer.from([0x1f, 0x8b, 0, 1, 2]).toString('base64');
    const entry = exchangeToHarEntry(
      makeExchange({
        request: { body: bytes, bodyEncoding: 'base64' },
        response: { body: bytes, bodyEncoding: 'base64', headers: [] },
      }),
    );
    expect(entry.request.postData).toMatchObject({ text: bytes, _encoding: 'base64' });
    expect(entry.request.bodySize).toBe(5);
    expect(entry.response.content).toMatchObject({ size: 5, text: bytes, encoding: 'base64' });
  });

  it('writes a failed exchange without response as Chrome does: status 0, empty content, _error', () => {
    const ex = makeExchange({ response: null, error: { code: 'ECONNRESET', message: 'socket hang up' } });
    const entry = exchangeToHarEntry(ex);
    expect(entry.response).toMatchObject({ status: 0, statusText: '', content: { size: 0, mimeType: 'x-unknown' } });
    expect(entry._error).toEqual({ code: 'ECONNRESET', message: 'socket hang up' });
    assertValidHar(exchangesToHar([ex]));
    expect(harToExchanges(exchangesToHar([ex]))).toStrictEqual([ex]);
  });

  it('keeps HAR timings non-negative and time equal to their sum, whatever the exchange timings', () => {
    const entry = exchangeToHarEntry(makeExchange({ timings: { wait: -1, receive: 20, total: 50 } }));
    expect(entry.timings).toEqual({ send: 0, wait: 0, receive: 20, blocked: 30 });
    expect(entry.time).toBe(50);
    expect(entry._timings).toEqual({ wait: -1, receive: 20, total: 50 });
  });

  it('puts SSE events and chunks on the response', () => {
    const entry = exchangeToHarEntry(makeExchange());
    expect(entry.response._sse?.length).toBe(2);
    expect(entry.response._chunks?.length).toBe(2);
  });
});

describe('HAR round trip', () => {
  it('harToExchanges(exchangesToHar(xs)) deep-equals xs, and the HAR is valid, for any valid exchanges', () => {
    fc.assert(
      fc.property(fc.array(arbitraryExchange(), { maxLength: 4 }), (xs) => {
        const har = exchangesToHar(xs);
        assertValidHar(har);
        // Through JSON text, as on disk.
        expect(harToExchanges(JSON.parse(JSON.stringify(har)))).toStrictEqual(xs);
      }),
      { numRuns: 300 },
    );
  });

  it('a single entry round-trips through harEntryToExchange', () => {
    const ex = makeExchange({ tags: ['a'], notes: 'n', endpoint: 'models' });
    expect(harEntryToExchange(exchangeToHarEntry(ex))).toStrictEqual(ex);
  });
});

describe('harToExchanges', () => {
  it('rejects a document without log.entries with E_CAPTURE_FORMAT', () => {
    expect(() => harToExchanges({ foo: 1 })).toThrow(ProbeError);
    expect(() => harToExchanges({ log: {} })).toThrow(/no log.entries/);
  });

  it('names the entry and the field when an entry is malformed', () => {
    const entry = {
      ...exchangeToHarEntry(makeExchange()),
      request: { url: 'https://x', headers: [] },
    } as unknown as HarEntry;
    expect(() =>
      harToExchanges({
        log: { version: '1.2', creator: { name: 'x', version: '1' }, _formatVersion: 1, entries: [entry, entry] },
      }),
    ).toThrow(/entry 1: request\.method must be a string/);
  });
});

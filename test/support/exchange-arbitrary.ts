/**
 * fast-check generator of valid Exchanges (see the validity rules in src/exchange/har-codec.ts),
 * with absent optional fields really absent (never `key: undefined`). Strings use full Unicode,
 * lone surrogates included, since bodies and headers are whatever went over the wire.
 */
import fc from 'fast-check';
import type { Exchange, ExchangeSource } from '../../src/exchange/exchange.js';

const SOURCES: ExchangeSource[] = ['browser', 'intercept', 'library', 'replay', 'proxy', 'simulator'];

const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const nonEmptyText = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 });
/** ms values as measured: non-negative, fractional; `+ 0` turns a -0 into 0 (JSON has no -0). */
const millis = fc.double({ min: 0, max: 1e7, noNaN: true, noDefaultInfinity: true }).map((x) => x + 0);
const header = fc.record({
  name: fc.oneof(fc.constantFrom('content-type', 'Cookie', 'set-cookie', 'location', 'content-encoding'), anyText),
  value: anyText,
});
const headers = fc.array(header, { maxLength: 6 });
const iso = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

/** A body and its encoding: text of any kind, or base64 of bytes. Absent keys when there is none. */
const body = fc.oneof(
  fc.constant({}),
  anyText.map((text) => ({ body: text })),
  fc
    .uint8Array({ maxLength: 32 })
    .map((bytes) => ({ body: Buffer.from(bytes).toString('base64'), bodyEncoding: 'base64' as const })),
);

const sseEvent = fc.record(
  { t: millis, data: anyText, event: nonEmptyText, id: anyText },
  { requiredKeys: ['t', 'data'] },
);

const request = fc
  .tuple(
    fc.record(
      {
        method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'),
        url: fc.webUrl({ withQueryParameters: true, withFragments: true }),
        httpVersion: fc.constantFrom('HTTP/1.1', 'HTTP/2', 'h3', 'http/2.0'),
        headers,
      },
      { requiredKeys: ['method', 'url', 'headers'] },
    ),
    body,
  )
  .map(([r, b]) => ({ ...r, ...b }));

const response = fc
  .tuple(
    fc.record(
      {
        status: fc.integer({ min: 100, max: 599 }),
        statusText: nonEmptyText,
        httpVersion: fc.constantFrom('HTTP/1.1', 'HTTP/2'),
        headers,
        sse: fc.array(sseEvent, { maxLength: 4 }),
        chunks: fc.array(fc.record({ t: millis, size: fc.nat() }), { maxLength: 4 }),
      },
      { requiredKeys: ['status', 'headers'] },
    ),
    body,
  )
  .map(([r, b]) => ({ ...r, ...b }));

const timing = fc.oneof(fc.constant(-1), millis);

const exchangeRecord = fc.record(
  {
    id: nonEmptyText,
    source: fc.constantFrom(...SOURCES),
    endpoint: anyText,
    tags: fc.array(anyText, { maxLength: 4 }),
    notes: anyText,
    startedAt: iso,
    request,
    response,
    timings: fc.record({ wait: timing, receive: timing, total: timing }, { requiredKeys: [] }),
    error: fc.record({ code: anyText, message: anyText }),
  },
  { requiredKeys: ['id', 'source', 'startedAt', 'request'] },
);

/** Any valid Exchange. */
export function arbitraryExchange(): fc.Arbitrary<Exchange> {
  return exchangeRecord.map((ex) => plain(ex) as Exchange);
}

/** fast-check records have a null prototype; decoded exchanges are plain objects. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

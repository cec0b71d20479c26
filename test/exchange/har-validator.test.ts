import { describe, expect, it } from 'vitest';
import { exchangesToHar } from '../../src/exchange/har-codec.js';
import { makeExchange } from '../support/make-exchange.js';
import { harProblems } from '../support/har-validator.js';

// The validator is shared by every test that writes HAR: it must reject what HAR 1.2 rejects.
describe('the HAR 1.2 validator used by the tests', () => {
  const valid = (): ReturnType<typeof exchangesToHar> => JSON.parse(JSON.stringify(exchangesToHar([makeExchange()])));

  it('accepts a document written by the codec', () => {
    expect(harProblems(valid())).toEqual([]);
  });

  it('rejects an entry without a required field', () => {
    const har = valid() as unknown as { log: { entries: Record<string, unknown>[] } };
    delete har.log.entries[0]!['cache'];
    expect(harProblems(har).join('\n')).toMatch(/cache/);
  });

  it('rejects a non-URI url, a non ISO-8601 start time and a negative wait', () => {
    const har = valid();
    const entry = har.log.entries[0]!;
    entry.request.url = 'https://x/a b«»';
    entry.startedDateTime = 'yesterday';
    entry.timings.wait = -1;
    const problems = harProblems(har).join('\n');
    expect(problems).toMatch(/url.*format|format.*uri/s);
    expect(problems).toMatch(/startedDateTime/);
    expect(problems).toMatch(/wait must be >= 0/);
  });

  it('rejects an entry whose time is not the sum of its timings', () => {
    const har = valid();
    har.log.entries[0]!.time = 1;
    expect(harProblems(har).join('\n')).toMatch(/not the sum of its timings/);
  });
});

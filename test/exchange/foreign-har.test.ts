import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harToExchanges } from '../../src/exchange/har-codec.js';
import { CURRENT_FORMAT_VERSION, MIGRATIONS, migrateHar } from '../../src/exchange/har-migrate.js';
import { readCapture } from '../../src/exchange/capture-reader.js';
import type { HarLog } from '../../src/exchange/har-types.js';
import { ProbeError } from '../../src/exchange/errors.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/exchange');
const load = (name: string): unknown => JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8'));

describe('HAR files from other tools', () => {
  it('loads a Chrome DevTools export: ids from positions, source browser, HAR timings', () => {
    const [models] = harToExchanges(load('chrome-devtools.har'));
    expect(models).toMatchObject({
      id: 'har-1',
      source: 'browser',
      startedAt: '2025-06-01T12:00:01.234Z',
      request: { method: 'GET', url: 'https://chat.qwen.ai/api/models', httpVersion: 'http/2.0' },
      response: { status: 200, body: '{"data":[{"id":"qwen3-max"}]}' },
      timings: { wait: 80.2, receive: 3.0, total: 85.6 },
    });
    expect(models?.request.body).toBeUndefined();
    // HTTP/2 has no reason phrase: Chrome's '' reads as absent.
    expect(models?.response).not.toHaveProperty('statusText');
    expect(models).not.toHaveProperty('error');
  });

  it('reads a Chrome failed request (status 0, response._error) as an exchange with error and no response', () => {
    const failed = harToExchanges(load('chrome-devtools.har'))[1];
    expect(failed).toMatchObject({
      id: 'har-2',
      error: { code: 'ERR_CONNECTION_RESET', message: 'net::ERR_CONNECTION_RESET' },
    });
    expect(failed).not.toHaveProperty('response');
    expect(failed?.request.body).toBe('{"stream":true}');
  });

  it('loads a Playwright recordHar file, including a failed request and a body kept in a side file', () => {
    const [created, aborted] = harToExchanges(load('playwright-record.har'));
    expect(created).toMatchObject({
      id: 'har-1',
      source: 'browser',
      response: { status: 200, statusText: 'OK' },
      timings: { wait: 40.25, receive: 2, total: 42.25 },
    });
    expect(created?.tags).toEqual(['har:body-in-side-file']);
    expect(created?.response?.body).toBeUndefined();
    expect(aborted).toMatchObject({ error: { code: 'ERR_ABORTED' } });
    expect(aborted).not.toHaveProperty('response');
    // Playwright's -1 timings mean "unknown": left out rather than kept as -1.
    expect(aborted).not.toHaveProperty('timings');
  });

  it('readCapture loads a foreign HAR from disk and reports format version 0', async () => {
    const { exchanges, meta } = await readCapture(resolve(FIXTURES, 'chrome-devtools.har'));
    expect(exchanges.map((e) => e.id)).toEqual(['har-1', 'har-2']);
    expect(meta).toMatchObject({ formatVersion: 0, creator: { name: 'WebInspector' }, repaired: false, entryCount: 2 });
  });
});

describe('migrateHar', () => {
  it('has one step per version, in order, up to the current version', () => {
    expect(MIGRATIONS.map((step) => step.from)).toEqual([...Array(CURRENT_FORMAT_VERSION).keys()]);
    for (const step of MIGRATIONS) expect(step.explain).toMatch(/\w/);
  });

  it('brings a foreign log to the current version without changing the input', () => {
    const log = (load('chrome-devtools.har') as { log: HarLog }).log;
    const before = JSON.stringify(log);
    const migrated = migrateHar(log);
    expect(migrated._formatVersion).toBe(CURRENT_FORMAT_VERSION);
    expect(migrated.entries.map((e) => [e._id, e._source])).toEqual([
      ['har-1', 'browser'],
      ['har-2', 'browser'],
    ]);
    expect(JSON.stringify(log)).toBe(before);
  });

  it('gives entries the log source when the log names one', () => {
    const log = { ...(load('chrome-devtools.har') as { log: HarLog }).log, _source: 'intercept' as const };
    expect(harToExchanges({ log }).map((e) => e.source)).toEqual(['intercept', 'intercept']);
  });

  it('refuses a capture written by a newer format with a hint to update', () => {
    const log: HarLog = {
      version: '1.2',
      creator: { name: 'qwen-probe', version: '9' },
      _formatVersion: CURRENT_FORMAT_VERSION + 1,
      entries: [],
    };
    expect(() => migrateHar(log)).toThrow(ProbeError);
    expect(() => migrateHar(log)).toThrow(/newer than this qwen-probe reads/);
  });
});

import { describe, expect, it } from 'vitest';
import { parseRequestInput } from '../../../src/exchange/formats/read-request-input.js';
import { exchangesToHar } from '../../../src/exchange/har-codec.js';
import { browserWebCapture } from '../../diff/support/fixture-captures.js';

describe('parseRequestInput', () => {
  it('reads a HAR capture', () => {
    const input = parseRequestInput(JSON.stringify(exchangesToHar(browserWebCapture())), 'GOOD');
    expect(input.format).toBe('har');
    expect(input.exchanges.map((x) => x.endpoint)).toEqual(['chats.new', 'chat.completions']);
  });

  it('reads a JSON request with headers as an object and the body as a value', () => {
    const input = parseRequestInput(
      JSON.stringify({
        url: 'https://chat.qwen.ai/api/v2/chats/new',
        headers: { Authorization: 'Bearer t', 'X-Multi': ['a', 'b'] },
        body: { models: ['m'] },
      }),
      'BAD',
    );
    expect(input.format).toBe('json');
    expect(input.exchanges[0]!.request).toEqual({
      method: 'POST',
      url: 'https://chat.qwen.ai/api/v2/chats/new',
      headers: [
        { name: 'Authorization', value: 'Bearer t' },
        { name: 'X-Multi', value: 'a' },
        { name: 'X-Multi', value: 'b' },
      ],
      body: '{"models":["m"]}',
    });
  });

  it('reads a list of requests, headers as [name, value] pairs or {name, value} objects', () => {
    const input = parseRequestInput(
      JSON.stringify([
        { method: 'get', url: 'https://x/api/models', headers: [['a', '1']] },
        { request: { url: 'https://x/api/models', headers: [{ name: 'b', value: '2' }] } },
      ]),
      'BAD',
    );
    expect(input.exchanges.map((x) => [x.request.method, x.request.headers[0]?.name])).toEqual([
      ['GET', 'a'],
      ['GET', 'b'],
    ]);
  });

  it('reads a curl command line and notes ignored options', () => {
    const input = parseRequestInput("curl 'https://chat.qwen.ai/api/models' --compressed --retry 3", 'BAD');
    expect(input.format).toBe('curl');
    expect(input.notes).toEqual(['BAD: curl options ignored: --retry 3']);
  });

  it('says clearly what is wrong with unusable input', () => {
    expect(() => parseRequestInput('', 'GOOD')).toThrow(/GOOD is empty/);
    expect(() => parseRequestInput('{"log": ', 'GOOD')).toThrow(/GOOD is not valid JSON/);
    expect(() => parseRequestInput('{"log": {}}', 'GOOD')).toThrow(/log.entries/);
    expect(() => parseRequestInput('{"method":"GET"}', 'BAD')).toThrow(/expected an object with a "url"/);
    expect(() => parseRequestInput('[]', 'BAD')).toThrow(/empty list/);
    expect(() => parseRequestInput('hello world', 'BAD')).toThrow(
      /neither a HAR capture, a JSON request nor a curl command/,
    );
    try {
      parseRequestInput('{', 'GOOD');
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_INPUT', exitCode: 2 });
    }
  });

  it('notes text that was not valid UTF-8', () => {
    const text = Buffer.from([
      0x63, 0x75, 0x72, 0x6c, 0x20, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x78, 0x2f, 0xff,
    ]).toString('utf8');
    expect(parseRequestInput(text, 'BAD').notes[0]).toMatch(/not valid UTF-8/);
  });
});

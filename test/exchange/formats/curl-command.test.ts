import { describe, expect, it } from 'vitest';
import { parseCurl, shellWords } from '../../../src/exchange/formats/curl-command.js';
import { headerList } from '../../support/header-list.js';

describe('parseCurl', () => {
  it('reads the DevTools "Copy as cURL (bash)" form: backslash-newlines, single quotes, $\'…\' bodies', () => {
    const text = [
      "curl 'https://chat.qwen.ai/api/v2/chat/completions?chat_id=abc' \\",
      "  -H 'accept: text/event-stream' \\",
      "  -H 'authorization: Bearer x.y.z' \\",
      "  -b 'token=x.y.z; ssxmod_itna=1-abc' \\",
      '  --data-raw $\'{"content":"it\\\'s \\\\n fine"}\'',
    ].join('\n');
    const { request } = parseCurl(text);
    expect(request).toEqual({
      method: 'POST',
      url: 'https://chat.qwen.ai/api/v2/chat/completions?chat_id=abc',
      headers: headerList({
        accept: 'text/event-stream',
        authorization: 'Bearer x.y.z',
        Cookie: 'token=x.y.z; ssxmod_itna=1-abc',
      }),
      body: '{"content":"it\'s \\n fine"}',
    });
  });

  it('honours -X, double quotes with escapes, attached short options and --json', () => {
    const { request } = parseCurl('curl -XPUT "https://x/api/a?q=\\"1\\"" -H"X-A: 1" --json \'{"a":1}\'');
    expect(request.method).toBe('PUT');
    expect(request.url).toBe('https://x/api/a?q="1"');
    expect(request.headers).toEqual([
      { name: 'X-A', value: '1' },
      { name: 'Content-Type', value: 'application/json' },
      { name: 'Accept', value: 'application/json' },
    ]);
    expect(request.body).toBe('{"a":1}');
  });

  it('joins several -d with & and moves them to the query with -G', () => {
    expect(parseCurl('curl https://x/api/a -d a=1 -d b=2').request.body).toBe('a=1&b=2');
    const get = parseCurl('curl -G https://x/api/a -d a=1').request;
    expect([get.method, get.url, get.body]).toEqual(['GET', 'https://x/api/a?a=1', undefined]);
  });

  it('ignores output options, stops at a pipe and adds a scheme to a bare host', () => {
    const { request, ignored } = parseCurl('curl -sSL --max-time 5 chat.qwen.ai/api/models -o out.json | jq .');
    expect(request.url).toBe('http://chat.qwen.ai/api/models');
    expect(ignored).toEqual(['--max-time 5', '-o out.json']);
  });

  it('refuses what a pasted command cannot carry, with a clear message', () => {
    expect(() => parseCurl('curl https://x -d @body.json')).toThrow(/reads a file/);
    expect(() => parseCurl('curl https://x -b cookies.txt')).toThrow(/cookie file/);
    expect(() => parseCurl("curl 'https://x")).toThrow(/never closed/);
    expect(() => parseCurl('wget https://x')).toThrow(/not a curl command/);
    expect(() => parseCurl('curl -H "a: b"')).toThrow(/no URL/);
  });

  it('splits words like bash, comments included', () => {
    expect(shellWords('a \'b c\' "d\\"e" f\\ g # comment\nh')).toEqual(['a', 'b c', 'd"e', 'f g', 'h']);
  });
});

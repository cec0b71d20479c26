import { describe, expect, it } from 'vitest';
import { effectiveIncludes, hostMatcher, parseMapping, parseMappings } from '../../src/capture/intercept/host-rules.js';

describe('parseMapping', () => {
  it('reads HOST=URL into a host and a target origin with its default port', () => {
    expect(parseMapping('Chat.Qwen.AI=http://127.0.0.1:8787')).toEqual({
      host: 'chat.qwen.ai',
      protocol: 'http',
      targetHostname: '127.0.0.1',
      targetPort: 8787,
      origin: 'http://127.0.0.1:8787',
    });
    expect(parseMapping('a.test=https://staging.example').targetPort).toBe(443);
  });

  it.each([
    ['chat.qwen.ai', 'expected HOST=URL'],
    ['chat.qwen.ai=127.0.0.1:8787', 'needs a scheme, e.g. http://127.0.0.1:8787'],
    ['chat.qwen.ai=http://127.0.0.1:8787/api', 'without a path'],
    ['chat.qwen.ai=ftp://x', 'http:// or https://'],
    ['bad host=http://x', 'not a hostname'],
    ['a.test=http://[::1]:80', 'IPv6'],
  ])('refuses %s with a usage error that says why', (spec, why) => {
    expect(() => parseMapping(spec)).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining(why) }),
    );
  });

  it('refuses the same host mapped twice', () => {
    expect(() => parseMappings(['a.test=http://x', 'A.test=http://y'])).toThrow(/more than once/);
  });
});

describe('effectiveIncludes', () => {
  it('defaults to the target host plus every mapped host', () => {
    expect(effectiveIncludes(undefined, parseMappings(['lib.test=http://127.0.0.1:1']))).toEqual([
      'chat.qwen.ai',
      'lib.test',
    ]);
  });

  it('uses the given patterns instead, lower-cased and deduplicated', () => {
    expect(effectiveIncludes(['*.Example.com', 'x.test', 'X.TEST'], [])).toEqual(['*.example.com', 'x.test']);
  });

  it('refuses a pattern that is not a host, *.domain or *', () => {
    expect(() => effectiveIncludes(['http://x.test'], [])).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });
});

describe('hostMatcher', () => {
  it('matches exact hosts, subdomains of *.domain (not the domain itself), and everything for *', () => {
    const matches = hostMatcher(['chat.qwen.ai', '*.example.com']);
    expect(matches('CHAT.qwen.ai')).toBe(true);
    expect(matches('api.example.com')).toBe(true);
    expect(matches('example.com')).toBe(false);
    expect(matches('qwen.ai')).toBe(false);
    expect(hostMatcher(['*'])('anything.test')).toBe(true);
  });
});

/** DevTools' "Copy as …" snippets: cURL (bash and cmd), fetch (Node.js and browser), PowerShell. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCmdQuoted, parseCurl, undoCmdQuoting } from '../../../src/exchange/formats/curl-command.js';
import { looksLikeFetchSnippet, parseFetchSnippet } from '../../../src/exchange/formats/fetch-snippet.js';
import {
  looksLikePowerShellSnippet,
  parsePowerShellSnippet,
} from '../../../src/exchange/formats/powershell-snippet.js';
import type { ExchangeRequest } from '../../../src/exchange/exchange.js';

const DEVTOOLS = resolve(import.meta.dirname, '../../../fixtures/foreign/chrome-devtools');
const text = (name: string) => readFileSync(resolve(DEVTOOLS, name), 'utf8');
const header = (request: ExchangeRequest, name: string) =>
  request.headers.find((h) => h.name.toLowerCase() === name)?.value;

describe('DevTools snippets of one request read alike', () => {
  const requests = {
    bash: parseCurl(text('copy-as-curl-bash-bad.sh')).request,
    cmd: parseCurl(text('copy-as-curl-cmd-bad.cmd')).request,
    fetch: parseFetchSnippet(text('copy-as-fetch-nodejs-bad.js')),
    powershell: parsePowerShellSnippet(text('copy-as-powershell-bad.ps1')),
  };

  it.each(Object.entries(requests))('%s: method, URL, the JSON body, token and cookies', (_, request) => {
    expect(request.method).toBe('POST');
    expect(request.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api\/v2\/chat\/completions\?chat_id=[0-9a-f-]{36}$/);
    const body = JSON.parse(request.body!);
    expect(body.messages[0]).toMatchObject({ chat_type: 'text', content: 'What is the simulator?' });
    expect(header(request, 'authorization')).toMatch(/^Bearer eyJ/);
    expect(header(request, 'cookie')).toMatch(/(^|; )token=eyJ/);
    expect(header(request, 'content-type')).toBe('application/json');
  });

  it('all four carry the same body', () => {
    const bodies = Object.values(requests).map((r) => JSON.parse(r.body!));
    for (const body of bodies) expect(body).toEqual(bodies[0]);
  });

  it("names DevTools' plain authority/method/path/scheme headers back as pseudo-headers", () => {
    expect(header(requests.bash, ':authority')).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(header(requests.bash, 'authority')).toBeUndefined();
    expect(requests.powershell.headers.filter((h) => h.name.startsWith(':')).map((h) => h.name)).toEqual([
      ':authority',
      ':method',
      ':path',
      ':scheme',
    ]);
  });

  it('PowerShell: the session carries the user agent and the cookies; backtick escapes undone', () => {
    expect(header(requests.powershell, 'user-agent')).toMatch(/HeadlessChrome/);
    expect(header(requests.powershell, 'sec-ch-ua')).toBe('"Not:A-Brand";v="8", "Chromium";v="156"');
    expect(header(requests.powershell, 'cookie')).toMatch(/^ssxmod_itna=1-.*; ssxmod_itna2=1-.*; token=eyJ/);
  });
});

describe('cmd quoting', () => {
  it('is recognised and undone to bash-style quoting', () => {
    expect(isCmdQuoted('curl "https://x" ^\r\n  -H "a: b"')).toBe(true);
    expect(isCmdQuoted("curl 'https://x' -d '^x'")).toBe(false);
    expect(undoCmdQuoting('curl "https://x" ^\r\n  --data-raw "^{^\\^"a^\\^":^[1^]^}"')).toBe(
      'curl "https://x"   --data-raw "{\\"a\\":[1]}"',
    );
    expect(parseCurl('curl "https://x/api" ^\r\n  --data-raw "^{^\\^"a^\\^":1^}"').request.body).toBe('{"a":1}');
  });
});

describe('fetch snippets', () => {
  it('reads the browser variant: referrer becomes Referer, a null body is no body', () => {
    const snippet =
      'fetch("https://x/api/models", {\n  "headers": {"accept": "*/*"},\n  "referrer": "https://x/",\n' +
      '  "body": null,\n  "method": "GET",\n  "mode": "cors",\n  "credentials": "include"\n});';
    expect(looksLikeFetchSnippet(snippet)).toBe(true);
    expect(parseFetchSnippet(snippet)).toEqual({
      method: 'GET',
      url: 'https://x/api/models',
      headers: [
        { name: 'accept', value: '*/*' },
        { name: 'Referer', value: 'https://x/' },
      ],
    });
  });

  it('says what it cannot read', () => {
    expect(() => parseFetchSnippet('fetch("https://x", {headers: {a: 1}})')).toThrow(/not JSON as DevTools writes it/);
    expect(() => parseFetchSnippet('fetch("/relative")')).toThrow(/not an absolute URL/);
    expect(() => parseFetchSnippet('fetch("https://x"); fetch("https://y")')).toThrow(/nothing else/);
  });
});

describe('PowerShell snippets', () => {
  it('reads a body given as UTF-8 bytes, single-quoted strings and a minimal call', () => {
    const snippet =
      "Invoke-WebRequest -UseBasicParsing -Uri 'https://x/api/a' `\n-Method POST `\n" +
      '-Headers @{ "x-a"="it`"s" } `\n-Body ([System.Text.Encoding]::UTF8.GetBytes("{`"a`":1}"))';
    expect(looksLikePowerShellSnippet(snippet)).toBe(true);
    expect(parsePowerShellSnippet(snippet)).toEqual({
      method: 'POST',
      url: 'https://x/api/a',
      headers: [{ name: 'x-a', value: 'it"s' }],
      body: '{"a":1}',
    });
  });

  it('names the line of a string that never closes', () => {
    expect(() =>
      parsePowerShellSnippet('Invoke-WebRequest -Uri "https://x\n-Method "GET"\n-Headers @{\n"a"="b'),
    ).toThrow(/PowerShell snippet, line \d+: /);
    expect(() =>
      parsePowerShellSnippet('$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession'),
    ).toThrow(/no Invoke-WebRequest/);
  });
});

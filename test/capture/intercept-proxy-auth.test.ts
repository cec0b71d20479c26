/**
 * `intercept --proxy-auth USER:PASS`: a client without the credentials gets 407 (plain requests and
 * CONNECT tunnels alike) and nothing is recorded; one with them goes through, HTTPS included.
 */
import { connect } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntercept, type InterceptProxy } from '../../src/capture/intercept/intercept-proxy.js';
import { headIsAuthorised, parseProxyAuth } from '../../src/capture/intercept/proxy-auth-gate.js';
import type { CaMaterial } from '../../src/capture/intercept/ca-store.js';
import { proxyAgent, sharedTestCa, startUpstream } from './intercept-support.js';

let ca: CaMaterial;
let proxy: InterceptProxy;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
const recorded: string[] = [];

beforeAll(async () => {
  ca = await sharedTestCa();
  upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  proxy = await startIntercept({
    host: '127.0.0.1',
    port: 0,
    ca,
    map: [`api.example=${upstream.url}`],
    proxyAuth: 'probe:s3cret:with-colon',
    onExchange: (e) => recorded.push(e.request.url),
  });
});

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
});

/** Sends raw bytes to the proxy and returns its first response line. */
function rawStatusLine(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxy.port, '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) {
        resolve(got.split('\r\n', 1)[0]!);
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;

describe('intercept --proxy-auth', () => {
  it('answers 407 to a client without credentials or with wrong ones, for requests and tunnels', async () => {
    expect(await rawStatusLine('GET http://api.example/x HTTP/1.1\r\nHost: api.example\r\n\r\n')).toBe(
      'HTTP/1.1 407 Proxy Authentication Required',
    );
    expect(
      await rawStatusLine(
        `CONNECT api.example:443 HTTP/1.1\r\nHost: api.example:443\r\nProxy-Authorization: ${basic('probe:nope')}\r\n\r\n`,
      ),
    ).toBe('HTTP/1.1 407 Proxy Authentication Required');
    expect(recorded).toEqual([]);
  });

  it('lets a client with the credentials through, HTTPS tunnels included', async () => {
    const plain = await request('http://api.example/plain', {
      dispatcher: proxyAgent(`http://probe:s3cret:with-colon@127.0.0.1:${proxy.port}`),
    });
    expect(plain.statusCode).toBe(200);
    expect(await plain.body.text()).toBe('{"ok":true}');
    const tunnel = await rawStatusLine(
      `CONNECT api.example:443 HTTP/1.1\r\nHost: api.example:443\r\nProxy-Authorization: ${basic('probe:s3cret:with-colon')}\r\n\r\n`,
    );
    expect(tunnel).toMatch(/^HTTP\/1\.1 200/);
    await expect.poll(() => recorded).toContain('http://api.example/plain');
  });

  it('reads USER:PASS strictly and compares credentials exactly', () => {
    expect(() => parseProxyAuth('nocolon')).toThrow(/USER:PASS/);
    expect(() => parseProxyAuth(':pass')).toThrow(/USER:PASS/);
    const expected = Buffer.from('u:p');
    expect(headIsAuthorised(`GET / HTTP/1.1\r\nproxy-authorization: ${basic('u:p')}`, expected)).toBe(true);
    expect(headIsAuthorised(`GET / HTTP/1.1\r\nProxy-Authorization: ${basic('u:pp')}`, expected)).toBe(false);
    expect(headIsAuthorised('GET / HTTP/1.1\r\nHost: x', expected)).toBe(false);
  });
});

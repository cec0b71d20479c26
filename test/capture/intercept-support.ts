/**
 * Helpers for the intercept tests: one CA shared by every test run (generating one costs seconds),
 * clients that go through the proxy (undici over HTTP/1.1, Node's http2 over a CONNECT tunnel), and
 * a tiny scriptable upstream on loopback.
 */
import http from 'node:http';
import http2 from 'node:http2';
import tls from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyAgent } from 'undici';
import { loadOrCreateCa, type CaMaterial } from '../../src/capture/intercept/ca-store.js';
import type { Exchange } from '../../src/exchange/exchange.js';

/** The CA every intercept test trusts; kept in the temp dir so later runs reuse it. */
export function sharedTestCa(): Promise<CaMaterial> {
  return loadOrCreateCa(join(tmpdir(), 'qwen-probe-intercept-test-ca'));
}

/** An undici dispatcher that sends everything through the proxy and trusts `ca` (or nothing extra). */
export function proxyAgent(proxyUrl: string, ca?: string): ProxyAgent {
  return new ProxyAgent({ uri: proxyUrl, ...(ca ? { requestTls: { ca } } : {}) });
}

/** A loopback HTTP server driven by `handler`; `close()` also ends open connections. */
export async function startUpstream(
  handler: http.RequestListener,
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Exchanges as the proxy hands them over, with a way to wait for the n-th. */
export function exchangeSink(): {
  list: Exchange[];
  push(ex: Exchange): void;
  waitFor(n: number, timeoutMs?: number): Promise<Exchange[]>;
} {
  const list: Exchange[] = [];
  const waiters: { n: number; done: (l: Exchange[]) => void }[] = [];
  return {
    list,
    push(ex) {
      list.push(ex);
      for (const w of waiters.filter((w) => list.length >= w.n)) w.done(list);
    },
    waitFor(n, timeoutMs = 10_000) {
      if (list.length >= n) return Promise.resolve(list);
      return new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`waited for ${n} exchanges, got ${list.length}`)), timeoutMs);
        waiters.push({ n, done: (l) => (clearTimeout(timer), done(l)) });
      });
    },
  };
}

/** GET over HTTP/2 through the proxy: CONNECT, TLS with ALPN h2 only, then an h2 session. */
export async function http2GetThroughProxy(
  proxyPort: number,
  host: string,
  path: string,
  ca: string,
): Promise<{ status: number; body: string; alpn: string | false | null }> {
  const socket = await new Promise<Socket>((done, fail) => {
    const req = http.request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: `${host}:443` });
    req.once('connect', (res, s) =>
      res.statusCode === 200 ? done(s) : fail(new Error(`CONNECT answered ${res.statusCode}`)),
    );
    req.once('error', fail);
    req.end();
  });
  const secure = tls.connect({ socket, servername: host, ALPNProtocols: ['h2'], ca });
  await new Promise<void>((done, fail) => secure.once('secureConnect', done).once('error', fail));
  const session = http2.connect(`https://${host}`, { createConnection: () => secure });
  try {
    return await new Promise((done, fail) => {
      const stream = session.request({ ':method': 'GET', ':path': path });
      let status = 0;
      let body = '';
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.setEncoding('utf8').on('data', (d: string) => (body += d));
      stream.on('end', () => done({ status, body, alpn: secure.alpnProtocol }));
      stream.on('error', fail);
    });
  } finally {
    session.close();
  }
}

/**
 * `intercept --proxy-auth USER:PASS`: a gate in front of mockttp that lets a connection in only when
 * its first request carries `Proxy-Authorization: Basic base64(USER:PASS)`, and answers every other
 * one `407 Proxy Authentication Required`, as proxies do. mockttp has no such option; the gate owns
 * the listening socket, reads the first request head, and hands the socket (bytes put back) to
 * mockttp's own server, which serves CONNECT tunnels and plain proxy requests as before.
 *
 * One check per connection: what follows on an admitted connection (the tunnel's TLS, further
 * keep-alive requests) belongs to the client that proved it knows the password.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { ProbeError } from '../../exchange/errors.js';

/** Longest request head the gate reads before giving up on a connection. */
const MAX_HEAD_BYTES = 64 * 1024;

const REFUSAL_BODY = 'this proxy needs credentials (qwen-probe intercept --proxy-auth)\n';
const REFUSAL =
  'HTTP/1.1 407 Proxy Authentication Required\r\n' +
  'Proxy-Authenticate: Basic realm="qwen-probe intercept"\r\n' +
  'Content-Type: text/plain; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(REFUSAL_BODY)}\r\n` +
  'Connection: close\r\n\r\n' +
  REFUSAL_BODY;

/** `USER:PASS` as given to `--proxy-auth`; E_USAGE when either part is missing (the value is never quoted). */
export function parseProxyAuth(value: string): string {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1)
    throw new ProbeError('E_USAGE', '--proxy-auth takes USER:PASS (both parts, joined by the first colon)');
  return value;
}

/** The credentials of a `Proxy-Authorization: Basic …` header in a request head, if any. */
function proxyCredentials(head: string): Buffer | undefined {
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim().toLowerCase() !== 'proxy-authorization') continue;
    const m = /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(line.slice(colon + 1));
    return m ? Buffer.from(m[1]!, 'base64') : undefined;
  }
  return undefined;
}

/** True when `head` proves it knows `expected`; compared in constant time. */
export function headIsAuthorised(head: string, expected: Buffer): boolean {
  const given = proxyCredentials(head);
  return given !== undefined && given.length === expected.length && timingSafeEqual(given, expected);
}

/** A listening-socket owner that admits authorised connections into `inner` (see the module comment). */
export function proxyAuthGate(inner: Server, userPass: string): Server {
  const expected = Buffer.from(parseProxyAuth(userPass));
  const gate = createServer((socket: Socket) => {
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    // Paused-mode reads, as mockttp's own connection sniffing does: the socket is handed over
    // exactly as it arrived, never switched to flowing mode here.
    const readHead = (): void => {
      for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null)
        buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        // A TLS hello or an HTTP/2 preface carries no proxy credentials: refused outright.
        if (buffered[0] === 0x16 || buffered.length > MAX_HEAD_BYTES) socket.destroy();
        else socket.once('readable', readHead);
        return;
      }
      const head = buffered.subarray(0, end).toString('latin1');
      if (!headIsAuthorised(head, expected)) {
        socket.end(REFUSAL);
        return;
      }
      socket.unshift(buffered);
      inner.emit('connection', socket);
    };
    socket.once('readable', readHead);
  });
  // mockttp asks its own server for the listening address (to tell requests to itself from proxied
  // ones); the gate listens in its place, so the gate's address is the answer.
  inner.address = () => gate.address();
  return gate;
}

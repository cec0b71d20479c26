/**
 * `startIntercept`: an HTTPS-intercepting proxy (mockttp) that records any client's traffic as
 * Exchanges, optionally into a capture file, while passing every byte through as it arrives.
 *
 * How the pieces fit:
 * - TLS is intercepted only for the recorded hosts and the mapped ones (`tlsInterceptOnly`); every
 *   other HTTPS host is tunnelled untouched, so background noise neither needs our CA nor lands in
 *   the capture.
 * - `--map` is a passthrough rule with `transformRequest` (never `beforeRequest`/`beforeResponse`:
 *   the latter buffers whole responses, the former whole requests). The target sees the original
 *   Host header, as with a DNS override; the capture keeps the URL the client asked for.
 * - Connection failures are mirrored to the client (`simulateConnectionErrors`): a reset upstream is
 *   a reset for the client, a host that cannot be resolved fails at once, and the capture records why.
 */
import type { AddressInfo, Server } from 'node:net';
import { getLocal, type Mockttp } from 'mockttp';
import type { Exchange } from '../../exchange/exchange.js';
import { ProbeError } from '../../exchange/errors.js';
import { loadOrCreateCa, type CaMaterial } from './ca-store.js';
import { effectiveIncludes, hostMatcher, parseMappings, type HostMapping } from './host-rules.js';
import { ExchangeRecorder } from './exchange-recorder.js';
import { formatClientSettings } from './client-settings.js';
import { openCaptureSink } from './capture-sink.js';
import { proxyAuthGate } from './proxy-auth-gate.js';
import { routeMockttpErrors } from './mockttp-log.js';

/** Options of `startIntercept`; every field has a default. */
export interface InterceptOptions {
  /** Port to listen on (default 8080; 0 picks a free one). */
  readonly port?: number;
  /** Interface to listen on (default 127.0.0.1): an intercepting proxy should not face the network. */
  readonly host?: string;
  /** Where the CA lives (default `.qwen-probe/ca`). Ignored when `ca` is given. */
  readonly caDir?: string;
  /** A CA already loaded (tests share one instead of touching the disk). */
  readonly ca?: CaMaterial;
  /** `HOST=URL` mappings, as on the command line. */
  readonly map?: readonly string[];
  /** Hosts to record (`host`, `*.domain`, `*`); default the target hosts plus the mapped hosts. */
  readonly include?: readonly string[];
  /** Capture file to write; without it exchanges only reach `onExchange`. */
  readonly out?: string;
  /** Replace `out` if it exists (default: refuse). */
  readonly overwrite?: boolean;
  /** Redact secrets before they reach the file. */
  readonly redact?: boolean;
  /** `USER:PASS`: clients must send it as `Proxy-Authorization: Basic …`, else they get 407. */
  readonly proxyAuth?: string;
  /** HTTP/2 towards clients: true (default) when they offer it, 'fallback' only when they offer nothing else. */
  readonly http2?: boolean | 'fallback';
  /** Called for every recorded exchange, after it was queued for the file. */
  readonly onExchange?: (exchange: Exchange) => void;
  /** Called for failures that do not stop the proxy (a write that failed, a bug in one exchange). */
  readonly onError?: (error: unknown) => void;
}

/** A running intercepting proxy. */
export interface InterceptProxy {
  /** `http://HOST:PORT`, what clients use as their proxy. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly caCertPath: string;
  /** SPKI hash of the CA for Chromium's `--ignore-certificate-errors-spki-list`. */
  readonly spki: string;
  readonly capturePath?: string;
  readonly include: readonly string[];
  readonly mappings: readonly HostMapping[];
  /** Exchanges recorded so far. */
  readonly exchanges: number;
  /** The start-up text for users (see `formatClientSettings`). */
  settings(): string[];
  /** Stops accepting, waits for recorded exchanges to be written, closes the capture. Idempotent. */
  close(): Promise<void>;
}

/** Starts the proxy; resolves once it listens. Throws `E_USAGE`/`E_INPUT` for bad options or a busy port. */
export async function startIntercept(options: InterceptOptions = {}): Promise<InterceptProxy> {
  const host = options.host ?? '127.0.0.1';
  const mappings = parseMappings(options.map ?? []);
  const include = effectiveIncludes(options.include, mappings);
  const isIncluded = hostMatcher(include);
  const byHost = new Map(mappings.map((m) => [m.host, m]));
  const ca = options.ca ?? (await loadOrCreateCa(options.caDir));
  const reportError = options.onError ?? (() => undefined);
  const sink = await openCaptureSink({ ...options, onError: reportError });
  const unrouteMockttpErrors = routeMockttpErrors((message) => reportError(new Error(message)));
  const recorder = new ExchangeRecorder({
    isIncluded,
    mappingFor: (h) => byHost.get(h.toLowerCase()),
    tlsHint: tlsHintFor(ca),
    onError: reportError,
    onExchange: (exchange) => sink.push(exchange),
  });

  const interceptHosts = include.includes('*') ? undefined : [...new Set([...include, ...mappings.map((m) => m.host)])];
  const server = getLocal({
    https: {
      key: ca.key,
      cert: ca.cert,
      ...(interceptHosts ? { tlsInterceptOnly: interceptHosts.map((hostname) => ({ hostname })) } : {}),
    },
    http2: options.http2 ?? true,
    recordTraffic: false, // we keep what we need; mockttp's own log would grow without bound
    suggestChanges: false,
    cors: false,
  });
  let gate: Server | undefined;
  try {
    await addRules(server, mappings);
    // Not `request`/`response`: see exchange-recorder.ts for why the chunk events are enough.
    await server.on('request-initiated', (r) => recorder.onRequestInitiated(r));
    await server.on('request-body-data', (d) => recorder.onRequestBodyData(d));
    await server.on('response-initiated', (r) => recorder.onResponseInitiated(r));
    await server.on('response-body-data', (d) => recorder.onResponseBodyData(d));
    await server.on('abort', (r) => recorder.onAbort(r));
    await server.on('tls-client-error', (f) => recorder.onTlsClientError(f));
    await server.start(0);
    gate = await rebind(server, host, options.port ?? 8080, options.proxyAuth);
  } catch (error) {
    await server.stop().catch(() => undefined);
    await sink.close().catch(() => undefined);
    unrouteMockttpErrors();
    throw error;
  }

  const port = gate ? (gate.address() as AddressInfo).port : server.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    caCertPath: ca.certPath,
    spki: ca.spki,
    ...(options.out ? { capturePath: options.out } : {}),
    include,
    mappings,
    get exchanges() {
      return sink.count;
    },
    settings: () =>
      formatClientSettings({
        proxyUrl: url,
        caCertPath: ca.certPath,
        spki: ca.spki,
        include,
        mappings,
        ...(options.out ? { capturePath: options.out } : {}),
      }),
    close: () =>
      (closing ??= (async () => {
        if (gate) await new Promise<void>((done) => gate!.close(() => done()));
        await server.stop().catch(reportError);
        // mockttp dispatches its events on later ticks: let the last ones in before draining.
        await new Promise((done) => setImmediate(done));
        await recorder.drain();
        await sink.close();
        unrouteMockttpErrors();
      })()),
  };
}

/** Sentences added to a TLS failure: how to make a client trust this CA. */
function tlsHintFor(ca: CaMaterial): string {
  return (
    `Trust ${ca.certPath} (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE/REQUESTS_CA_BUNDLE, curl --cacert) or, for ` +
    `Chromium, pass --ignore-certificate-errors-spki-list=${ca.spki}.`
  );
}

async function addRules(server: Mockttp, mappings: readonly HostMapping[]): Promise<void> {
  for (const m of mappings) {
    const loopback = m.targetHostname === 'localhost' || m.targetHostname.startsWith('127.');
    await server
      .forAnyRequest()
      .forHostname(m.host)
      .always()
      .thenPassThrough({
        simulateConnectionErrors: true,
        transformRequest: {
          setProtocol: m.protocol,
          replaceHost: { targetHost: `${m.targetHostname}:${m.targetPort}`, updateHostHeader: false },
        },
        // A local https target (a dev server) nearly always has a self-signed certificate.
        ...(loopback && m.protocol === 'https' ? { ignoreHostHttpsErrors: [m.targetHostname] } : {}),
      });
  }
  // `.always()`: a mockttp rule otherwise yields to later rules after its first match.
  await server.forAnyRequest().always().thenPassThrough({ simulateConnectionErrors: true });
  await server.forAnyWebSocket().always().thenPassThrough();
}

/**
 * mockttp 4.6 always listens on every interface; an intercepting proxy must not. Move its listening
 * socket to the requested interface and port (connections are handled by the same server object).
 */
async function rebind(server: Mockttp, host: string, port: number, proxyAuth?: string): Promise<Server | undefined> {
  const mockttpServer = (server as unknown as { server?: Server }).server;
  if (!mockttpServer || typeof mockttpServer.listen !== 'function')
    throw new ProbeError('E_INTERNAL', 'mockttp internals changed: cannot choose the listening interface');
  await new Promise<void>((done) => mockttpServer.close(() => done()));
  // With --proxy-auth the gate owns the socket and hands admitted connections to mockttp's server.
  const gate = proxyAuth !== undefined ? proxyAuthGate(mockttpServer, proxyAuth) : undefined;
  const inner = gate ?? mockttpServer;
  await new Promise<void>((done, fail) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const busy = error.code === 'EADDRINUSE';
      fail(
        new ProbeError(
          'E_USAGE',
          busy ? `port ${port} on ${host} is already in use` : `cannot listen on ${host}:${port}: ${error.message}`,
          {
            ...(busy ? { hint: 'Pick another --port (0 picks a free one).' } : {}),
            cause: error,
          },
        ),
      );
    };
    inner.once('error', onError);
    inner.listen(port, host, () => {
      inner.off('error', onError);
      done();
    });
  });
  return gate;
}

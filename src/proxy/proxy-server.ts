/**
 * `qwen-probe serve` as a library: an OpenAI-compatible HTTP server on raw `node:http` in front of
 * the chat.qwen.ai web protocol. `createProxyHandler` gives the request handler alone (testable on
 * any server), `startProxyServer` binds it to a port.
 *
 * Why raw node:http rather than Hono: every stream chunk goes from the upstream socket to the
 * client socket in one `res.write`, with no Web-stream adapter, and that is where the overhead
 * budget (p50 +2 ms at 100 streams) is spent. Routes are few enough for a switch.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { isLoopbackHost } from '../common/index.js';
import { openCaptureWriter, type CaptureWriter } from '../exchange/capture-writer.js';
import { ProbeError } from '../exchange/errors.js';
import type { Exchange } from '../exchange/exchange.js';
import { SHAPES, type IdClock, type ShapeName } from '../upstream/shapes.js';
import { explainFailure } from '../upstream/upstream-failure.js';
import { deleteUpstreamChat, fetchQuota } from './account-calls.js';
import { accountsView } from './admin-accounts.js';
import { anthropicErrorBody, parseMessagesRequest } from './anthropic-schemas.js';
import { handleChatCompletion } from './chat-completion.js';
import { ChatReaper } from './chat-reaper.js';
import { sendKeepAlives, type ResponseState } from './turn-writer.js';
import { ConversationStore } from './conversation-store.js';
import { errorForFailure } from './failure-response.js';
import { readJsonBody, sendError, sendJson } from './http-io.js';
import { handleMessages } from './messages.js';
import { guardRequest } from './request-guard.js';
import { ModelsCache } from './models-cache.js';
import { parseChatRequest, proxyError, type ChatRequest, type ProxyError } from './openai-schemas.js';
import { SessionPool, type SessionPoolOptions, type SessionSpec } from './session-pool.js';
import { MemoryState, type SharedState } from './shared-state.js';
import type { ChatContext } from './turn-runner.js';
import { checkUpstreamSession, fetchUpstreamModels, UpstreamCallError, type UpstreamConfig } from './upstream-turn.js';

/** Everything `serve` needs besides where to listen. */
export interface ProxyOptions {
  /** Origin of the upstream: `https://chat.qwen.ai`, or a simulator's URL. */
  readonly target: string;
  /** At least one account; requests are spread over them. */
  readonly sessions: readonly SessionSpec[];
  /** The request shape to speak upstream (default `web`, the working browser shape). */
  readonly shape?: ShapeName;
  /**
   * When given, every `/v1` and `/admin` request must carry one of them, as `Authorization: Bearer KEY`
   * (OpenAI's SDK) or `x-api-key: KEY` (Anthropic's). Without keys `/admin` is closed.
   */
  readonly apiKeys?: readonly string[];
  /** Writes every upstream exchange, redacted, to this capture file (`--record`). */
  readonly recordPath?: string;
  /** Replace an existing `recordPath` (default: refuse). */
  readonly recordOverwrite?: boolean;
  /** Longest silence in an upstream stream before it counts as stalled (default 60 s). */
  readonly idleTimeoutMs?: number;
  /** Longest wait for upstream response headers (default 30 s). */
  readonly connectTimeoutMs?: number;
  /** Freshness of the model list (default 10 min). */
  readonly modelsTtlMs?: number;
  /** Upstream connections kept for concurrent streams (default 1024). */
  readonly upstreamConnections?: number;
  /** Conversations remembered for `parent_id` threading (default 10 000). */
  readonly conversationLimit?: number;
  /** A committed stream quiet this long gets a `: keep-alive` comment (default 15 s). */
  readonly keepAliveMs?: number;
  /** Largest accepted request body (default 8 MiB). */
  readonly bodyLimitBytes?: number;
  /** Cool-downs, quota refresh, the pool's clock (tests shorten them). */
  readonly cooldowns?: Omit<SessionPoolOptions, 'store' | 'readQuota' | 'log'>;
  /**
   * How long a conversation can be continued; its chat is deleted upstream after that (default 1 h;
   * 0 keeps conversations and chats without limit, as before).
   */
  readonly chatTtlMs?: number;
  /** How often expired chats are deleted (default a quarter of the TTL, 1 s to 60 s). */
  readonly chatReapIntervalMs?: number;
  /** Where shared state lives (`RedisState` for `--redis`); in this process by default. The caller closes it. */
  readonly store?: SharedState;
  /** Reads each account's daily quota where the era has `entitlement_quota` (default true). */
  readonly readQuota?: boolean;
  /** One line per notable event (upstream failures, record errors); no secrets are passed. */
  readonly log?: (line: string) => void;
  /** Ids and time for upstream requests (tests). */
  readonly idClock?: IdClock;
  /** A dispatcher to use instead of the handler's own undici Agent. */
  readonly dispatcher?: Dispatcher;
  /** Origins whose web pages may call the API (`--cors-origin`); every other page is refused. */
  readonly allowedOrigins?: readonly string[];
  /** Host names besides addresses and localhost that clients may use (`--allowed-host`). */
  readonly allowedHosts?: readonly string[];
  /** One line per request: method, path, status, ms, session label; never a secret. */
  readonly accessLog?: (line: string) => void;
}

/** A request handler for `node:http` plus the state it owns. */
export interface ProxyHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  readonly pool: SessionPool;
  readonly conversations: ConversationStore;
  readonly store: SharedState;
  readonly reaper: ChatReaper;
  /** Responses in flight. */
  readonly openResponses: number;
  /** Aborts open streams, closes the upstream connections and the capture. */
  close(): Promise<void>;
}

/** The key a client sent: `x-api-key` (Anthropic's SDK) or `Authorization: Bearer` (OpenAI's). */
function givenKey(headers: IncomingMessage['headers']): string | undefined {
  const xApiKey = headers['x-api-key'];
  if (typeof xApiKey === 'string' && xApiKey.trim() !== '') return xApiKey.trim();
  return /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
}

function keyMatches(headers: IncomingMessage['headers'], keys: readonly Buffer[]): boolean {
  const key = givenKey(headers);
  if (key === undefined) return false;
  const given = Buffer.from(key);
  // Length leaks nothing useful here; the comparison itself must not leak how much matched.
  return keys.some((key) => key.length === given.length && timingSafeEqual(key, given));
}

/** Builds the handler; opens the capture file when `recordPath` is set. */
export async function createProxyHandler(options: ProxyOptions): Promise<ProxyHandler> {
  const baseUrl = options.target.replace(/\/+$/, '');
  const ownDispatcher = options.dispatcher
    ? undefined
    : // One connection per concurrent stream; idle ones go after 10 s, since each holds ~50 KiB.
      new Agent({ connections: options.upstreamConnections ?? 1024, keepAliveTimeout: 10_000, pipelining: 1 });
  const capture: CaptureWriter | undefined = options.recordPath
    ? await openCaptureWriter(options.recordPath, {
        source: 'proxy',
        redacted: true,
        sync: false,
        overwrite: options.recordOverwrite === true,
        comment: `qwen-probe serve --target ${baseUrl}`,
      })
    : undefined;
  const log = options.log;
  const record = capture
    ? (exchange: Exchange) => {
        capture
          .append(exchange)
          .catch((error: unknown) => log?.(`record: ${error instanceof Error ? error.message : String(error)}`));
      }
    : undefined;
  const upstream: UpstreamConfig = {
    baseUrl,
    shape: SHAPES[options.shape ?? 'web'],
    dispatcher: options.dispatcher ?? ownDispatcher,
    connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    ...(record ? { record } : {}),
    ...(options.idClock ? { idClock: options.idClock } : {}),
  };
  const chatTtlMs = options.chatTtlMs ?? 60 * 60_000;
  const now = options.cooldowns?.now ?? Date.now;
  const conversations = new ConversationStore(options.conversationLimit, { ttlMs: chatTtlMs, now });
  const store: SharedState = options.store ?? new MemoryState(conversations);
  const pool = new SessionPool(options.sessions, {
    ...options.cooldowns,
    store,
    ...(log ? { log } : {}),
    ...(options.readQuota !== false ? { readQuota: (session) => fetchQuota(upstream, session, now()) } : {}),
  });
  await pool.start();
  const reaper = new ChatReaper({
    store,
    session: (label) => pool.credentialsOf(label),
    deleteChat: (session, chatId) => deleteUpstreamChat(upstream, session, chatId),
    intervalMs: options.chatReapIntervalMs ?? Math.min(60_000, Math.max(1_000, Math.floor(chatTtlMs / 4) || 60_000)),
    ...(log ? { log } : {}),
  });
  const models = new ModelsCache({
    ttlMs: options.modelsTtlMs,
    fetch: async () => {
      const session = pool.peek();
      if (!session) throw new Error('every session is cooling down');
      return fetchUpstreamModels(upstream, session);
    },
  });
  const open = new Set<ResponseState>();
  const ctx: ChatContext = { upstream, pool, store, chatTtlMs, models, open, ...(log ? { log } : {}) };
  const keys = (options.apiKeys ?? []).map((k) => Buffer.from(k));
  const bodyLimit = options.bodyLimitBytes ?? 8 * 1024 * 1024;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const keepAliveTimer = setInterval(
    () => sendKeepAlives(open, keepAliveMs),
    Math.max(50, Math.floor(keepAliveMs / 3)),
  );
  keepAliveTimer.unref();

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    const guard = guardRequest(method, path, req.headers, {
      allowedOrigins: options.allowedOrigins,
      allowedHosts: options.allowedHosts,
    });
    if (guard.kind === 'refuse') return sendError(res, guard.error, { connection: 'close' });
    for (const [name, value] of Object.entries(guard.headers)) res.setHeader(name, value);
    if (guard.kind === 'preflight') {
      res.writeHead(204);
      return void res.end();
    }
    if (path === '/health' && method === 'GET') {
      // Account labels (e-mails) only for a caller that holds an API key.
      const trusted = keys.length > 0 && keyMatches(req.headers, keys);
      const sessions = pool.status().map((s, i) => (trusted ? s : { ...s, label: `session-${i + 1}` }));
      return sendJson(res, 200, { status: 'ok', openResponses: open.size, sessions });
    }
    const anthropic = path === '/v1/messages' || path.startsWith('/v1/messages/');
    const fail = (error: ProxyError, headers: Record<string, string> = {}) =>
      anthropic
        ? sendJson(res, error.status, anthropicErrorBody(error), { ...headers, ...(error.headers ?? {}) })
        : sendError(res, error, headers);
    const isAdmin = path === '/admin' || path.startsWith('/admin/');
    const isApi = path.startsWith('/v1/') || path === '/health/upstream' || isAdmin;
    if (isAdmin && keys.length === 0)
      return fail(
        proxyError('/admin needs an API key: start `qwen-probe serve` with --api-key KEY (or QWEN_PROBE_API_KEY).', {
          status: 403,
          type: 'permission_error',
          code: 'admin_needs_api_key',
        }),
      );
    if (isApi && keys.length > 0 && !keyMatches(req.headers, keys)) {
      return fail(
        proxyError(
          'Incorrect API key provided. Pass one of the keys given to `qwen-probe serve --api-key`, as a Bearer ' +
            'token or in x-api-key.',
          { status: 401, type: 'authentication_error', code: 'invalid_api_key' },
        ),
      );
    }
    if (path === '/admin/accounts' && method === 'GET')
      return sendJson(res, 200, await accountsView(pool, store, baseUrl, now()));
    if (anthropic) {
      if (path !== '/v1/messages')
        return fail(proxyError(`Unknown request URL: ${method} ${path}.`, { status: 404, code: 'unknown_url' }));
      if (method !== 'POST')
        return fail(
          proxyError(`Method ${method} is not allowed on ${path}; use POST.`, {
            status: 405,
            code: 'method_not_allowed',
          }),
          { allow: 'POST' },
        );
      return answer(req, res, parseMessagesRequest, handleMessages, fail);
    }
    if (path === '/health/upstream' && method === 'GET') return upstreamHealth(res);
    if (path === '/v1/models' && method === 'GET') return listModels(res);
    if (path.startsWith('/v1/models/') && method === 'GET')
      return retrieveModel(res, decodeURIComponent(path.slice('/v1/models/'.length)));
    if (path === '/v1/chat/completions') {
      if (method !== 'POST')
        return sendError(
          res,
          proxyError(`Method ${method} is not allowed on ${path}; use POST.`, {
            status: 405,
            code: 'method_not_allowed',
          }),
          { allow: 'POST' },
        );
      return answer(req, res, parseChatRequest, handleChatCompletion, fail);
    }
    sendError(res, proxyError(`Unknown request URL: ${method} ${path}.`, { status: 404, code: 'unknown_url' }));
  }

  /** A chat turn in one client API: read and validate the body, then run the turn. */
  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    parse: (body: unknown) => { ok: true; request: ChatRequest } | { ok: false; error: ProxyError },
    handle: (ctx: ChatContext, request: ChatRequest, state: ResponseState) => Promise<void>,
    fail: (error: ProxyError, headers?: Record<string, string>) => void,
  ): Promise<void> {
    const body = await readJsonBody(req, bodyLimit);
    if (!body.ok) return fail(body.error, body.error.status === 413 ? { connection: 'close' } : {});
    const parsed = parse(body.value);
    if (!parsed.ok) return fail(parsed.error);
    const state: ResponseState = {
      res,
      stream: parsed.request.stream,
      committed: false,
      ended: false,
      lastWrite: Date.now(),
      abort: new AbortController(),
    };
    // `close` fires when the response finished or the client went away; only the latter aborts.
    res.once('close', () => {
      open.delete(state);
      if (!state.ended || !res.writableFinished) state.abort.abort();
    });
    open.add(state);
    accounts.set(res, state);
    await handle(ctx, parsed.request, state);
  }

  async function listModels(res: ServerResponse): Promise<void> {
    try {
      sendJson(res, 200, await models.openAiList());
    } catch (error) {
      sendError(res, modelsError(error));
    }
  }

  async function retrieveModel(res: ServerResponse, id: string): Promise<void> {
    try {
      const list = await models.openAiList();
      const model = list.data.find((m) => m.id === id);
      if (model) return sendJson(res, 200, model);
      sendError(
        res,
        proxyError(`The model \`${id}\` does not exist or you do not have access to it.`, {
          status: 404,
          param: 'model',
          code: 'model_not_found',
        }),
      );
    } catch (error) {
      sendError(res, modelsError(error));
    }
  }

  async function upstreamHealth(res: ServerResponse): Promise<void> {
    const results = await Promise.all(
      pool.all().map(async (session) => {
        const failure = await checkUpstreamSession(upstream, session, AbortSignal.timeout(upstream.connectTimeoutMs));
        return {
          label: session.label,
          ok: failure === undefined,
          ...(failure ? { problem: explainFailure(failure) } : {}),
        };
      }),
    );
    const ok = results.filter((r) => r.ok).length;
    sendJson(res, ok > 0 ? 200 : 503, {
      status: ok === results.length ? 'ok' : ok > 0 ? 'degraded' : 'failing',
      sessions: results,
    });
  }

  /** Which session served a response, for the access log. */
  const accounts = new WeakMap<ServerResponse, ResponseState>();
  const accessLog = options.accessLog;
  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    // A socket error on either side must not become an unhandled 'error' event (a crash).
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    if (accessLog) {
      const started = performance.now();
      res.once('close', () => {
        const ms = Math.round(performance.now() - started);
        const status = res.headersSent ? res.statusCode : 0;
        const account = accounts.get(res)?.account ?? '-';
        accessLog(
          `${req.method ?? '-'} ${pathOf(req)} ${status}${res.writableFinished ? '' : ' (cut)'} ${ms}ms ${account}`,
        );
      });
    }
    route(req, res).catch((error: unknown) => {
      log?.(`internal error: ${error instanceof Error ? error.message : String(error)}`);
      // Never a stack trace to the client; a committed stream just ends.
      if (res.headersSent) res.end();
      else
        sendError(
          res,
          proxyError('qwen-probe serve hit an internal error; see its log.', {
            status: 500,
            type: 'server_error',
            code: 'internal_error',
          }),
        );
    });
  }) as ProxyHandler;

  Object.defineProperties(handler, {
    pool: { value: pool },
    conversations: { value: conversations },
    store: { value: store },
    reaper: { value: reaper },
    openResponses: { get: () => open.size },
    close: {
      value: async () => {
        clearInterval(keepAliveTimer);
        reaper.stop();
        pool.close();
        if (!options.store) await store.close();
        for (const state of open) {
          state.abort.abort();
          state.res.destroy();
        }
        await ownDispatcher?.close().catch(() => undefined);
        await capture?.close();
      },
    },
  });
  return handler;
}

/** The request path without query or trailing slash: never the query string, which may hold a key. */
function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?', 1)[0]!.replace(/\/+$/, '') || '/';
}

function modelsError(error: unknown) {
  if (error instanceof UpstreamCallError) return errorForFailure(error.failure);
  return proxyError(`The model list could not be fetched: ${error instanceof Error ? error.message : String(error)}.`, {
    status: 502,
    type: 'upstream_error',
    code: 'upstream_unreachable',
  });
}

/** Where to listen, on top of the proxy options. */
export interface ProxyServerOptions extends ProxyOptions {
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. Anything but loopback needs `apiKeys`. */
  readonly host?: string;
}

/** A running `serve`. */
export interface ProxyServer {
  /** `http://HOST:PORT`. */
  readonly url: string;
  readonly handler: ProxyHandler;
  /** Stops accepting, ends open streams, closes upstream connections and the capture. */
  close(): Promise<void>;
}

/** Starts the server; refuses a non-loopback host without API keys (E_USAGE). */
export async function startProxyServer(options: ProxyServerOptions): Promise<ProxyServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && (options.apiKeys ?? []).length === 0) {
    throw new ProbeError(
      'E_USAGE',
      `refusing to listen on ${host} without --api-key: anyone who can reach it could use your accounts`,
      {
        hint: 'add --api-key KEY (clients send it as their OpenAI API key), or listen on 127.0.0.1',
      },
    );
  }
  const handler = await createProxyHandler(options);
  const server = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, handler);
  // Streams may stay open for minutes; the default request timeout would cut them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 3000, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await handler.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProbeError(
      'E_USAGE',
      `cannot listen on ${host}:${options.port ?? 3000}: ${code ?? (error as Error).message}`,
      { cause: error },
    );
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    handler,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

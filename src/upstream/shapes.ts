/**
 * Request builders for named shapes: the requests a client library sends, in full (method, URL,
 * headers, body). The seed shapes reproduce the seed report's attempts step by step; `web` is the
 * working browser shape (family B, protocol.md §4.3); `modern` is the same request as a careful Node
 * library sends it. `web` and `modern` follow the era (`shapeFor`): in `qwen-2026-09` they build the
 * 2026-08 front end's requests (front-end-2026.ts). Pure: ids and time come from the context.
 */
import { gzipSync } from 'node:zlib';
import type { ExchangeRequest, Header } from '../exchange/exchange.js';
import { browserHeaders, WEB_CLIENT, type BrowserHeaderInput } from './browser-headers.js';
import { DEFAULT_ERA, ERAS, type EraName, type WebEra } from './eras.js';
import { chatsNewBody2026, completionBody2026 } from './front-end-2026.js';

export type ShapeName = 'seed-v1' | 'seed-v2' | 'seed-v3' | 'seed-v4' | 'web' | 'modern';
export const SHAPE_NAMES: readonly ShapeName[] = ['seed-v1', 'seed-v2', 'seed-v3', 'seed-v4', 'web', 'modern'];

/** Where fresh ids and the time come from; tests inject deterministic ones. */
export interface IdClock {
  uuid(): string;
  nowMs(): number;
}

export interface ShapeContext {
  /** Origin of the target, e.g. `https://chat.qwen.ai` or `http://127.0.0.1:8787`. */
  readonly baseUrl: string;
  /** The raw JWT from localStorage `token`. */
  readonly token: string;
  /** Model id; each shape has its own default (the seed used `qwen-turbo`). */
  readonly model?: string;
  readonly prompt?: string;
  readonly thinking?: boolean;
  /** Cookies the client holds (anti-bot cookies from a browser session); `token` is added by `web`. */
  readonly cookies?: Readonly<Record<string, string>>;
  readonly idClock: IdClock;
}

/** What a turn continues from: the created chat and, after the first turn, the previous response id. */
export interface TurnInput {
  /** The id `chats/new` answered; shapes that never create a chat make up their own. */
  readonly chatId?: string | undefined;
  readonly parentId?: string | null | undefined;
}

export interface RequestShape {
  readonly name: ShapeName;
  /** One sentence: what this shape is and what the upstream does with it (profile qwen-2025-10). */
  readonly summary: string;
  readonly defaultModel: string;
  /** The request that creates a chat, for shapes that create one before the completion. */
  createChat?(ctx: ShapeContext): ExchangeRequest;
  /** The completion request of one turn. */
  completion(ctx: ShapeContext, turn: TurnInput): ExchangeRequest;
}

export const DEFAULT_PROMPT = 'Hello!';
export const WEB_DEFAULT_MODEL = 'qwen3-max';
const SEED_MODEL = 'qwen-turbo';

/** gzip+base64 of the token: the seed's first, "compressed" bearer token. */
export function compressToken(token: string): string {
  return gzipSync(Buffer.from(token, 'utf8')).toString('base64');
}

function cookieHeader(cookies: Readonly<Record<string, string>>): string {
  return Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}

/**
 * The seed's Python client headers (protocol.md §6.3: Bearer, Chrome UA, source, x-request-id,
 * Origin/Referer).
 */
function seedHeaders(ctx: ShapeContext, bearer: string): Header[] {
  return [
    { name: 'Authorization', value: `Bearer ${bearer}` },
    { name: 'Content-Type', value: 'application/json' },
    { name: 'Accept', value: 'application/json' },
    {
      name: 'User-Agent',
      value:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 ' +
        'Safari/537.36',
    },
    { name: 'source', value: 'web' },
    { name: 'x-request-id', value: ctx.idClock.uuid() },
    { name: 'Origin', value: ctx.baseUrl },
    { name: 'Referer', value: `${ctx.baseUrl}/` },
  ];
}

/** The seed report's completion body, verbatim but for ids; `chatIdInBody` false drops `chat_id`. */
function seedCompletionBody(ctx: ShapeContext, chatId: string | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: ctx.model ?? SEED_MODEL,
    messages: [{ role: 'user', content: ctx.prompt ?? DEFAULT_PROMPT, chat_type: 'text', extra: {} }],
    stream: true,
    incremental_output: true,
    chat_type: 'normal',
    session_id: ctx.idClock.uuid(),
  };
  if (chatId !== undefined) body.chat_id = chatId;
  body.feature_config = { output_schema: 'phase', thinking_enabled: ctx.thinking ?? false };
  body.max_tokens = 50;
  return body;
}

function seedCreateChat(ctx: ShapeContext): ExchangeRequest {
  const body = {
    models: [ctx.model ?? SEED_MODEL],
    chat_mode: 'normal',
    chat_type: 'normal',
    timestamp: ctx.idClock.nowMs(),
  };
  return {
    method: 'POST',
    url: `${ctx.baseUrl}/api/v2/chats/new`,
    headers: seedHeaders(ctx, ctx.token),
    body: JSON.stringify(body),
  };
}

function seedCompletion(
  ctx: ShapeContext,
  opts: { bearer: string; chatId: string; inQuery: boolean; inBody: boolean },
): ExchangeRequest {
  const query = opts.inQuery ? `?chat_id=${encodeURIComponent(opts.chatId)}` : '';
  return {
    method: 'POST',
    url: `${ctx.baseUrl}/api/v2/chat/completions${query}`,
    headers: seedHeaders(ctx, opts.bearer),
    body: JSON.stringify(seedCompletionBody(ctx, opts.inBody ? opts.chatId : undefined)),
  };
}

const seedV1: RequestShape = {
  name: 'seed-v1',
  summary:
    'the seed\'s first attempt: gzip+base64 "compressed" token, a random uuid as chat_id in the body only; answered ' +
    '"Invalid token"',
  defaultModel: SEED_MODEL,
  completion: (ctx, turn) =>
    seedCompletion(ctx, {
      bearer: compressToken(ctx.token),
      chatId: turn.chatId ?? ctx.idClock.uuid(),
      inQuery: false,
      inBody: true,
    }),
};

const seedV2: RequestShape = {
  name: 'seed-v2',
  summary:
    'raw JWT, still a random uuid as chat_id in the body only; answered "Field \'query -> chat_id\': Field required"',
  defaultModel: SEED_MODEL,
  completion: (ctx, turn) =>
    seedCompletion(ctx, { bearer: ctx.token, chatId: turn.chatId ?? ctx.idClock.uuid(), inQuery: false, inBody: true }),
};

const seedV3: RequestShape = {
  name: 'seed-v3',
  summary: 'a real chat from chats/new, chat_id in the query only; answered "Field \'chat_id\': Field required"',
  defaultModel: SEED_MODEL,
  createChat: seedCreateChat,
  completion: (ctx, turn) =>
    seedCompletion(ctx, { bearer: ctx.token, chatId: turn.chatId ?? ctx.idClock.uuid(), inQuery: true, inBody: false }),
};

const seedV4: RequestShape = {
  name: 'seed-v4',
  summary:
    'the seed report\'s final request: chat_id in query and body, chat_type "text"/"normal", model qwen-turbo; ' +
    'answered Internal_Server_Error',
  defaultModel: SEED_MODEL,
  createChat: seedCreateChat,
  completion: (ctx, turn) =>
    seedCompletion(ctx, { bearer: ctx.token, chatId: turn.chatId ?? ctx.idClock.uuid(), inQuery: true, inBody: true }),
};

function webCookie(ctx: ShapeContext): string {
  return cookieHeader({ ...(ctx.cookies ?? {}), token: ctx.token });
}

/** The feature_config the React client sends; thinking switches four fields together. */
export function webFeatureConfig(thinking: boolean): Record<string, unknown> {
  return {
    thinking_enabled: thinking,
    output_schema: 'phase',
    research_mode: 'normal',
    auto_thinking: thinking,
    thinking_mode: thinking ? 'Thinking' : 'Disabled',
    thinking_format: 'summary',
    auto_search: false,
  };
}

/** The family-B completion body (protocol.md §8.1). */
export function webCompletionBody(input: {
  chatId: string;
  model: string;
  prompt: string;
  thinking: boolean;
  parentId: string | null;
  fid: string;
  childId: string;
  nowMs: number;
}): Record<string, unknown> {
  const seconds = Math.floor(input.nowMs / 1000);
  return {
    stream: true,
    version: WEB_CLIENT.bodyVersion,
    incremental_output: true,
    chat_id: input.chatId,
    chat_mode: 'normal',
    model: input.model,
    parent_id: input.parentId,
    messages: [
      {
        fid: input.fid,
        parentId: input.parentId,
        childrenIds: [input.childId],
        role: 'user',
        content: input.prompt,
        user_action: 'chat',
        files: [],
        timestamp: seconds,
        models: [input.model],
        chat_type: 't2t',
        feature_config: webFeatureConfig(input.thinking),
        extra: { meta: { subChatType: 't2t' } },
        sub_chat_type: 't2t',
        parent_id: input.parentId,
      },
    ],
    timestamp: seconds,
  };
}

/** The headers of one request of a shape, from the browser's header input. */
type HeadersOf = (input: BrowserHeaderInput) => Header[];

/**
 * What a Node HTTP library sends when its author copied the browser's request: the same protocol
 * headers and cookies, but not the ones only a browser adds (`sec-ch-ua*`, `Accept-Language`), and
 * the bearer token kept (libraries send it even where the page relies on the cookie).
 */
export const libraryHeaders: HeadersOf = (input) =>
  browserHeaders({ ...input, bearer: true }).filter((h) => !/^(?:sec-|accept-language$)/i.test(h.name));

/** A family-B shape (the React client of 2025-10 to 2026-06, protocol.md §8.1). */
function familyBShape(name: 'web' | 'modern', summary: string, headersOf: HeadersOf): RequestShape {
  return {
    name,
    summary,
    defaultModel: WEB_DEFAULT_MODEL,
    createChat: (ctx) => {
      const now = ctx.idClock.nowMs();
      const model = ctx.model ?? WEB_DEFAULT_MODEL;
      return {
        method: 'POST',
        url: `${ctx.baseUrl}/api/v2/chats/new`,
        headers: headersOf({
          origin: ctx.baseUrl,
          referer: `${ctx.baseUrl}/`,
          token: ctx.token,
          requestId: ctx.idClock.uuid(),
          nowMs: now,
          accept: 'application/json, text/plain, */*',
          cookie: webCookie(ctx),
        }),
        body: JSON.stringify({
          title: 'New Chat',
          models: [model],
          chat_mode: 'normal',
          chat_type: 't2t',
          timestamp: now,
        }),
      };
    },
    completion: (ctx, turn) => {
      const now = ctx.idClock.nowMs();
      const chatId = turn.chatId ?? ctx.idClock.uuid();
      const body = webCompletionBody({
        chatId,
        model: ctx.model ?? WEB_DEFAULT_MODEL,
        prompt: ctx.prompt ?? DEFAULT_PROMPT,
        thinking: ctx.thinking ?? false,
        parentId: turn.parentId ?? null,
        fid: ctx.idClock.uuid(),
        childId: ctx.idClock.uuid(),
        nowMs: now,
      });
      return {
        method: 'POST',
        url: `${ctx.baseUrl}/api/v2/chat/completions?chat_id=${encodeURIComponent(chatId)}`,
        headers: headersOf({
          origin: ctx.baseUrl,
          referer: `${ctx.baseUrl}/c/${chatId}`,
          token: ctx.token,
          requestId: ctx.idClock.uuid(),
          nowMs: now,
          accept: 'text/event-stream',
          noBuffering: true,
          cookie: webCookie(ctx),
        }),
        body: JSON.stringify(body),
      };
    },
  };
}

const web = familyBShape(
  'web',
  "the browser's shape (family B): a t2t chat from chats/new, the full message envelope and browser headers; " +
    'answered with a stream',
  browserHeaders,
);

const modern = familyBShape(
  'modern',
  "the browser's request as a Node library sends it: every body field and protocol header right, bearer token " +
    'kept, no browser-only headers; answered with a stream',
  libraryHeaders,
);

/**
 * A shape of the 2026-08 front end (build 0.2.87, protocol.md §9.11 to §9.13): chats/new without a
 * title and with Referer `/c/new-chat`, completions with both id spellings, the new message fields,
 * `Accept: application/json`, and (in the browser) no Authorization header. No shape can carry the
 * page's signatures (`bx-ua`, `bx-umidtoken`, `bx-pp`): only the page's script computes them.
 */
function frontEnd2026Shape(name: 'web' | 'modern', era: WebEra, summary: string, headersOf: HeadersOf): RequestShape {
  const client = era.client;
  return {
    name,
    summary,
    defaultModel: era.defaultModel,
    createChat: (ctx) => {
      const now = ctx.idClock.nowMs();
      return {
        method: 'POST',
        url: `${ctx.baseUrl}/api/v2/chats/new`,
        headers: headersOf({
          origin: ctx.baseUrl,
          referer: `${ctx.baseUrl}/c/new-chat`,
          token: ctx.token,
          requestId: ctx.idClock.uuid(),
          nowMs: now,
          accept: 'application/json, text/plain, */*',
          cookie: webCookie(ctx),
          client,
          bearer: false,
        }),
        body: JSON.stringify(chatsNewBody2026(ctx.model ?? era.defaultModel, now)),
      };
    },
    completion: (ctx, turn) => {
      const now = ctx.idClock.nowMs();
      const chatId = turn.chatId ?? ctx.idClock.uuid();
      const body = completionBody2026({
        chatId,
        model: ctx.model ?? era.defaultModel,
        prompt: ctx.prompt ?? DEFAULT_PROMPT,
        parentId: turn.parentId ?? null,
        fid: ctx.idClock.uuid(),
        childId: ctx.idClock.uuid(),
        nowMs: now,
        featureConfig: webFeatureConfig(ctx.thinking ?? false),
        bodyVersion: client.bodyVersion,
        choices: era.choices,
      });
      return {
        method: 'POST',
        url: `${ctx.baseUrl}/api/v2/chat/completions?chat_id=${encodeURIComponent(chatId)}`,
        headers: headersOf({
          origin: ctx.baseUrl,
          referer: `${ctx.baseUrl}/c/${chatId}`,
          token: ctx.token,
          requestId: ctx.idClock.uuid(),
          nowMs: now,
          accept: 'application/json',
          noBuffering: true,
          cookie: webCookie(ctx),
          client,
          bearer: false,
        }),
        body: JSON.stringify(body),
      };
    },
  };
}

/** The era's `web` and `modern` shapes, built once per era. */
const ERA_SHAPES = new Map<EraName, { web: RequestShape; modern: RequestShape }>();

function eraShapes(era: WebEra): { web: RequestShape; modern: RequestShape } {
  if (era.frontEnd === 'family-b') return { web, modern };
  let shapes = ERA_SHAPES.get(era.name);
  if (!shapes) {
    shapes = {
      web: frontEnd2026Shape(
        'web',
        era,
        `the ${era.name} browser's requests (front end ${era.client.version}): chats/new without a title, both id ` +
          'spellings, no Authorization; sent from Node it lacks the page signatures and gets an empty answer',
        browserHeaders,
      ),
      modern: frontEnd2026Shape(
        'modern',
        era,
        `the ${era.name} request as a Node library sends it: every field right (version ${era.client.version}, ` +
          `bx-v ${era.client.bxV}), no page signatures and only the cookies it holds; answered with an empty stream`,
        libraryHeaders,
      ),
    };
    ERA_SHAPES.set(era.name, shapes);
  }
  return shapes;
}

/** The shapes of the default era (`qwen-2025-10`); `shapeFor` gives another era's. */
export const SHAPES: Readonly<Record<ShapeName, RequestShape>> = {
  'seed-v1': seedV1,
  'seed-v2': seedV2,
  'seed-v3': seedV3,
  'seed-v4': seedV4,
  web,
  modern,
};

/**
 * A shape as it is in an era: the seed shapes never change (they are the seed's requests), `web` and
 * `modern` follow the era's front end and version constants (eras.ts).
 */
export function shapeFor(name: ShapeName, era: EraName = DEFAULT_ERA): RequestShape {
  if (name !== 'web' && name !== 'modern') return SHAPES[name];
  return eraShapes(ERAS[era])[name];
}

export function isShapeName(name: string): name is ShapeName {
  return (SHAPE_NAMES as readonly string[]).includes(name);
}

/** Random ids and the wall clock, for real use; tests pass their own IdClock. */
export const systemIdClock: IdClock = { uuid: () => crypto.randomUUID(), nowMs: () => Date.now() };

/**
 * A deterministic IdClock for tests and golden files: uuids from a counter (the first group is
 * `prefix`, 8 hex digits, so two clocks can be told apart), time advancing 1 s per call.
 */
export function sequentialIdClock(startMs = 1_780_000_000_000, prefix = '00000000'): IdClock {
  let n = 0;
  let t = startMs;
  return {
    uuid: () => {
      n += 1;
      const hex = n.toString(16).padStart(12, '0');
      return `${prefix}-0000-4000-8000-${hex}`;
    },
    nowMs: () => (t += 1000),
  };
}

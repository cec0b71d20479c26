/**
 * Handlers for the endpoints around the chat: sign-in, who-am-I, the model list, and the chat
 * resources (create, list, get, delete). They run only after no profile rule matched, so they
 * answer the happy path; the few errors here (bad password, unknown chat) are what a handler
 * knows and a rule cannot (the account store, ownership).
 */
import { signJwt, verifyJwt } from './jwt.js';
import { modelsBody } from './model-entries.js';
import { accountKey, bodyObject, type RequestFacts } from './request-facts.js';
import { errorResponse, jsonResponse, successResponse } from './responses.js';
import { ANONYMOUS_USER_ID, nowSeconds, ownedChat, quotaKey, userOf, type SimulatorRuntime } from './runtime.js';
import type { SimulatorUser, StoredChat } from './state.js';

/** Lifetime of the 2026 refresh_token (inferred: a week, longer than nothing the notes record). */
export const REFRESH_TTL_SECONDS = 7 * 24 * 3600;

/** Open WebUI's ERROR_MESSAGES.INVALID_CRED, which its sign-in answers with HTTP 400. */
export const INVALID_CREDENTIALS =
  'The email or password provided is incorrect. Please check for typos and try logging in again.';

const notAuthenticated = (rid: string): Response => errorResponse(401, rid, 'Unauthorized', 'Not authenticated');

function cookieLine(name: string, value: string, exp: number): string {
  return `${name}=${value}; Path=/; Expires=${new Date(exp * 1000).toUTCString()}; HttpOnly; SameSite=Lax`;
}

/** A token (and with `refresh`, a refresh_token) for the user. */
function tokensFor(rt: SimulatorRuntime, user: SimulatorUser, refresh: boolean) {
  const now = nowSeconds(rt);
  const exp = now + rt.tokenTtlSeconds;
  const token = signJwt({ id: user.id, last_password_change: user.lastPasswordChange, exp }, rt.jwtSecret);
  const refreshExp = now + REFRESH_TTL_SECONDS;
  const refreshToken = refresh
    ? signJwt(
        { id: user.id, last_password_change: user.lastPasswordChange, exp: refreshExp, typ: 'refresh' },
        rt.jwtSecret,
      )
    : undefined;
  const headers = new Headers({ 'content-type': 'application/json' });
  headers.append('set-cookie', cookieLine('token', token, exp));
  if (refreshToken) headers.append('set-cookie', cookieLine('refresh_token', refreshToken, refreshExp));
  return { token, exp, refreshToken, headers };
}

/**
 * `POST /api/v1/auths/signin`, and in 2026 `/api/v2/auths/signin`, which also sets a `refresh_token`
 * cookie and returns it in the body (protocol.md §11.4, §12.3).
 */
export function handleSignin(rt: SimulatorRuntime, facts: RequestFacts, rid: string, v2 = false): Response {
  const body = bodyObject(facts);
  for (const field of ['email', 'password']) {
    if (typeof body[field] !== 'string')
      return errorResponse(400, rid, 'RequestValidationError', `Field '${field}': Field required`);
  }
  const email = String(body['email']).trim().toLowerCase();
  const password = String(body['password']).trim().toLowerCase();
  const user = rt.state.users.find((u) => u.email.toLowerCase() === email);
  // Code `Unauthorized` so that clients file it as an auth failure; 400 is what Open WebUI sends.
  if (!user || user.passwordSha256 !== password) return errorResponse(400, rid, 'Unauthorized', INVALID_CREDENTIALS);
  const { token, exp, refreshToken, headers } = tokensFor(rt, user, v2);
  const answer = {
    token,
    id: user.id,
    email: user.email,
    name: user.name,
    role: 'user',
    token_type: 'Bearer',
    expires_at: exp,
    profile_image_url: '/static/user.png',
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
  };
  return new Response(JSON.stringify(answer), { status: 200, headers });
}

/**
 * `POST /api/v2/auths/refresh` with `{refresh_token}` (or the cookie): a fresh token and refresh_token
 * in `data` (qwengate tokenRefresh.ts reads `data.token`, `data.refresh_token`).
 */
export function handleRefresh(rt: SimulatorRuntime, facts: RequestFacts, rid: string): Response {
  const body = bodyObject(facts);
  const given = typeof body['refresh_token'] === 'string' ? body['refresh_token'] : facts.cookies['refresh_token'];
  const check = verifyJwt(given, rt.jwtSecret, nowSeconds(rt));
  const user = check.kind === 'valid' ? rt.state.users.find((u) => u.id === check.payload.id) : undefined;
  if (check.kind !== 'valid' || check.payload.typ !== 'refresh' || !user)
    return errorResponse(401, rid, 'Unauthorized', check.kind === 'expired' ? 'Token has expired' : 'Invalid token');
  const { token, exp, refreshToken, headers } = tokensFor(rt, user, true);
  const answer = { success: true, request_id: rid, data: { token, refresh_token: refreshToken, expires_at: exp } };
  return new Response(JSON.stringify(answer), { status: 200, headers });
}

/**
 * `POST /api/v2/users/user/entitlement_quota` (protocol.md §9.18): per model `times_left`, and
 * `user_tier`. The answer's other features (qwengate lists `thinking`, `search`, ...) are left out.
 */
export function handleQuota(rt: SimulatorRuntime, facts: RequestFacts, rid: string): Response {
  const quota = rt.profile.quota;
  if (!quota) return errorResponse(404, rid, 'Not_Found', 'Not Found');
  const account = accountKey(facts);
  const now = rt.clock();
  const model = Object.fromEntries(
    rt.profile.models.map((m) => {
      const used = rt.state.quotaUsed.get(quotaKey(account, m.id, now)) ?? 0;
      return [m.id, { times_left: Math.max(0, quota.timesPerModel - used), times_limit: quota.timesPerModel }];
    }),
  );
  return successResponse(rid, { model, user_tier: quota.userTier });
}

export function handleMe(rt: SimulatorRuntime, facts: RequestFacts, rid: string): Response {
  const user = userOf(rt, facts);
  if (!user || facts.token.kind !== 'valid') return notAuthenticated(rid);
  return jsonResponse(200, {
    id: user.id,
    email: user.email,
    name: user.name,
    role: 'user',
    token_type: 'Bearer',
    expires_at: facts.token.payload.exp,
    profile_image_url: '/static/user.png',
    permissions: { chat: { file_upload: true, delete: true, edit: true, temporary: true } },
  });
}

export function handleModels(rt: SimulatorRuntime): Response {
  return jsonResponse(200, modelsBody(rt.profile.models, { createdAt: rt.modelsCreatedAt }));
}

/** `GET /api/v2/models/` of 2026-08: the list inside the success envelope, `data.data[]` (protocol.md §9.19). */
export function handleModelsV2(rt: SimulatorRuntime, rid: string): Response {
  return successResponse(rid, modelsBody(rt.profile.models, { createdAt: rt.modelsCreatedAt }));
}

function callerId(rt: SimulatorRuntime, facts: RequestFacts): string {
  return userOf(rt, facts)?.id ?? ANONYMOUS_USER_ID;
}

/** chats/new is lenient (Rfym21 sends chat_type t2i, chat_mode local): any body makes a chat. */
export function handleChatsNew(rt: SimulatorRuntime, facts: RequestFacts, rid: string): Response {
  const body = bodyObject(facts);
  const now = nowSeconds(rt);
  const models = Array.isArray(body['models']) ? body['models'].filter((m): m is string => typeof m === 'string') : [];
  const chat: StoredChat = {
    id: rt.ids(),
    userId: callerId(rt, facts),
    title: typeof body['title'] === 'string' ? body['title'] : 'New Chat',
    models,
    chatType: typeof body['chat_type'] === 'string' ? body['chat_type'] : 't2t',
    chatMode: typeof body['chat_mode'] === 'string' ? body['chat_mode'] : 'normal',
    createdAt: now,
    updatedAt: now,
    messages: [],
    lastResponseId: null,
  };
  rt.state.chats.set(chat.id, chat);
  return successResponse(rid, { id: chat.id });
}

const PAGE_SIZE = 20;

export function handleChatsList(rt: SimulatorRuntime, facts: RequestFacts, rid: string): Response {
  const owner = callerId(rt, facts);
  const page = Math.max(1, Number(facts.url.searchParams.get('page') ?? '1') || 1);
  const limit = Math.max(1, Math.min(100, Number(facts.url.searchParams.get('limit') ?? PAGE_SIZE) || PAGE_SIZE));
  const chats = [...rt.state.chats.values()]
    .filter((c) => c.userId === owner)
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .slice((page - 1) * limit, page * limit)
    .map((c) => ({
      id: c.id,
      title: c.title,
      updated_at: c.updatedAt,
      created_at: c.createdAt,
      chat_type: c.chatType,
    }));
  return successResponse(rid, chats);
}

function chatIdFromPath(facts: RequestFacts): string {
  return decodeURIComponent(facts.url.pathname.replace(/\/$/, '').split('/').pop() ?? '');
}

/** The chat detail; its shape beyond `id` is not in the notes, so it mirrors Open WebUI's history tree. */
export function chatDetail(chat: StoredChat): Record<string, unknown> {
  const messages = Object.fromEntries(chat.messages.map((m) => [m.id, { ...m }]));
  const currentId = chat.messages.at(-1)?.id ?? null;
  return {
    id: chat.id,
    title: chat.title,
    chat_type: chat.chatType,
    chat_mode: chat.chatMode,
    models: chat.models,
    created_at: chat.createdAt,
    updated_at: chat.updatedAt,
    currentId,
    chat: { history: { messages, currentId }, messages: chat.messages.map((m) => ({ ...m })) },
  };
}

export function handleChatsGet(rt: SimulatorRuntime, facts: RequestFacts, rid: string): Response {
  const chat = ownedChat(rt, chatIdFromPath(facts), userOf(rt, facts)?.id);
  if (!chat) return errorResponse(404, rid, 'Not_Found', 'Chat not found');
  return successResponse(rid, chatDetail(chat));
}

/** `DELETE /api/v2/chats/`: every chat of the caller (qwengate deleteAllChats; protocol.md §9.19). */
export function handleChatsDeleteAll(rt: SimulatorRuntime, facts: RequestFacts, rid: string): Response {
  const owner = callerId(rt, facts);
  for (const chat of [...rt.state.chats.values()]) if (chat.userId === owner) rt.state.chats.delete(chat.id);
  return successResponse(rid, { status: true });
}

/**
 * `POST /api/v2/chat/completions/stop` with `{chat_id}` (the page's Stop button): the chat's open
 * stream sends its finished event next. The body's other fields and the answer are inferred.
 */
export function handleStop(rt: SimulatorRuntime, facts: RequestFacts, rid: string): Response {
  const body = bodyObject(facts);
  const chatId = typeof body['chat_id'] === 'string' ? body['chat_id'] : facts.url.searchParams.get('chat_id');
  const chat = chatId ? ownedChat(rt, chatId, userOf(rt, facts)?.id) : undefined;
  if (!chat) return errorResponse(404, rid, 'Not_Found', 'Chat not found');
  for (const open of rt.state.openStreams) if (open.chatId === chat.id) open.stop();
  return successResponse(rid, { status: true });
}

export function handleChatsDelete(rt: SimulatorRuntime, facts: RequestFacts, rid: string): Response {
  const chat = ownedChat(rt, chatIdFromPath(facts), userOf(rt, facts)?.id);
  if (!chat) return errorResponse(404, rid, 'Not_Found', 'Chat not found');
  rt.state.chats.delete(chat.id);
  return successResponse(rid, { status: true });
}

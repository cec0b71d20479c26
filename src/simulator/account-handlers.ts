/**
 * Handlers for the endpoints around the chat: sign-in, who-am-I, the model list, and the chat
 * resources (create, list, get, delete). They run only after no profile rule matched, so they
 * answer the happy path; the few errors here (bad password, unknown chat) are what a handler
 * knows and a rule cannot (the account store, ownership).
 */
import { signJwt } from './jwt.js';
import { modelsBody } from './model-entries.js';
import { bodyObject, type RequestFacts } from './request-facts.js';
import { errorResponse, jsonResponse, successResponse } from './responses.js';
import { ANONYMOUS_USER_ID, nowSeconds, ownedChat, userOf, type SimulatorRuntime } from './runtime.js';
import type { StoredChat } from './state.js';

/** Open WebUI's ERROR_MESSAGES.INVALID_CRED, which its sign-in answers with HTTP 400. */
export const INVALID_CREDENTIALS =
  'The email or password provided is incorrect. Please check for typos and try logging in again.';

const notAuthenticated = (rid: string): Response => errorResponse(401, rid, 'Unauthorized', 'Not authenticated');

export function handleSignin(rt: SimulatorRuntime, facts: RequestFacts, rid: string): Response {
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
  const exp = nowSeconds(rt) + rt.tokenTtlSeconds;
  const token = signJwt({ id: user.id, last_password_change: user.lastPasswordChange, exp }, rt.jwtSecret);
  const cookie = `token=${token}; Path=/; Expires=${new Date(exp * 1000).toUTCString()}; HttpOnly; SameSite=Lax`;
  return jsonResponse(
    200,
    {
      token,
      id: user.id,
      email: user.email,
      name: user.name,
      role: 'user',
      token_type: 'Bearer',
      expires_at: exp,
      profile_image_url: '/static/user.png',
    },
    { 'set-cookie': cookie },
  );
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

export function handleChatsDelete(rt: SimulatorRuntime, facts: RequestFacts, rid: string): Response {
  const chat = ownedChat(rt, chatIdFromPath(facts), userOf(rt, facts)?.id);
  if (!chat) return errorResponse(404, rid, 'Not_Found', 'Chat not found');
  rt.state.chats.delete(chat.id);
  return successResponse(rid, { status: true });
}

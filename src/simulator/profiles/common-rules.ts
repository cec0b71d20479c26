/**
 * Rule building blocks the built-in profiles share, exported so that tests and users can compose
 * their own profiles (`rules: [...AUTH_RULES, myRule, ...]`). Every rule is plain data; statuses
 * that no source records are inferences, and each `explain` says so.
 */
import { CHAT_TYPES } from '../../upstream/schemas.js';
import type { ProfileRule } from '../profile-schema.js';

/** Endpoints that need a token. `/api/models` is public: guest mode lists models without an account. */
export const AUTHENTICATED_ENDPOINTS: readonly string[] = [
  'auths.me',
  'chats.new',
  'chat.completions',
  'chat.completions.v1',
  'chats.list',
  'chats.get',
  'chats.delete',
];

/** Token checks: come first, before any look at the body (the seed's compressed token got only "Invalid token"). */
export const AUTH_RULES: readonly ProfileRule[] = [
  {
    name: 'token-missing',
    endpoint: AUTHENTICATED_ENDPOINTS,
    when: { kind: 'token', state: 'missing' },
    respond: { status: 401, code: 'Unauthorized', details: 'Not authenticated' },
    explain:
      'No bearer token and no token cookie: Open WebUI answers "Not authenticated"; the 401 status is the clients\' ' +
      'reading (FreeQwenApi, guygubaby treat 401/403 as auth errors).',
  },
  {
    name: 'token-invalid',
    endpoint: AUTHENTICATED_ENDPOINTS,
    when: { kind: 'token', state: 'invalid' },
    respond: { status: 401, code: 'Unauthorized', details: 'Invalid token' },
    explain:
      'A token that is not a JWT signed by the server (the seed\'s gzip+base64 "compressed" token) was refused with ' +
      '"Invalid token" (seed report, 2025-10-10); 401 is inferred.',
  },
  {
    name: 'token-expired',
    endpoint: AUTHENTICATED_ENDPOINTS,
    when: { kind: 'token', state: 'expired' },
    respond: { status: 401, code: 'Unauthorized', details: 'Token has expired' },
    explain:
      'A JWT past its exp is refused with "Token has expired" (FreeQwenApi handleApiError, guygubaby client.rs).',
  },
];

/** A body that is not JSON: FastAPI\'s validation answers before any handler runs. */
export const JSON_RULES: readonly ProfileRule[] = [
  {
    name: 'body-not-json',
    endpoint: ['auths.signin', 'chats.new', 'chat.completions'],
    when: { kind: 'invalidJson' },
    respond: { status: 400, code: 'RequestValidationError', details: "Field 'body': JSON decode error" },
    explain:
      'FastAPI rejects a body it cannot decode as a validation error; the notes infer HTTP 400 for validation errors ' +
      '(FreeQwenApi testToken counts 400 as "token OK").',
  },
];

const COMPLETIONS = 'chat.completions';

/** FastAPI-style validation of a v2 completion: query chat_id first, then the body\'s, then messages. */
export const COMPLETION_VALIDATION_RULES: readonly ProfileRule[] = [
  {
    name: 'query-chat-id-required',
    endpoint: COMPLETIONS,
    when: { kind: 'missing', location: 'query', path: 'chat_id' },
    respond: { status: 400, code: 'RequestValidationError', details: "Field 'query -> chat_id': Field required" },
    explain:
      "v2 completions read chat_id from the query string; without it the server answers \"Field 'query -> chat_id': " +
      'Field required" (seed report; highkay/qwenchat2api issue #2).',
  },
  {
    name: 'body-chat-id-required',
    endpoint: COMPLETIONS,
    when: { kind: 'missing', location: 'body', path: 'chat_id' },
    respond: { status: 400, code: 'RequestValidationError', details: "Field 'chat_id': Field required" },
    explain:
      'chat_id must also be in the body; without it the server answers "Field \'chat_id\': Field required" (seed ' +
      'report; XxxXTeam handler_nonstream_test fixture).',
  },
  {
    name: 'messages-required',
    endpoint: COMPLETIONS,
    when: { kind: 'missing', location: 'body', path: 'messages' },
    respond: { status: 400, code: 'RequestValidationError', details: "Field 'messages': Field required" },
    explain:
      'messages is a required body field of the completion model; the message text follows the FastAPI pattern of ' +
      'the chat_id errors (inferred).',
  },
];

/** The chat must exist: a random uuid is "not accepted" (seed report). */
export const CHAT_EXISTENCE_RULES: readonly ProfileRule[] = [
  {
    name: 'chat-not-found',
    endpoint: COMPLETIONS,
    when: { kind: 'unknownChat', location: 'query', path: 'chat_id' },
    respond: { status: 404, code: 'Not_Found', details: 'Chat not found' },
    explain:
      'A chat_id that chats/new never created is "not accepted" (seed report); no source records the answer, so code ' +
      'Not_Found, details "Chat not found" and 404 are inferred.',
  },
  {
    name: 'chat-id-mismatch',
    endpoint: COMPLETIONS,
    when: {
      kind: 'differ',
      fields: [
        { location: 'query', path: 'chat_id' },
        { location: 'body', path: 'chat_id' },
      ],
    },
    respond: { status: 200, code: 'Bad_Request', details: 'Internal error' },
    explain:
      "The body's chat_id must equal the query's (protocol.md §4.3); the answer to a mismatch is inferred as " +
      'the generic Bad_Request "Internal error".',
  },
];

/**
 * The seed\'s two likely culprits (protocol.md §6.4.1, §6.4.2), as two separate
 * rules: both must be fixed before the seed body streams.
 */
export const SEED_CULPRIT_RULES: readonly ProfileRule[] = [
  {
    name: 'message-chat-type-unknown',
    endpoint: COMPLETIONS,
    when: { kind: 'notIn', location: 'body', path: 'messages[0].chat_type', values: [...CHAT_TYPES] },
    respond: { status: 200, code: 'Internal_Server_Error', details: 'Internal error' },
    explain:
      'The server routes on messages[0].chat_type and "text" is no chat type (protocol.md §6.4.1); answered ' +
      'with HTTP 200 and a JSON body because no source records the status, and 200 is the case that fools ' +
      'status-based tools.',
  },
  {
    name: 'model-not-listed',
    endpoint: COMPLETIONS,
    when: { kind: 'notListedModel', location: 'body', path: 'model' },
    respond: { status: 200, code: 'Internal_Server_Error', details: 'Internal error' },
    explain:
      'The model id must be one /api/models lists; "qwen-turbo" is only a client-side alias (protocol.md ' +
      '§6.4.2); HTTP 200 with a JSON body, as for the chat_type rule.',
  },
];

/** What every v2 completion needs besides the culprits: a stream, one user message, a threaded parent. */
export const TURN_RULES: readonly ProfileRule[] = [
  {
    name: 'stream-required',
    endpoint: COMPLETIONS,
    when: { kind: 'not', condition: { kind: 'equals', location: 'body', path: 'stream', value: true } },
    respond: { status: 200, code: 'Bad_Request', details: 'Internal error' },
    explain:
      'stream:false gives Bad_Request "Internal error" (Rfym21 2f6606d, 2025-11-24); HTTP 200 inferred like the ' +
      'other application errors.',
  },
  {
    name: 'one-message',
    endpoint: COMPLETIONS,
    when: { kind: 'lengthNot', location: 'body', path: 'messages', length: 1 },
    respond: { status: 200, code: 'Bad_Request', details: 'Internal error' },
    explain:
      'v2 only accepts one user message per turn (Rfym21 issue #54); the error for more is inferred as the generic ' +
      'Bad_Request.',
  },
  {
    name: 'message-from-user',
    endpoint: COMPLETIONS,
    when: { kind: 'not', condition: { kind: 'equals', location: 'body', path: 'messages[0].role', value: 'user' } },
    respond: { status: 200, code: 'Bad_Request', details: 'Internal error' },
    explain:
      "The one message of a turn must be the user's (Rfym21 issue #54); the error is inferred as the generic " +
      'Bad_Request.',
  },
  {
    name: 'parent-is-last-response',
    endpoint: COMPLETIONS,
    when: { kind: 'parentMismatch' },
    respond: { status: 200, code: 'Bad_Request', details: 'Internal error' },
    explain:
      "A turn continues from the chat's last response_id (null on the first turn), as gpt4free and FreeQwenApi " +
      'thread it; the error for another parent is inferred.',
  },
];

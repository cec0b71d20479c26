/**
 * The endpoints of the chat.qwen.ai web API that qwen-probe knows (protocol.md §4), as data.
 * `classifyEndpoint` is how every exchange gets its `endpoint`; `pathTemplate` is what pairing uses
 * when two captures hold requests that the model does not know.
 */

export interface EndpointSpec {
  /** Stable name used in captures and reports, e.g. `chat.completions`. */
  readonly name: string;
  readonly method: string;
  /** Path with `:param` placeholders, e.g. `/api/v2/chats/:chatId`. */
  readonly template: string;
  readonly description: string;
}

/** Ordered: the first match wins, so literal paths come before parameterised ones. */
export const ENDPOINTS: readonly EndpointSpec[] = [
  {
    name: 'auths.signin',
    method: 'POST',
    template: '/api/v1/auths/signin',
    description: 'log in with email and sha256(password)',
  },
  {
    name: 'auths.signin.v2',
    method: 'POST',
    template: '/api/v2/auths/signin',
    description: 'log in (2026 path); also sets the refresh_token cookie',
  },
  {
    name: 'auths.refresh',
    method: 'POST',
    template: '/api/v2/auths/refresh',
    description: 'trade a refresh_token for a fresh token (2026)',
  },
  { name: 'auths.me', method: 'GET', template: '/api/v1/auths/', description: 'who the token belongs to' },
  { name: 'models', method: 'GET', template: '/api/models', description: 'the model list' },
  {
    name: 'models.v2',
    method: 'GET',
    template: '/api/v2/models/',
    description: 'the model list (2026 path; data.data[] with think_skip from 2026-08)',
  },
  {
    name: 'users.quota',
    method: 'POST',
    template: '/api/v2/users/user/entitlement_quota',
    description: 'per-model daily quota: times_left, user_tier (2026)',
  },
  { name: 'user.v2', method: 'GET', template: '/api/v2/user', description: 'retired in 2026-07: "not found"' },
  { name: 'chats.new', method: 'POST', template: '/api/v2/chats/new', description: 'create a chat; answers data.id' },
  {
    name: 'chat.completions.stop',
    method: 'POST',
    template: '/api/v2/chat/completions/stop',
    description: "stop the answer that is streaming (the page's Stop button, 2026)",
  },
  {
    name: 'chat.completions',
    method: 'POST',
    template: '/api/v2/chat/completions',
    description: 'send a turn; answers an event stream (v2)',
  },
  {
    name: 'chat.completions.v1',
    method: 'POST',
    template: '/api/chat/completions',
    description: 'the pre-2025-09-29 completion endpoint',
  },
  { name: 'chats.list', method: 'GET', template: '/api/v2/chats/', description: 'list chats' },
  {
    name: 'chats.delete-all',
    method: 'DELETE',
    template: '/api/v2/chats/',
    description: "delete all the caller's chats",
  },
  { name: 'chats.get', method: 'GET', template: '/api/v2/chats/:chatId', description: 'one chat with its messages' },
  { name: 'chats.delete', method: 'DELETE', template: '/api/v2/chats/:chatId', description: 'delete a chat' },
];

const compiled = ENDPOINTS.map((spec) => ({ spec, pattern: templateToRegExp(spec.template) }));

function templateToRegExp(template: string): RegExp {
  const escaped = template
    .replace(/\/$/, '')
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  // A trailing slash is optional: clients differ (`/api/v2/chats` vs `/api/v2/chats/`).
  return new RegExp(`^${escaped}/?$`);
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://placeholder.invalid').pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

/** The endpoint a request goes to, or undefined when the model does not know it. */
export function findEndpoint(method: string, url: string): EndpointSpec | undefined {
  const path = pathOf(url);
  const upper = method.toUpperCase();
  return compiled.find(({ spec, pattern }) => spec.method === upper && pattern.test(path))?.spec;
}

/** The endpoint name of a request, or undefined. */
export function classifyEndpoint(method: string, url: string): string | undefined {
  return findEndpoint(method, url)?.name;
}

/**
 * A path with its variable parts replaced: the endpoint's template when known, else segments that
 * look like ids (uuids, long hex, numbers) become `:id`. Used to pair requests across captures.
 */
export function pathTemplate(method: string, url: string): string {
  const known = findEndpoint(method, url);
  if (known) return known.template;
  return pathOf(url)
    .split('/')
    .map((seg) =>
      /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|\d+)$/i.test(seg) ? ':id' : seg,
    )
    .join('/');
}

/** Paths the recorder and the proxy treat as API traffic of the target. */
export function isApiPath(url: string): boolean {
  return pathOf(url).startsWith('/api/');
}

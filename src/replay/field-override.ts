/**
 * `replay --set PATH=VALUE`: overrides any field of a request before it is sent. PATH is
 * `LOCATION:PATH` or `LOCATION PATH` with LOCATION one of body, query, header, cookie
 * (`body:messages[0].chat_type`, `header:x-foo`); a bare path means the body. VALUE is read as JSON
 * when it parses (`true`, `42`, `null`, `{"a":1}`), else taken as a string. Overrides run after the
 * volatile refresh, so what the user sets is what is sent.
 */
import { formatCookiePairs, parseCookiePairs } from '../common/index.js';
import { ProbeError } from '../exchange/errors.js';
import type { ExchangeRequest, Header } from '../exchange/exchange.js';

export type OverrideLocation = 'body' | 'query' | 'header' | 'cookie';

export interface FieldOverride {
  readonly location: OverrideLocation;
  readonly path: string;
  readonly value: unknown;
}

const LOCATIONS: readonly OverrideLocation[] = ['body', 'query', 'header', 'cookie'];

/** Parses one `--set` argument; E_USAGE with the expected form when it is not one. */
export function parseOverride(text: string): FieldOverride {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new ProbeError(
      'E_USAGE',
      `--set ${JSON.stringify(text)}: write it as PATH=VALUE, e.g. body:model=qwen3-max or "header:x-foo=bar"`,
    );
  const target = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  const m = /^(body|query|header|cookie)(?::|\s+)(.*)$/.exec(target);
  const location = (m?.[1] ?? 'body') as OverrideLocation;
  const path = (m?.[2] ?? target).trim();
  // `header:=x` names no header, and `headr:x` no location: neither may become a body field.
  if (!LOCATIONS.includes(location) || path === '')
    throw new ProbeError(
      'E_USAGE',
      `--set ${JSON.stringify(text)}: name the field after the location, e.g. header:x-foo=bar or body:model=qwen3-max`,
    );
  if (!m && /^[A-Za-z]+:/.test(target))
    throw new ProbeError(
      'E_USAGE',
      `--set ${JSON.stringify(text)}: unknown location ${JSON.stringify(target.slice(0, target.indexOf(':')))}; use ` +
        `${LOCATIONS.join(', ')}`,
    );
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the value is the text itself.
  }
  return { location, path, value };
}

type Segment = string | number;

/** `messages[0].chat_type` → `['messages', 0, 'chat_type']`. */
export function pathSegments(path: string): Segment[] {
  const segments: Segment[] = [];
  for (const part of path.match(/[^.[\]]+|\[\d+\]/g) ?? [])
    segments.push(/^\[\d+\]$/.test(part) ? Number(part.slice(1, -1)) : part);
  return segments;
}

function setIn(root: unknown, segments: readonly Segment[], value: unknown): unknown {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments as [Segment, ...Segment[]];
  if (typeof head === 'number') {
    const list = Array.isArray(root) ? [...(root as unknown[])] : [];
    list[head] = setIn(list[head], rest, value);
    return list;
  }
  const object =
    root !== null && typeof root === 'object' && !Array.isArray(root) ? { ...(root as Record<string, unknown>) } : {};
  object[head] = setIn(object[head], rest, value);
  return object;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function setHeader(headers: readonly Header[], name: string, value: string): Header[] {
  const at = headers.findIndex((h) => h.name.toLowerCase() === name.toLowerCase());
  if (at === -1) return [...headers, { name, value }];
  return headers
    .map((h, i) => (i === at ? { name: h.name, value } : h))
    .filter((h, i) => i <= at || h.name.toLowerCase() !== name.toLowerCase());
}

/** Applies overrides in order; a body that is not JSON cannot take a body override (E_USAGE). */
export function applyOverrides(request: ExchangeRequest, overrides: readonly FieldOverride[]): ExchangeRequest {
  let result = request;
  for (const o of overrides) {
    if (o.location === 'header') result = { ...result, headers: setHeader(result.headers, o.path, asText(o.value)) };
    else if (o.location === 'query') {
      const url = new URL(result.url);
      url.searchParams.set(o.path, asText(o.value));
      result = { ...result, url: url.toString() };
    } else if (o.location === 'cookie') {
      const current = result.headers.find((h) => h.name.toLowerCase() === 'cookie')?.value ?? '';
      const pairs = parseCookiePairs(current).filter((c) => c.name !== o.path);
      pairs.push({ name: o.path, value: asText(o.value) });
      result = { ...result, headers: setHeader(result.headers, 'Cookie', formatCookiePairs(pairs)) };
    } else {
      let body: unknown;
      try {
        body = JSON.parse(result.body ?? '{}');
      } catch {
        throw new ProbeError(
          'E_USAGE',
          `--set body:${o.path}: the request body is not JSON, so a body field cannot be set`,
        );
      }
      result = { ...result, body: JSON.stringify(setIn(body, pathSegments(o.path), o.value)) };
    }
  }
  return result;
}

/**
 * Replaces the user's text: the `content` of the last `role: user` message of a JSON body with a
 * `messages` list. Returns the request unchanged when there is no such message.
 */
export function replacePrompt(request: ExchangeRequest, prompt: string): ExchangeRequest {
  let body: unknown;
  try {
    body = JSON.parse(request.body ?? '');
  } catch {
    return request;
  }
  const messages = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) return request;
  const index = messages.map((m: unknown) => (m as { role?: unknown } | null)?.role).lastIndexOf('user');
  if (index === -1) return request;
  return { ...request, body: JSON.stringify(setIn(body, ['messages', index, 'content'], prompt)) };
}

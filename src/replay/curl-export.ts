/**
 * A shell script of curl commands that reproduces a replayed request. Secrets never appear: the
 * token is `$QWEN_TOKEN` (any JWT in the request is taken for it), other cookies are
 * `$QWEN_COOKIE_<NAME>`. When the request ran in a chat created for it, the script creates a chat
 * first and splices `$CHAT_ID` into the URL and body, because a chat cannot be reused for a first
 * turn once it has answered.
 */
import { parseCookiePairs } from '../common/index.js';
import type { ExchangeRequest } from '../exchange/exchange.js';

/** What the script must not spell out, and the chat to create first. */
export interface CurlOptions {
  /** The session's raw JWT, written as `$QWEN_TOKEN`. */
  readonly token?: string;
  /** The chats/new request that created the request's chat, re-issued by the script. */
  readonly chatRequest?: ExchangeRequest;
  /** The created chat id, written as `$CHAT_ID`. */
  readonly chatId?: string;
}

type Part = { readonly text: string } | { readonly variable: string };

const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const SKIPPED_HEADERS = new Set(['host', 'content-length', 'accept-encoding', 'connection', 'cookie']);

/** Splits text at every occurrence of a secret value into literal and variable parts. */
function substitute(text: string, secrets: readonly (readonly [string, string])[]): Part[] {
  const splitAt = (parts: readonly Part[], pattern: string | RegExp, variable: string): Part[] =>
    parts.flatMap((p): Part[] =>
      'variable' in p
        ? [p]
        : p.text
            .split(pattern)
            .flatMap((piece, i): Part[] => (i === 0 ? [{ text: piece }] : [{ variable }, { text: piece }])),
    );
  let parts: Part[] = [{ text }];
  for (const [value, variable] of secrets) if (value !== '') parts = splitAt(parts, value, variable);
  return splitAt(parts, JWT, 'QWEN_TOKEN');
}

/** One shell word: single-quoted when it has no variable, else double-quoted with `${VAR}`s. */
function word(parts: readonly Part[]): string {
  if (parts.every((p) => 'text' in p))
    return `'${parts
      .map((p) => (p as { text: string }).text)
      .join('')
      .replace(/'/g, `'\\''`)}'`;
  return `"${parts.map((p) => ('variable' in p ? `\${${p.variable}}` : p.text.replace(/[\\"$`]/g, '\\$&'))).join('')}"`;
}

function cookieVariable(name: string): string {
  return `QWEN_COOKIE_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The curl command for one request, with `secrets` replaced; lines joined with ` \`. */
function curlCommand(
  request: ExchangeRequest,
  secrets: readonly (readonly [string, string])[],
  streaming: boolean,
): { command: string; variables: Set<string> } {
  const variables = new Set<string>();
  const w = (text: string) => {
    const parts = substitute(text, secrets);
    for (const p of parts) if ('variable' in p) variables.add(p.variable);
    return word(parts);
  };
  const lines = [`curl${streaming ? ' -N' : ''} -sS -X ${request.method} ${w(request.url)}`];
  for (const h of request.headers) {
    if (SKIPPED_HEADERS.has(h.name.toLowerCase()) || h.name.startsWith(':')) continue;
    lines.push(`  -H ${w(`${h.name}: ${h.value}`)}`);
  }
  const cookie = request.headers.find((h) => h.name.toLowerCase() === 'cookie');
  if (cookie) {
    const pairs = parseCookiePairs(cookie.value).map(({ name: k, value: v }) =>
      k === 'token' ? [k, v] : [k, `\u0000${cookieVariable(k)}\u0000`],
    );
    const text = pairs.map(([k, v]) => `${k}=${v}`).join('; ');
    // Cookie values other than the token become their own variables (marked with NULs above).
    const parts = substitute(`${cookie.name}: ${text}`, secrets).flatMap((p): Part[] =>
      'variable' in p
        ? [p]
        : p.text.split('\u0000').map((piece, i): Part => (i % 2 === 1 ? { variable: piece } : { text: piece })),
    );
    for (const p of parts) if ('variable' in p) variables.add(p.variable);
    lines.push(`  -H ${word(parts)}`);
  }
  if (request.body !== undefined && request.body !== '')
    lines.push(`  --data-raw ${w(request.bodyEncoding === 'base64' ? fromBase64(request.body) : request.body)}`);
  return { command: lines.join(' \\\n'), variables };
}

/** The whole script; see the module comment. */
export function curlScript(request: ExchangeRequest, options: CurlOptions = {}): string {
  const secrets: [string, string][] = [];
  if (options.token) secrets.push([options.token, 'QWEN_TOKEN']);
  const withChat = options.chatRequest !== undefined && options.chatId !== undefined;
  if (withChat) secrets.push([options.chatId!, 'CHAT_ID']);
  const streaming =
    request.headers.some((h) => h.name.toLowerCase() === 'accept' && h.value.includes('event-stream')) ||
    /"stream"\s*:\s*true/.test(request.body ?? '');
  const main = curlCommand(request, secrets, streaming);
  const chat = withChat
    ? curlCommand(
        options.chatRequest!,
        secrets.filter(([, v]) => v !== 'CHAT_ID'),
        false,
      )
    : undefined;
  const variables = [...new Set([...(chat?.variables ?? []), ...main.variables])].filter((v) => v !== 'CHAT_ID').sort();
  const lines = ['#!/bin/sh', '# Reproduces the request qwen-probe sent. Secrets are variables: export them first.'];
  if (variables.length > 0) lines.push(`# needs: ${variables.map((v) => `$${v}`).join(' ')}`);
  if (chat) {
    lines.push('# A fresh chat first: a chat that has answered cannot take another first turn.');
    lines.push(
      `CHAT_ID=$(${chat.command.replace(/\n/g, '\n  ')} \\\n  | grep -o '"id": *"[^"]*"' | head -n 1 | cut -d '"' -f ` +
        `4)`,
    );
  }
  lines.push(main.command);
  return `${lines.join('\n')}\n`;
}

const fromBase64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

/**
 * DevTools "Copy as PowerShell": a `WebRequestSession` that carries the user agent and the cookies,
 * then `Invoke-WebRequest -UseBasicParsing -Uri … -Method … -WebSession $session -Headers @{…}
 * -ContentType … -Body …`. Strings are double-quoted with backtick escapes (`` `" `` `` `$ `` `` `` ``),
 * or single-quoted; a backtick at a line end continues the command. The body may also come as
 * `([System.Text.Encoding]::UTF8.GetBytes("…"))`.
 *
 * The request is put back together as it went out: the `-Headers` in order (DevTools' plain
 * `authority`/`method`/`path`/`scheme` named back as pseudo-headers), then `Content-Type`,
 * `User-Agent` and one `Cookie` header from the session's cookies.
 */
import { ProbeError } from '../errors.js';
import type { ExchangeRequest, Header } from '../exchange.js';
import { restorePseudoHeader } from './curl-command.js';

/** True when the text is a PowerShell web request. */
export function looksLikePowerShellSnippet(text: string): boolean {
  return /(^|\n)\s*(\$\w+\s*=\s*New-Object\s+Microsoft\.PowerShell\.Commands\.WebRequestSession|Invoke-(WebRequest|RestMethod)\b)/i.test(
    text,
  );
}

/** Parses a DevTools PowerShell snippet. Throws ProbeError `E_INPUT` naming what could not be read. */
export function parsePowerShellSnippet(text: string): ExchangeRequest {
  const reader = new PsReader(text);
  const cookies: string[] = [];
  let userAgent: string | undefined;
  for (const m of text.matchAll(/\$\w+\.UserAgent\s*=\s*/g)) userAgent = reader.stringAt(m.index + m[0].length).value;
  for (const m of text.matchAll(/New-Object\s+System\.Net\.Cookie\(\s*/gi)) {
    const name = reader.stringAt(m.index + m[0].length);
    const value = reader.stringAt(reader.skip(name.end, ','));
    cookies.push(`${name.value}=${value.value}`);
  }
  const invoke = /Invoke-(WebRequest|RestMethod)\b/i.exec(text);
  if (!invoke) throw new ProbeError('E_INPUT', 'PowerShell snippet: no Invoke-WebRequest');
  const url = reader.parameter(invoke.index, 'Uri');
  if (url === undefined) throw new ProbeError('E_INPUT', 'PowerShell snippet: Invoke-WebRequest has no -Uri');
  const headers = reader.hashtable(invoke.index, 'Headers').map(restorePseudoHeader);
  const contentType = reader.parameter(invoke.index, 'ContentType');
  const body = reader.parameter(invoke.index, 'Body');
  const has = (name: string) => headers.some((h) => h.name.toLowerCase() === name);
  if (contentType !== undefined && !has('content-type')) headers.push({ name: 'content-type', value: contentType });
  if (userAgent !== undefined && !has('user-agent')) headers.push({ name: 'user-agent', value: userAgent });
  if (cookies.length > 0 && !has('cookie')) headers.push({ name: 'cookie', value: cookies.join('; ') });
  const method = (reader.parameter(invoke.index, 'Method') ?? (body !== undefined ? 'POST' : 'GET')).toUpperCase();
  return { method, url, headers, ...(body !== undefined ? { body } : {}) };
}

/** Reads PowerShell string literals and parameters out of the snippet text. */
class PsReader {
  constructor(private readonly text: string) {}

  /** Skips blanks (and one `expect` character when given) from `at`. */
  skip(at: number, expect?: string): number {
    let i = at;
    while (i < this.text.length && /[\s`]/.test(this.text[i]!)) i += 1;
    if (expect !== undefined) {
      if (this.text[i] !== expect) throw this.fail(i, `expected ${JSON.stringify(expect)}`);
      i += 1;
      while (i < this.text.length && /[\s`]/.test(this.text[i]!)) i += 1;
    }
    return i;
  }

  /** The string literal at `at` (after blanks): "…" with backtick escapes, or '…' with '' for '. */
  stringAt(at: number): { value: string; end: number } {
    let i = this.skip(at);
    const quote = this.text[i];
    if (quote !== '"' && quote !== "'") throw this.fail(i, 'expected a quoted string');
    i += 1;
    let out = '';
    while (i < this.text.length) {
      const ch = this.text[i]!;
      if (quote === '"' && ch === '`' && i + 1 < this.text.length) {
        const next = this.text[i + 1]!;
        out += ({ n: '\n', r: '\r', t: '\t', '0': '\0' } as Record<string, string>)[next] ?? next;
        i += 2;
      } else if (ch === quote) {
        if (quote === "'" && this.text[i + 1] === "'") {
          out += "'";
          i += 2;
        } else return { value: out, end: i + 1 };
      } else {
        out += ch;
        i += 1;
      }
    }
    throw this.fail(at, 'a string is never closed');
  }

  /** The value of `-Name "…"` after `from`: a string, a bare word, or `…GetBytes("…")`. */
  parameter(from: number, name: string): string | undefined {
    const m = new RegExp(`\\s-${name}\\s+`, 'i').exec(this.text.slice(from));
    if (!m) return undefined;
    const at = from + m.index + m[0].length;
    const ch = this.text[at];
    if (ch === '"' || ch === "'") return this.stringAt(at).value;
    const bytes = /^\(\s*\[System\.Text\.Encoding\]::UTF8\.GetBytes\(\s*/i.exec(this.text.slice(at));
    if (bytes) return this.stringAt(at + bytes[0].length).value;
    const bare = /^[^\s`]+/.exec(this.text.slice(at));
    return bare ? bare[0] : undefined;
  }

  /** The entries of `-Name @{ "k"="v" … }` after `from`, in order. */
  hashtable(from: number, name: string): Header[] {
    const m = new RegExp(`\\s-${name}\\s+@\\{`, 'i').exec(this.text.slice(from));
    if (!m) return [];
    let i = from + m.index + m[0].length;
    const entries: Header[] = [];
    for (;;) {
      i = this.skip(i);
      while (this.text[i] === ';') i = this.skip(i + 1);
      if (this.text[i] === '}') return entries;
      if (i >= this.text.length) throw this.fail(i, 'the -Headers table is never closed');
      const key = this.stringAt(i);
      const value = this.stringAt(this.skip(key.end, '='));
      entries.push({ name: key.value, value: value.value });
      i = value.end;
    }
  }

  private fail(at: number, problem: string): ProbeError {
    const line = this.text.slice(0, at).split('\n').length;
    return new ProbeError('E_INPUT', `PowerShell snippet, line ${line}: ${problem}`);
  }
}

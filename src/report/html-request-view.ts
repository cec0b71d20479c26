/**
 * One request drawn for the HTML report's side-by-side view: request line, headers, cookies, query
 * and body (JSON pretty-printed line by line), each field tagged with its finding id and highlighted
 * by what the diff found there. Secrets show as stand-ins; JWTs anywhere are scrubbed.
 */
import { secretNameMatcher } from '../exchange/secret-names.js';
import type { Finding, JsonValue } from '../diff/finding.js';
import type { NormalizedRequest } from '../diff/normalize-request.js';
import { safeValue, scrubText, secretStandIn } from './format-value.js';

const isSecretName = secretNameMatcher();
/** Body text shown at most, per side. */
const MAX_BODY_CHARS = 200_000;

/** Text safe inside HTML elements and quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// Must write paths exactly as src/diff/field-path.ts `joinPath` does (the report may import only
// types from diff); test/report/diff-html.test.ts checks the two agree.
const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;
/** Appends a segment to a body path (`messages` + 0 → `messages[0]`). */
export function joinBodyPath(base: string, segment: string | number): string {
  if (typeof segment === 'number') return `${base}[${segment}]`;
  if (IDENTIFIER.test(segment)) return base === '' ? segment : `${base}.${segment}`;
  return `${base}[${JSON.stringify(segment)}]`;
}

/** Which request of a pair a view draws. */
export type Side = 'good' | 'bad';

/** The highlight class of a field on one side, from the findings of its pair. */
export function highlightIndex(findings: readonly Finding[]): Map<string, Finding> {
  const byField = new Map<string, Finding>();
  for (const f of findings) {
    const key = f.path === '' ? f.location : `${f.location}:${f.path}`;
    // The likeliest finding wins when two name one field (a shared mismatch and its volatile twin).
    if (f.id !== 'header-order' && !byField.has(key)) byField.set(key, f);
  }
  return byField;
}

function classFor(f: Finding | undefined, side: Side): string {
  if (!f) return '';
  if (f.volatile) return 'hl-volatile';
  if (f.change === 'missing') return side === 'good' ? 'hl-missing' : '';
  if (f.change === 'extra') return side === 'bad' ? 'hl-extra' : '';
  return 'hl-changed';
}

function row(id: string, cls: string, name: string, value: string, title?: string): string {
  const t = title ? ` title="${escapeHtml(title)}"` : '';
  return (
    `<tr class="row ${cls}" ` +
    `data-id="${escapeHtml(id)}"${t}><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`
  );
}

function section(title: string, rows: string[]): string {
  if (rows.length === 0) return '';
  return `<h4>${title}</h4><table class="fields">${rows.join('')}</table>`;
}

/** The request of one side as HTML. */
export function renderRequestView(request: NormalizedRequest, side: Side, index: Map<string, Finding>): string {
  const hl = (key: string) => classFor(index.get(key), side);
  const why = (key: string) => index.get(key)?.explanation;
  const parts: string[] = [];
  const lineClass = [hl('method'), hl('path')].filter(Boolean).join(' ');
  parts.push(
    `<div class="reqline ${lineClass}" data-id="path"><b>${escapeHtml(request.method)}</b> ` +
      `${escapeHtml(scrubText(request.path))}</div>`,
  );
  if (request.origin) parts.push(`<div class="origin ${hl('url:origin')}">${escapeHtml(request.origin)}</div>`);
  parts.push(
    section(
      'Headers',
      request.headers.map((h) => {
        const key = `header:${h.name}`;
        const value = isSecretName(h.name) ? secretStandIn(h.value) : scrubText(h.value);
        return row(key, hl(key), h.name, value, why(key));
      }),
    ),
  );
  parts.push(
    section(
      'Cookies',
      request.cookies.map((c) => {
        const key = `cookie:${c.name}`;
        return row(key, hl(key), c.name, secretStandIn(c.value), why(key));
      }),
    ),
  );
  parts.push(
    section(
      'Query',
      Object.keys(request.query).map((name) => {
        const key = `query:${name}`;
        const v = safeValue(request.query[name], isSecretName(name));
        return row(key, hl(key), name, typeof v === 'string' ? v : JSON.stringify(v), why(key));
      }),
    ),
  );
  parts.push(renderBody(request, side, index));
  return parts.join('');
}

function renderBody(request: NormalizedRequest, side: Side, index: Map<string, Finding>): string {
  const body = request.body;
  const whole = classFor(index.get('body'), side);
  switch (body.kind) {
    case 'none':
      return `<h4>Body</h4><div class="nobody ${whole}" data-id="body">no body</div>`;
    case 'binary':
      return `<h4>Body</h4><div class="nobody ${whole}" data-id="body">binary body, ${body.bytes} bytes</div>`;
    case 'text':
    case 'too-large': {
      const text = body.kind === 'text' ? body.text : body.text.slice(0, MAX_BODY_CHARS);
      const cut = text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}\n… (${text.length} chars)` : text;
      return `<h4>Body</h4><pre class="body ${whole}" data-id="body">${escapeHtml(scrubText(cut))}</pre>`;
    }
    case 'json':
    case 'form': {
      const lines: string[] = [];
      let budget = MAX_BODY_CHARS;
      const emit = (depth: number, path: string, cls: string, text: string) => {
        if (budget <= 0) return;
        budget -= text.length;
        const id = path === '' ? 'body' : `body:${path}`;
        const title = index.get(id === 'body' ? 'body' : `body:${path}`)?.explanation;
        lines.push(
          `<span class="jl ${cls}" ` +
            `data-id="${escapeHtml(id)}"${title ? ` title="${escapeHtml(title)}"` : ''}>${'  '.repeat(depth)}${escapeHtml(text)}</span>`,
        );
      };
      const walk = (
        value: JsonValue,
        path: string,
        key: string | undefined,
        depth: number,
        inherited: string,
        secret: boolean,
        comma: string,
      ) => {
        const own = path === '' ? whole : classFor(index.get(`body:${path}`), side);
        const cls = own || inherited;
        const prefix = key === undefined ? '' : `${JSON.stringify(key)}: `;
        if (value !== null && typeof value === 'object') {
          const isArray = Array.isArray(value);
          const keys = isArray ? (value as readonly JsonValue[]).map((_, i) => i) : Object.keys(value);
          if (keys.length === 0) return emit(depth, path, cls, `${prefix}${isArray ? '[]' : '{}'}${comma}`);
          emit(depth, path, cls, `${prefix}${isArray ? '[' : '{'}`);
          keys.forEach((k, i) => {
            const child = isArray
              ? (value as readonly JsonValue[])[k as number]!
              : (value as Record<string, JsonValue>)[k as string]!;
            const childSecret = secret || (typeof k === 'string' && isSecretName(k));
            walk(
              child,
              joinBodyPath(path, k),
              isArray ? undefined : (k as string),
              depth + 1,
              cls,
              childSecret,
              i < keys.length - 1 ? ',' : '',
            );
          });
          emit(depth, path, cls, `${isArray ? ']' : '}'}${comma}`);
          return;
        }
        const shown = safeValue(value, secret && typeof value === 'string');
        emit(depth, path, cls, `${prefix}${JSON.stringify(shown)}${comma}`);
      };
      walk(body.value, '', undefined, 0, '', false, '');
      if (budget <= 0) lines.push('<span class="jl">… (body cut for the report)</span>');
      // Each line is a block already: joining with newlines would double the spacing inside <pre>.
      return `<h4>Body</h4><pre class="body json">${lines.join('')}</pre>`;
    }
  }
}

/**
 * Redaction of exchanges: secrets are replaced by stand-ins that keep their kind and length
 * (`Bearer «jwt 209 chars exp 2026-12-01»`, see `secret-value.ts`), so a redacted capture can be
 * shared and still diffed. What counts as a secret:
 * - `Authorization` / `Proxy-Authorization` (the scheme stays), every `Cookie` value (names stay),
 *   every `Set-Cookie` value (attributes stay), headers with secret names (`x-api-key`, ...);
 * - URL passwords (`https://user:pass@host`), query and fragment parameters with secret names,
 *   also in `Referer` / `Location`, and in form-encoded bodies;
 * - JSON fields with secret names, `localStorage` dumps, storageState cookies (`redact-json.ts`),
 *   in request and response bodies and in each server-sent event;
 * - JWT-shaped tokens anywhere, and any secret met elsewhere in the same exchange (or earlier, when
 *   one redactor serves a whole capture).
 * Binary (base64) bodies are left as they are: they cannot be searched reliably.
 *
 * Each kind of change adds a tag: `redacted:authorization`, `redacted:cookie`, `redacted:set-cookie`,
 * `redacted:header`, `redacted:query`, `redacted:body`, `redacted:sse`, `redacted:text`.
 * Redacting twice changes nothing the second time.
 */
import { headerValue, isEventStream, type Exchange, type ExchangeResponse, type Header } from './exchange.js';
import { mediaType } from './http-fields.js';
import { redactJsonText } from './redact-json.js';
import { Scrubber, type ScrubberOptions } from './scrubber.js';
import { isCredentialPath } from './secret-names.js';

// The stand-in helpers belong with redaction for callers such as the diff's value classifier.
export {
  describeSecret,
  formatSecret,
  isRedactedValue,
  parseRedactedValue,
  redactSecret,
  type SecretDescription,
  type SecretKind,
} from './secret-value.js';

/** Options of redaction; all optional. */
export type RedactOptions = ScrubberOptions;

/** Redacts exchanges, remembering the secrets it met so later exchanges are scrubbed of them too. */
export interface Redactor {
  redact(ex: Exchange): Exchange;
}

/** Redacts one exchange. For a whole capture prefer one `createRedactor()` for all its exchanges. */
export function redactExchange(ex: Exchange, options?: RedactOptions): Exchange {
  return createRedactor(options).redact(ex);
}

/**
 * A redactor that remembers every secret it meets, so a token seen in one exchange's header is also
 * replaced where a later exchange echoes it. The capture writer uses one per redacted capture.
 */
export function createRedactor(options?: RedactOptions): Redactor {
  const scrub = new Scrubber(options);
  return {
    redact(ex) {
      // A first pass learns every secret of the exchange, so that the second one also finds a
      // secret in a place visited before the place that revealed it (a body before a header).
      rewrite(ex, scrub, new Set());
      const tags = new Set<string>();
      const redacted = rewrite(ex, scrub, tags);
      const newTags = [...tags].filter((tag) => !(ex.tags ?? []).includes(tag));
      // No change, no copy: redacting an already redacted exchange returns it as it is.
      return tags.size === 0 ? ex : { ...redacted, tags: [...(ex.tags ?? []), ...newTags] };
    },
  };
}

/**
 * True for an exchange that trades credentials for a session: a sign-in, sign-up or token refresh
 * (by its URL path), or any request whose JSON body has a top-level `password` field. Its password (or the
 * password's hash, which the site accepts as the password) and the tokens it returns are never
 * worth keeping: captures redact it even when they keep other secrets.
 */
export function isCredentialExchange(ex: Exchange): boolean {
  let path: string;
  try {
    path = new URL(ex.request.url).pathname;
  } catch {
    path = ex.request.url;
  }
  if (isCredentialPath(path)) return true;
  const body = ex.request.body;
  if (body === undefined || ex.request.bodyEncoding !== undefined || !body.includes('"password"')) return false;
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) && 'password' in value;
  } catch {
    return false;
  }
}

/**
 * A redactor for captures that keep their secrets: it redacts credential exchanges
 * (`isCredentialExchange`) and passes every other exchange through as it is.
 */
export function createCredentialRedactor(options?: RedactOptions): Redactor {
  const full = createRedactor(options);
  return { redact: (ex) => (isCredentialExchange(ex) ? full.redact(ex) : ex) };
}

const URL_HEADERS = new Set(['referer', 'location', 'content-location']);
/** `scheme://user:` then the password up to `@`. */
const USERINFO_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)([^/?#@]*)@/i;

function rewrite(ex: Exchange, scrub: Scrubber, tags: Set<string>): Exchange {
  const tagged = (tag: string, before: string, after: string): string => {
    if (after !== before) tags.add(`redacted:${tag}`);
    return after;
  };
  const headers = (list: readonly Header[]): Header[] =>
    list.map((h) => ({ name: h.name, value: redactHeader(h, scrub, tagged) }));
  const request = ex.request;
  const out: { -readonly [K in keyof Exchange]: Exchange[K] } = {
    ...ex,
    request: {
      ...request,
      url: tagged('query', request.url, redactUrl(request.url, scrub)),
      headers: headers(request.headers),
    },
  };
  if (request.body !== undefined && request.bodyEncoding === undefined) {
    out.request = {
      ...out.request,
      body: tagged('body', request.body, redactBody(request.body, headerValue(request.headers, 'content-type'), scrub)),
    };
  }
  if (ex.response) out.response = redactResponse(ex.response, scrub, tagged, headers);
  if (ex.notes !== undefined) out.notes = tagged('text', ex.notes, scrub.text(ex.notes));
  if (ex.error) out.error = { ...ex.error, message: tagged('text', ex.error.message, scrub.text(ex.error.message)) };
  return out;
}

type Tagger = (tag: string, before: string, after: string) => string;

function redactResponse(
  response: ExchangeResponse,
  scrub: Scrubber,
  tagged: Tagger,
  headers: (list: readonly Header[]) => Header[],
): ExchangeResponse {
  const out: { -readonly [K in keyof ExchangeResponse]: ExchangeResponse[K] } = {
    ...response,
    headers: headers(response.headers),
  };
  const stream = isEventStream(response) || response.sse !== undefined;
  if (response.body !== undefined && response.bodyEncoding === undefined) {
    out.body = stream
      ? tagged('sse', response.body, redactEventStream(response.body, scrub))
      : tagged('body', response.body, redactBody(response.body, headerValue(response.headers, 'content-type'), scrub));
  }
  if (response.sse)
    out.sse = response.sse.map((event) => ({
      ...event,
      data: tagged('sse', event.data, redactPayload(event.data, scrub)),
    }));
  return out;
}

function redactHeader(header: Header, scrub: Scrubber, tagged: Tagger): string {
  const name = header.name.toLowerCase();
  const value = header.value;
  if (name === 'authorization' || name === 'proxy-authorization') {
    const match = /^(\S+)(\s+)([\s\S]*)$/.exec(value);
    return tagged(
      'authorization',
      value,
      match ? `${match[1]}${match[2]}${scrub.secret(match[3] as string)}` : scrub.secret(value),
    );
  }
  if (name === 'cookie')
    return tagged(
      'cookie',
      value,
      value
        .split(';')
        .map((pair) => redactCookiePair(pair, scrub))
        .join(';'),
    );
  if (name === 'set-cookie') {
    const lines = value.split('\n').map((line) => {
      const semi = line.indexOf(';');
      return semi === -1
        ? redactCookiePair(line, scrub)
        : redactCookiePair(line.slice(0, semi), scrub) + line.slice(semi);
    });
    return tagged('set-cookie', value, lines.join('\n'));
  }
  if (scrub.isSecretName(header.name)) return tagged('header', value, scrub.secret(value));
  if (URL_HEADERS.has(name)) return tagged('query', value, redactUrl(value, scrub));
  return tagged('header', value, scrub.text(value));
}

/** `name=value` with the value redacted and the spacing kept; a bare `value` counts as a value. */
function redactCookiePair(pair: string, scrub: Scrubber): string {
  const eq = pair.indexOf('=');
  const name = eq === -1 ? '' : pair.slice(0, eq + 1);
  const rest = eq === -1 ? pair : pair.slice(eq + 1);
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(rest) as RegExpExecArray;
  return `${name}${match[1]}${scrub.secret(match[2] as string)}${match[3]}`;
}

/** Redacts a userinfo password, secret-named query and fragment parameters, then JWTs and known secrets. */
function redactUrl(input: string, scrub: Scrubber): string {
  const url = input.replace(
    USERINFO_PASSWORD,
    (_, head: string, password: string) => `${head}${encodeURIComponent(scrub.secret(decodeParam(password)))}@`,
  );
  const hash = url.indexOf('#');
  const beforeHash = hash === -1 ? url : url.slice(0, hash);
  const question = beforeHash.indexOf('?');
  let out =
    question === -1
      ? beforeHash
      : beforeHash.slice(0, question + 1) + redactParams(beforeHash.slice(question + 1), scrub);
  if (hash !== -1) out += `#${redactParams(url.slice(hash + 1), scrub)}`;
  return scrub.urlText(out);
}

/** `a=1&token=xyz` form: values of secret-named parameters become percent-encoded stand-ins. */
function redactParams(params: string, scrub: Scrubber): string {
  return params
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq === -1 || !scrub.isSecretName(decodeParam(part.slice(0, eq)))) return part;
      const value = decodeParam(part.slice(eq + 1));
      return value === '' ? part : `${part.slice(0, eq)}=${encodeURIComponent(scrub.secret(value))}`;
    })
    .join('&');
}

function decodeParam(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text; // malformed percent-encoding: match on the raw text
  }
}

function redactBody(body: string, contentType: string | undefined, scrub: Scrubber): string {
  if (mediaType(contentType)?.toLowerCase() === 'application/x-www-form-urlencoded')
    return scrub.text(redactParams(body, scrub));
  return redactPayload(body, scrub);
}

/** A body or event payload: JSON when it parses, free text otherwise. */
function redactPayload(text: string, scrub: Scrubber): string {
  const first = text.trimStart()[0];
  const json = first === '{' || first === '[' || first === '"' ? redactJsonText(text, scrub) : undefined;
  return json ?? scrub.text(text);
}

/** An event-stream body line by line: `data:` payloads as JSON or text, other lines as text. */
function redactEventStream(body: string, scrub: Scrubber): string {
  return body
    .split(/(\r\n|\r|\n)/)
    .map((line, index) => {
      if (index % 2 === 1) return line; // a line ending, kept as it was
      const match = /^(data:[ ]?)([\s\S]*)$/.exec(line);
      return match ? `${match[1]}${redactPayload(match[2] as string, scrub)}` : scrub.text(line);
    })
    .join('');
}

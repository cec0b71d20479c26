/**
 * A current-version HAR entry (after `migrateHarEntry`) to an Exchange, checking the shape on the
 * way: a capture is user input, and a wrong field should stop with the entry and field named, not
 * surface later as `undefined` deep inside a diff.
 *
 * The output never holds a key whose value is `undefined`: absent optional fields stay absent, so
 * that a round-tripped exchange deep-equals (strictly) the original.
 */
import { ProbeError } from './errors.js';
import type {
  Chunk,
  Exchange,
  ExchangeError,
  ExchangeRequest,
  ExchangeResponse,
  ExchangeSource,
  ExchangeTimings,
  Header,
  SseEvent,
  ToolFields,
} from './exchange.js';
import type { JsonValue } from '../common/json-value.js';
import type { HarEntry } from './har-types.js';

const SOURCES: readonly ExchangeSource[] = ['browser', 'intercept', 'library', 'replay', 'proxy', 'simulator'];

type Json = Record<string, unknown>;

/** Decodes entry number `index` (from 0; used in error messages). */
export function decodeHarEntry(entry: HarEntry, index: number): Exchange {
  const at = new FieldPath(index);
  const e = object(entry, at.path('entry'));
  const source = e['_source'];
  if (typeof source !== 'string' || !SOURCES.includes(source as ExchangeSource)) {
    throw at.fail('entry._source', `must be one of ${SOURCES.join(', ')}, got ${JSON.stringify(source)}`);
  }
  const ex: { -readonly [K in keyof Exchange]: Exchange[K] } = {
    id: string(e['_id'], at.path('entry._id')),
    source: source as ExchangeSource,
    startedAt: string(e['startedDateTime'], at.path('entry.startedDateTime')),
    request: decodeRequest(object(e['request'], at.path('entry.request')), at),
  };
  if (e['_endpoint'] !== undefined) ex.endpoint = string(e['_endpoint'], at.path('entry._endpoint'));
  if (e['_tags'] !== undefined)
    ex.tags = array(e['_tags'], at.path('entry._tags')).map((tag, i) => string(tag, at.path(`entry._tags[${i}]`)));
  if (e['_notes'] !== undefined) ex.notes = string(e['_notes'], at.path('entry._notes'));
  const response = e['response'] === undefined ? undefined : object(e['response'], at.path('entry.response'));
  // Status 0 (Chrome) or -1 (Playwright): the request got no response.
  if (response !== undefined && number(response['status'], at.path('entry.response.status')) > 0)
    ex.response = decodeResponse(response, at);
  if (e['_timings'] !== undefined) ex.timings = decodeTimings(object(e['_timings'], at.path('entry._timings')), at);
  if (e['_error'] !== undefined) {
    const error = object(e['_error'], at.path('entry._error'));
    ex.error = {
      code: string(error['code'], at.path('entry._error.code')),
      message: string(error['message'], at.path('entry._error.message')),
    } satisfies ExchangeError;
  }
  const toolFields = decodeToolFields(e, response);
  if (toolFields) ex.toolFields = toolFields;
  if (bodyInSideFile(e)) ex.tags = [...(ex.tags ?? []), 'har:body-in-side-file'];
  return ex;
}

function decodeRequest(r: Json, at: FieldPath): ExchangeRequest {
  const request: { -readonly [K in keyof ExchangeRequest]: ExchangeRequest[K] } = {
    method: string(r['method'], at.path('request.method')),
    url: string(r['url'], at.path('request.url')),
    headers: decodeHeaders(r['headers'], at.path('request.headers')),
  };
  const httpVersion = r['httpVersion'];
  if (typeof httpVersion === 'string' && httpVersion !== '') request.httpVersion = httpVersion;
  const postData = r['postData'] === undefined ? undefined : object(r['postData'], at.path('request.postData'));
  if (postData !== undefined && postData['text'] !== undefined) {
    request.body = string(postData['text'], at.path('request.postData.text'));
    if (postData['_encoding'] === 'base64' || postData['encoding'] === 'base64') request.bodyEncoding = 'base64';
  }
  return request;
}

function decodeResponse(r: Json, at: FieldPath): ExchangeResponse {
  const response: { -readonly [K in keyof ExchangeResponse]: ExchangeResponse[K] } = {
    status: number(r['status'], at.path('response.status')),
    headers: decodeHeaders(r['headers'], at.path('response.headers')),
  };
  if (typeof r['statusText'] === 'string' && r['statusText'] !== '') response.statusText = r['statusText'];
  if (typeof r['httpVersion'] === 'string' && r['httpVersion'] !== '') response.httpVersion = r['httpVersion'];
  const content = r['content'] === undefined ? undefined : object(r['content'], at.path('response.content'));
  if (content !== undefined && content['text'] !== undefined) {
    response.body = string(content['text'], at.path('response.content.text'));
    if (content['encoding'] === 'base64') response.bodyEncoding = 'base64';
  }
  if (r['_sse'] !== undefined)
    response.sse = array(r['_sse'], at.path('response._sse')).map((item, i) =>
      decodeSse(item, at.path(`response._sse[${i}]`)),
    );
  if (r['_chunks'] !== undefined) {
    response.chunks = array(r['_chunks'], at.path('response._chunks')).map((item, i): Chunk => {
      const c = object(item, at.path(`response._chunks[${i}]`));
      return {
        t: number(c['t'], at.path(`response._chunks[${i}].t`)),
        size: number(c['size'], at.path(`response._chunks[${i}].size`)),
      };
    });
  }
  return response;
}

function decodeSse(item: unknown, path: string): SseEvent {
  const s = object(item, path);
  const event: { -readonly [K in keyof SseEvent]: SseEvent[K] } = {
    t: number(s['t'], `${path}.t`),
    data: string(s['data'], `${path}.data`),
  };
  if (s['event'] !== undefined) event.event = string(s['event'], `${path}.event`);
  if (s['id'] !== undefined) event.id = string(s['id'], `${path}.id`);
  return event;
}

function decodeTimings(t: Json, at: FieldPath): ExchangeTimings {
  const timings: { -readonly [K in keyof ExchangeTimings]: ExchangeTimings[K] } = {};
  for (const key of ['wait', 'receive', 'total'] as const) {
    if (t[key] !== undefined) timings[key] = number(t[key], at.path(`entry._timings.${key}`));
  }
  return timings;
}

function decodeHeaders(value: unknown, path: string): Header[] {
  return array(value ?? [], path).map((item, i) => {
    const h = object(item, `${path}[${i}]`);
    return { name: string(h['name'], `${path}[${i}].name`), value: string(h['value'], `${path}[${i}].value`) };
  });
}

/** Chrome's and Playwright's `_resourceType`, `_initiator` and `response._transferSize`, when well-formed. */
function decodeToolFields(e: Json, response: Json | undefined): ToolFields | undefined {
  const fields: { -readonly [K in keyof ToolFields]: ToolFields[K] } = {};
  if (typeof e['_resourceType'] === 'string') fields.resourceType = e['_resourceType'];
  if (e['_initiator'] !== undefined && e['_initiator'] !== null) fields.initiator = e['_initiator'] as JsonValue;
  const transferSize = response?.['_transferSize'];
  if (typeof transferSize === 'number' && Number.isFinite(transferSize) && transferSize >= 0)
    fields.transferSize = transferSize;
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/** Playwright `content: 'attach'` keeps bodies in side files; say so rather than show "no body". */
function bodyInSideFile(e: Json): boolean {
  const request = e['request'] as { postData?: { _file?: unknown } } | undefined;
  const response = e['response'] as { content?: { _file?: unknown } } | undefined;
  return typeof request?.postData?._file === 'string' || typeof response?.content?._file === 'string';
}

/** Builds messages that name the entry and the field. A thrown ProbeError carries the path. */
class FieldPath {
  constructor(private readonly index: number) {}
  path(field: string): string {
    return `entry ${this.index + 1}: ${field.replace(/^entry\./, '')}`;
  }
  fail(field: string, problem: string): ProbeError {
    return new ProbeError('E_CAPTURE_FORMAT', `${this.path(field)} ${problem}`);
  }
}

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ProbeError('E_CAPTURE_FORMAT', `${path} must be an object`);
  return value as Json;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ProbeError('E_CAPTURE_FORMAT', `${path} must be an array`);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string')
    throw new ProbeError('E_CAPTURE_FORMAT', `${path} must be a string, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

function number(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ProbeError('E_CAPTURE_FORMAT', `${path} must be a number, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return value;
}

/**
 * mitmproxy flow files (`mitmdump -w`, the mitmproxy UI's "Save"): a sequence of tnetstring
 * dictionaries, one per flow, in the layout of `flow.get_state()`. Read here: HTTP flows of flow
 * format versions 17 to 21 (mitmproxy 8 to 11). The fields read (`request.method/scheme/host/port/
 * path/authority/http_version/headers/content/timestamp_*`, `response.status_code/reason/headers/
 * content`, `error.msg`) are the same in all of them; what changed between those versions is the
 * connection data, which an Exchange does not hold. Other flow types (tcp, udp, dns) are skipped
 * with a note.
 *
 * Header names and values, and bodies, are bytes in a flow: they become text (UTF-8, else latin1 for
 * headers, base64 for bodies). A body is stored as received: `Content-Encoding` is undone here.
 */
import { ProbeError } from '../errors.js';
import type { Exchange, ExchangeError, ExchangeRequest, ExchangeResponse, Header } from '../exchange.js';
import { bodyFromBytes, decodeContentEncoding } from './body-bytes.js';
import { readTnetstring, TnetstringError, type TnetValue } from './tnetstring.js';

/** Flow format versions this reader knows (mitmproxy 8.0 wrote 17, 11.x writes 21). */
export const MITMPROXY_FLOW_VERSIONS = { min: 17, max: 21 } as const;

/** Flows read, and what was worth telling (skipped flows, undecoded bodies). */
export interface MitmproxyFlows {
  readonly exchanges: Exchange[];
  readonly notes: string[];
}

type Dict = { [key: string]: TnetValue };

/** The zstd frame magic: newer mitmproxy also reads (and may be given) zstd-compressed flow files. */
export const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** Reads every flow of a flow file. Throws ProbeError `E_CAPTURE_FORMAT` naming the byte and flow where it stopped. */
export function readMitmproxyFlows(bytes: Buffer): MitmproxyFlows {
  const exchanges: Exchange[] = [];
  const notes: string[] = [];
  let offset = 0;
  let index = 0;
  while (offset < bytes.length) {
    // Trailing whitespace after the last flow is harmless.
    if (isSpace(bytes[offset]!) && bytes.subarray(offset).every(isSpace)) break;
    let flow: TnetValue;
    try {
      const read = readTnetstring(bytes, offset);
      flow = read.value;
      offset = read.end;
    } catch (error) {
      if (error instanceof TnetstringError)
        throw new ProbeError('E_CAPTURE_FORMAT', `mitmproxy flow ${index + 1}: ${error.message}`);
      throw error;
    }
    index += 1;
    if (!isDict(flow)) throw new ProbeError('E_CAPTURE_FORMAT', `mitmproxy flow ${index}: not a dictionary`);
    const version = flow['version'];
    if (typeof version !== 'number')
      throw new ProbeError('E_CAPTURE_FORMAT', `mitmproxy flow ${index}: no flow format version`);
    if (version < MITMPROXY_FLOW_VERSIONS.min || version > MITMPROXY_FLOW_VERSIONS.max)
      throw new ProbeError(
        'E_CAPTURE_FORMAT',
        `mitmproxy flow ${index}: flow format ${version} is not read here (versions ` +
          `${MITMPROXY_FLOW_VERSIONS.min} to ${MITMPROXY_FLOW_VERSIONS.max}, mitmproxy 8 to 11)`,
        { hint: 'convert it with a mitmproxy that reads it: mitmdump -nr FILE -w NEW.mitm, or export HAR' },
      );
    const type = text(flow['type']);
    if (type !== 'http') {
      notes.push(`mitmproxy flow ${index} is a ${type || 'typeless'} flow, not HTTP: skipped`);
      continue;
    }
    exchanges.push(flowToExchange(flow, index, notes));
  }
  if (index === 0) throw new ProbeError('E_CAPTURE_FORMAT', 'mitmproxy flows: the file holds no flow');
  return { exchanges, notes };
}

function flowToExchange(flow: Dict, index: number, notes: string[]): Exchange {
  const where = `mitmproxy flow ${index}`;
  const request = dict(flow['request'], `${where}: request`);
  const started = numberOr(request['timestamp_start'], 0);
  const exchangeRequest = toRequest(request, where, notes);
  const response = isDict(flow['response']) ? toResponse(flow['response'], where, notes) : undefined;
  const error = isDict(flow['error']) ? toError(flow['error']) : undefined;
  const timings = toTimings(request, isDict(flow['response']) ? flow['response'] : undefined);
  const id = text(flow['id']);
  const comment = text(flow['comment']);
  return {
    id: id !== '' ? id : `flow-${index}`,
    source: 'intercept',
    startedAt: new Date(started * 1000).toISOString(),
    request: exchangeRequest,
    ...(response ? { response } : {}),
    ...(timings ? { timings } : {}),
    ...(error ? { error } : {}),
    ...(comment !== '' ? { notes: comment } : {}),
    tags: [`mitmproxy:flow-format-${String(flow['version'])}`],
  };
}

function toRequest(r: Dict, where: string, notes: string[]): ExchangeRequest {
  const method = text(r['method']);
  const scheme = text(r['scheme']) || 'http';
  const host = text(r['host']);
  const port = r['port'];
  const path = text(r['path']) || '/';
  if (method === '' || host === '') throw new ProbeError('E_CAPTURE_FORMAT', `${where}: request has no method or host`);
  const defaultPort = (scheme === 'https' && port === 443) || (scheme === 'http' && port === 80);
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(path)
    ? path
    : `${scheme}://${hostPart}${typeof port === 'number' && !defaultPort ? `:${port}` : ''}${path}`;
  const headers = toHeaders(r['headers'], `${where}: request.headers`);
  const version = text(r['http_version']);
  return {
    method,
    url,
    ...(version !== '' ? { httpVersion: version } : {}),
    headers,
    ...body(r['content'], headers, `${where}: request`, notes),
  };
}

function toResponse(r: Dict, where: string, notes: string[]): ExchangeResponse {
  const status = r['status_code'];
  if (typeof status !== 'number') throw new ProbeError('E_CAPTURE_FORMAT', `${where}: response has no status_code`);
  const headers = toHeaders(r['headers'], `${where}: response.headers`);
  const reason = text(r['reason']);
  const version = text(r['http_version']);
  return {
    status,
    ...(reason !== '' ? { statusText: reason } : {}),
    ...(version !== '' ? { httpVersion: version } : {}),
    headers,
    ...body(r['content'], headers, `${where}: response`, notes),
  };
}

/** `content` is null when mitmproxy did not keep the body (streamed, or cut); absent then. */
function body(content: TnetValue | undefined, headers: readonly Header[], where: string, notes: string[]) {
  if (content === null || content === undefined) return {};
  const raw = Buffer.isBuffer(content) ? content : Buffer.from(String(content), 'utf8');
  if (raw.length === 0) return {};
  const decoded = decodeContentEncoding(raw, headers);
  if (decoded.note) notes.push(`${where}: ${decoded.note}`);
  return bodyFromBytes(decoded.bytes);
}

function toHeaders(value: TnetValue | undefined, where: string): Header[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ProbeError('E_CAPTURE_FORMAT', `${where} is not a list`);
  return value.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2)
      throw new ProbeError('E_CAPTURE_FORMAT', `${where}[${i}] is not a [name, value] pair`);
    return { name: headerText(pair[0]), value: headerText(pair[1]) };
  });
}

function toError(e: Dict): ExchangeError {
  const message = text(e['msg']) || 'the flow failed';
  const code = /reset/i.test(message)
    ? 'ECONNRESET'
    : /refused/i.test(message)
      ? 'ECONNREFUSED'
      : /tls|ssl|certificate/i.test(message)
        ? 'TLS'
        : /killed|abort/i.test(message)
          ? 'ABORTED'
          : /timeout|timed out/i.test(message)
            ? 'ETIMEDOUT'
            : 'MITMPROXY_ERROR';
  return { code, message };
}

function toTimings(request: Dict, response: Dict | undefined): Exchange['timings'] {
  const start = request['timestamp_start'];
  const sent = request['timestamp_end'];
  const first = response?.['timestamp_start'];
  const last = response?.['timestamp_end'];
  const ms = (a: TnetValue | undefined, b: TnetValue | undefined) =>
    typeof a === 'number' && typeof b === 'number' && b >= a ? Math.round((b - a) * 1000 * 1000) / 1000 : undefined;
  const wait = ms(sent, first);
  const receive = ms(first, last);
  const total = ms(start, last);
  const timings = {
    ...(wait !== undefined ? { wait } : {}),
    ...(receive !== undefined ? { receive } : {}),
    ...(total !== undefined ? { total } : {}),
  };
  return Object.keys(timings).length > 0 ? timings : undefined;
}

function isDict(value: TnetValue | undefined): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function dict(value: TnetValue | undefined, where: string): Dict {
  if (!isDict(value)) throw new ProbeError('E_CAPTURE_FORMAT', `${where} is not a dictionary`);
  return value;
}

/** Unicode or bytes (older versions wrote some strings as bytes) as text. */
function text(value: TnetValue | undefined): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return '';
}

/** Header bytes: UTF-8 when valid, else latin1 (what HTTP/1.1 allows on the wire). */
function headerText(value: TnetValue | undefined): string {
  if (!Buffer.isBuffer(value)) return text(value);
  const decoded = bodyFromBytes(value);
  return decoded.bodyEncoding === 'base64' ? value.toString('latin1') : decoded.body;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function numberOr(value: TnetValue | undefined, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/**
 * The one way commands read a capture, whatever wrote it: it looks at the bytes, not the file name,
 * and reads
 *
 * - HAR 1.2 (ours, Chrome/Edge DevTools full or sanitized, Firefox, Playwright `recordHar` embed,
 *   attach and minimal, mitmproxy's HAR export, HTTP Toolkit, Charles, Fiddler), streamed, with
 *   Playwright's side-file bodies read from the HAR's folder;
 * - a zip holding a HAR (Playwright's `.zip`, a `.har.zip`), side files read from the zip; a gzip'd HAR;
 * - mitmproxy flow files (tnetstrings, flow formats 17 to 21: mitmproxy 8 to 11);
 * - DevTools snippets: "Copy as cURL" (bash and cmd), "Copy as fetch" (browser and Node.js), "Copy as
 *   PowerShell"; a curl command line; a JSON request `{method,url,headers,body}` or a list of them.
 *
 * Exchanges whose file does not name their endpoint get one from `classifyEndpoint` (the protocol
 * model's, passed in by the caller: this folder knows no protocol). Anything else, or a damaged file,
 * is one ProbeError `E_CAPTURE`: `FILE: not HAR, mitmproxy flows or curl: <where reading stopped>`.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ProbeError, isProbeError } from './errors.js';
import type { Exchange } from './exchange.js';
import { headerValue } from './exchange.js';
import type { CaptureMeta } from './capture-file.js';
import { streamCapture, streamCaptureChunks, type CaptureStream } from './capture-reader.js';
import type { SideFiles } from './foreign-har-entry.js';
import { readMitmproxyFlows, ZSTD_MAGIC } from './formats/mitmproxy-flows.js';
import { looksLikeTnetstring } from './formats/tnetstring.js';
import { readZip, ZIP_MAGIC, ZipError } from './formats/zip-archive.js';
import { folderSideFiles, zipSideFiles } from './formats/side-files.js';
import { parseRequestInput } from './formats/read-request-input.js';
import { looksLikeFetchSnippet, parseFetchSnippet } from './formats/fetch-snippet.js';
import { looksLikePowerShellSnippet, parsePowerShellSnippet } from './formats/powershell-snippet.js';

/** What a capture turned out to be. */
export type CaptureFormat =
  'har' | 'har-zip' | 'har-gzip' | 'mitmproxy-flows' | 'curl' | 'fetch' | 'powershell' | 'json-request';

/** A capture read whole, with the format it was in and what is worth telling the user. */
export interface CaptureInput {
  readonly format: CaptureFormat;
  readonly exchanges: Exchange[];
  readonly meta: CaptureMeta;
  /** One sentence each: skipped flows, ignored curl options, a sanitized export, a repaired file. */
  readonly notes: readonly string[];
}

/** Gives an exchange its endpoint name from its method and URL; undefined when unknown. */
export type EndpointClassifier = (method: string, url: string) => string | undefined;

export interface AnyCaptureOptions {
  /** Names the input in messages, e.g. `GOOD (x.har)`; the path by default. */
  readonly label?: string | undefined;
  /** Classifies exchanges the file leaves without an endpoint. */
  readonly classifyEndpoint?: EndpointClassifier | undefined;
}

/** The tag of exchanges read from a sanitized DevTools export: their credentials were removed. */
export const CREDENTIALS_REMOVED_TAG = 'har:credentials-removed';

/** Files larger than this that are not HAR are refused: no snippet or flow file of one chat is this big. */
const MAX_NON_HAR_BYTES = 256 * 1024 * 1024;
const NOT_A_CAPTURE = 'not HAR, mitmproxy flows or curl';

/** Reads a capture file (or a folder holding one HAR) in any format listed above. */
export async function readAnyCapture(path: string, options: AnyCaptureOptions = {}): Promise<CaptureInput> {
  const label = options.label ?? path;
  return captureErrors(label, async () => {
    const file = await resolveCaptureFile(path, label);
    const head = await readHead(file);
    if (looksLikeHarText(head)) {
      const input = await collect(streamCapture(file, { sideFiles: folderSideFiles(dirname(file)) }), 'har', label);
      return finish(input, options);
    }
    const { size } = await stat(file);
    if (size > MAX_NON_HAR_BYTES) throw new CaptureStop(`${size} bytes and not HAR text`);
    return parseAnyCapture(await readFile(file), { ...options, label, sideFiles: folderSideFiles(dirname(file)) });
  });
}

/** Reads a capture from bytes (stdin, a pasted command). `label` names it in messages. */
export async function parseAnyCapture(
  bytes: Buffer,
  options: AnyCaptureOptions & { readonly label: string; readonly sideFiles?: SideFiles | undefined },
): Promise<CaptureInput> {
  const label = options.label;
  return captureErrors(label, async () => {
    if (startsWith(bytes, ZIP_MAGIC)) return finish(await fromZip(bytes, label), options);
    if (startsWith(bytes, GZIP_MAGIC)) {
      const inner = await parseAnyCapture(gunzip(bytes), { ...options, sideFiles: undefined });
      return inner.format === 'har' ? { ...inner, format: 'har-gzip' } : inner;
    }
    if (startsWith(bytes, ZSTD_MAGIC))
      throw new CaptureStop('a zstd-compressed file (newer mitmproxy writes flows so); decompress it with `zstd -d`');
    if (looksLikeTnetstring(bytes)) {
      const flows = readMitmproxyFlows(bytes);
      return finish(
        {
          format: 'mitmproxy-flows',
          exchanges: flows.exchanges,
          meta: metaFor(label, flows.exchanges),
          notes: flows.notes,
        },
        options,
      );
    }
    if (bytes.subarray(0, 4096).includes(0))
      throw new CaptureStop(`a binary file (it starts with bytes ${hex(bytes)})`);
    if (looksLikeHarText(bytes)) {
      const input = await collect(streamCaptureChunks([bytes], label, { sideFiles: options.sideFiles }), 'har', label);
      return finish(input, options);
    }
    return finish(fromText(bytes.toString('utf8'), label), options);
  });
}

/** A stream of a capture's exchanges for commands that read large captures in one pass (learn, lint). */
export function streamAnyCapture(path: string, options: AnyCaptureOptions = {}): CaptureStream {
  let meta: CaptureMeta = metaFor(options.label ?? path, []);
  const classify = options.classifyEndpoint;
  return {
    get meta() {
      return meta;
    },
    async *[Symbol.asyncIterator]() {
      const label = options.label ?? path;
      const file = await captureErrors(label, () => resolveCaptureFile(path, label));
      const head = await captureErrors(label, () => readHead(file));
      if (looksLikeHarText(head)) {
        // HAR stays streamed: memory for one entry, however large the capture.
        const stream = streamCapture(file, { sideFiles: folderSideFiles(dirname(file)) });
        const iterator = stream[Symbol.asyncIterator]();
        for (;;) {
          const next = await captureErrors(label, () => iterator.next());
          meta = stream.meta;
          if (next.done) return;
          yield withEndpoint(next.value, classify);
        }
      }
      const input = await readAnyCapture(path, options);
      meta = input.meta;
      yield* input.exchanges;
    },
  };
}

/** Stops reading with the place where it stopped; becomes the `E_CAPTURE` line. */
class CaptureStop extends Error {}

async function captureErrors<T>(label: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (
      isProbeError(error) &&
      (error.code === 'E_CAPTURE' || (error.code === 'E_INPUT' && error.message.startsWith(label)))
    )
      throw error;
    if (error instanceof CaptureStop || error instanceof ZipError || isProbeError(error)) {
      const where = error.message.startsWith(`${label}: `) ? error.message.slice(label.length + 2) : error.message;
      throw new ProbeError('E_CAPTURE', `${label}: ${NOT_A_CAPTURE}: ${where}`, {
        cause: error,
        ...(isProbeError(error) && error.hint !== undefined ? { hint: error.hint } : {}),
      });
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ProbeError('E_INPUT', `${label}: no such file`, { cause: error });
    if (code === 'EACCES') throw new ProbeError('E_INPUT', `${label}: permission denied`, { cause: error });
    if (code === 'EISDIR') throw new ProbeError('E_INPUT', `${label} is a directory`, { cause: error });
    throw error;
  }
}

/** A folder stands for the one HAR in it (Playwright's attach folder: `capture.har` and body files). */
async function resolveCaptureFile(path: string, label: string): Promise<string> {
  const info = await stat(path);
  if (!info.isDirectory()) return path;
  const hars = readdirSync(path).filter((name) => /\.har$/i.test(name));
  if (hars.length === 1) return join(path, hars[0]!);
  throw new ProbeError(
    'E_INPUT',
    `${label} is a directory ${hars.length === 0 ? 'without a .har file' : `with ${hars.length} .har files (${hars.join(', ')})`}`,
    { hint: 'name the capture file itself' },
  );
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

function startsWith(bytes: Buffer, magic: Buffer): boolean {
  return bytes.length >= magic.length && bytes.subarray(0, magic.length).equals(magic);
}

function gunzip(bytes: Buffer): Buffer {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new CaptureStop(`a gzip file that does not decompress (${(error as Error).message})`);
  }
}

function hex(bytes: Buffer): string {
  return [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** `{"log":` at the start (after a BOM and blanks): HAR, read by the streaming reader. */
function looksLikeHarText(head: Buffer): boolean {
  return /^\uFEFF?\s*\{\s*"log"\s*:/.test(head.subarray(0, 4096).toString('utf8'));
}

async function fromZip(
  bytes: Buffer,
  label: string,
): Promise<Omit<CaptureInput, 'format'> & { format: CaptureFormat }> {
  const files = readZip(bytes);
  const hars = files.filter((f) => /\.har$/i.test(f.name));
  const har = hars.find((f) => /(^|\/)har\.har$/i.test(f.name)) ?? (hars.length === 1 ? hars[0] : undefined);
  if (!har)
    throw new CaptureStop(
      hars.length === 0
        ? `a zip without a .har file (it holds ${files.length} files)`
        : `a zip with ${hars.length} .har files (${hars.map((f) => f.name).join(', ')}); unzip it and name one`,
    );
  const stream = streamCaptureChunks([har.read()], `${label}!${har.name}`, {
    sideFiles: zipSideFiles(files, har.name),
  });
  const input = await collect(stream, 'har-zip', label);
  return input;
}

function fromText(text: string, label: string): CaptureInput {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (looksLikeFetchSnippet(trimmed)) {
    const exchanges = [pasted(parseFetchSnippet(trimmed), label)];
    return { format: 'fetch', exchanges, meta: metaFor(label, exchanges), notes: [] };
  }
  if (looksLikePowerShellSnippet(trimmed)) {
    const exchanges = [pasted(parsePowerShellSnippet(trimmed), label)];
    return { format: 'powershell', exchanges, meta: metaFor(label, exchanges), notes: [] };
  }
  const input = parseRequestInput(text, 'it');
  const format: CaptureFormat = input.format === 'json' ? 'json-request' : input.format;
  const notes = input.notes.map((note) => note.replace(/^it(:| is)/, `${label}$1`));
  return { format, exchanges: input.exchanges, meta: metaFor(label, input.exchanges), notes };
}

/** Fixed so that reports of pasted requests are deterministic (as `parseRequestInput` does). */
function pasted(request: Exchange['request'], label: string): Exchange {
  return {
    id: `${label.replace(/[^\w.-]+/g, '-')}-1`,
    source: 'library',
    startedAt: '1970-01-01T00:00:00.000Z',
    request,
  };
}

async function collect(stream: CaptureStream, format: CaptureFormat, label: string): Promise<CaptureInput> {
  const exchanges: Exchange[] = [];
  for await (const exchange of stream) exchanges.push(exchange);
  const meta = { ...stream.meta, path: label };
  return { format, exchanges, meta, notes: meta.problems.map((problem) => `${label}: ${problem}`) };
}

function metaFor(label: string, exchanges: readonly Exchange[]): CaptureMeta {
  return {
    path: label,
    formatVersion: 0,
    redacted: false,
    repaired: false,
    problems: [],
    entryCount: exchanges.length,
  };
}

/** Endpoints classified, a sanitized DevTools export tagged and explained. */
function finish(input: CaptureInput, options: AnyCaptureOptions): CaptureInput {
  const label = options.label ?? input.meta.path;
  let exchanges = input.exchanges.map((exchange) => withEndpoint(exchange, options.classifyEndpoint));
  const notes = [...input.notes];
  if (isSanitizedDevToolsExport(input)) {
    exchanges = exchanges.map((e) => ({ ...e, tags: [...(e.tags ?? []), CREDENTIALS_REMOVED_TAG] }));
    notes.push(
      `${label} is a sanitized DevTools export: it holds no Cookie, Authorization or Set-Cookie header, so its ` +
        'requests carry no credentials. Pass --session FILE or --token JWT (or --user) to bisect or replay it; ' +
        "that session's token is sent in their place.",
    );
  }
  return { ...input, exchanges, notes };
}

function withEndpoint(exchange: Exchange, classify: EndpointClassifier | undefined): Exchange {
  if (exchange.endpoint !== undefined || !classify) return exchange;
  const endpoint = classify(exchange.request.method, exchange.request.url);
  return endpoint === undefined ? exchange : { ...exchange, endpoint };
}

/**
 * Chrome DevTools' "Export HAR (sanitized)" (the default since Chrome 130) leaves out Cookie,
 * Authorization and Set-Cookie. Told by the creator (`WebInspector`) and the absence of all three.
 */
function isSanitizedDevToolsExport(input: CaptureInput): boolean {
  if (input.meta.creator?.name !== 'WebInspector' || input.exchanges.length === 0) return false;
  return input.exchanges.every(
    (e) =>
      headerValue(e.request.headers, 'cookie') === undefined &&
      headerValue(e.request.headers, 'authorization') === undefined &&
      (e.response === undefined || headerValue(e.response.headers, 'set-cookie') === undefined),
  );
}

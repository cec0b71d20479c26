/**
 * What other tools put in a HAR entry, turned into what our decoder reads (part of migration step
 * 0 -> 1, `har-migrate.ts`):
 *
 * - Playwright `content: 'attach'`: bodies in side files named by `postData._file` / `content._file`
 *   (then `text` is `""` or absent, and is not the body), resolved through `SideFiles` (the zip or
 *   the folder the HAR came from). Without side files, or when one is missing, the body stays absent
 *   and the entry is tagged `har:body-in-side-file`.
 * - `content.encoding: "base64"` (Chrome, Firefox, mitmproxy for binary or streamed bodies): decoded
 *   to text when the bytes are text (an event stream, JSON), kept as base64 otherwise.
 * - Firefox and form posts: `postData.params` without `text` becomes the url-encoded body.
 */
import type { HarContent, HarEntry, HarPostData } from './har-types.js';
import { bodyFromBytes, isTextualType } from './formats/body-bytes.js';

/** Where `_file` references point: a folder next to the HAR, or the zip it came in. */
export interface SideFiles {
  /** The file's bytes, or undefined when there is no such file. */
  read(name: string): Buffer | undefined;
}

/** An entry with side-file bodies read, base64 text bodies decoded and form params as text. */
export function adaptForeignEntry(entry: HarEntry, sideFiles: SideFiles | undefined): HarEntry {
  const request = entry.request as HarEntry['request'] | undefined;
  const response = entry.response as HarEntry['response'] | undefined;
  let missing = false;
  let postData = request?.postData;
  if (postData && typeof postData === 'object') {
    const adapted = adaptPostData(postData, sideFiles);
    missing ||= adapted.missing;
    postData = adapted.postData;
  }
  let content = response?.content;
  if (content && typeof content === 'object') {
    const adapted = adaptContent(content, sideFiles);
    missing ||= adapted.missing;
    content = adapted.content;
  }
  if (postData === request?.postData && content === response?.content) return entry;
  const adapted: HarEntry = {
    ...entry,
    ...(request && { request: { ...request, ...(postData && { postData }) } }),
    ...(response && { response: { ...response, ...(content && { content }) } }),
  };
  if (missing) adapted._tags = [...(entry._tags ?? []), 'har:body-in-side-file'];
  return adapted;
}

function adaptPostData(postData: HarPostData, sideFiles: SideFiles | undefined) {
  if (typeof postData._file === 'string') {
    const bytes = sideFiles?.read(postData._file);
    const { _file, ...rest } = postData;
    void _file;
    if (!bytes) return { postData: withoutText(rest), missing: true };
    const body = bodyFromBytes(bytes);
    return {
      postData: { ...rest, text: body.body, ...(body.bodyEncoding && { _encoding: body.bodyEncoding }) },
      missing: false,
    };
  }
  if (
    (postData.text === undefined || postData.text === '') &&
    Array.isArray(postData.params) &&
    postData.params.length > 0
  ) {
    const text = postData.params
      .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(p.value ?? '')}`)
      .join('&');
    return { postData: { ...postData, text }, missing: false };
  }
  if (postData.encoding === 'base64' && typeof postData.text === 'string') {
    return { postData: decodedText(postData, postData.mimeType), missing: false };
  }
  return { postData, missing: false };
}

function adaptContent(content: HarContent, sideFiles: SideFiles | undefined) {
  if (typeof content._file === 'string') {
    const bytes = sideFiles?.read(content._file);
    const { _file, ...rest } = content;
    void _file;
    if (!bytes) return { content: withoutText(rest), missing: true };
    const body = bodyFromBytes(bytes);
    const { encoding, ...plain } = rest;
    void encoding;
    return { content: { ...plain, text: body.body, ...(body.bodyEncoding && { encoding: 'base64' }) }, missing: false };
  }
  if (content.encoding === 'base64' && typeof content.text === 'string') {
    return { content: decodedText(content, content.mimeType), missing: false };
  }
  return { content, missing: false };
}

/** A base64 body as text, when it is text; unchanged otherwise. */
function decodedText<T extends { text?: string; encoding?: string }>(holder: T, mimeType: string | undefined): T {
  const bytes = Buffer.from(holder.text ?? '', 'base64');
  const body = bodyFromBytes(bytes);
  if (body.bodyEncoding === 'base64') return holder;
  // UTF-8 that is not a textual type (an image that happens to decode) stays base64.
  if (!isTextualType(mimeType) && hasControlCharacters(body.body)) return holder;
  const { encoding, ...rest } = holder;
  void encoding;
  return { ...rest, text: body.body } as T;
}

/** Playwright writes `text: ""` beside `_file`: without the side file there is no body to show. */
function withoutText<T extends { text?: string }>(holder: T): T {
  const { text, ...rest } = holder;
  void text;
  return rest as T;
}

/** C0 controls other than tab, newline, carriage return: a sign of bytes that are not text. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return true;
  }
  return false;
}

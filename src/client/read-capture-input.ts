/**
 * How every command reads a capture: `readAnyCapture` (any format another tool writes, see
 * exchange/read-any-capture.ts) with the protocol model's endpoint classifier, so that exchanges from
 * files that do not say their endpoint (every foreign format) get one on read, and bisect, replay and
 * investigate find the `chats/new` and the completion in them.
 */
import { parseAnyCapture, readAnyCapture, streamAnyCapture, type CaptureInput } from '../exchange/read-any-capture.js';
import type { CaptureStream } from '../exchange/capture-reader.js';
import { classifyEndpoint } from '../upstream/endpoints.js';

/** Reads a capture file (or the folder of a Playwright attach capture); `label` names it in messages. */
export function readCaptureInput(path: string, label?: string): Promise<CaptureInput> {
  return readAnyCapture(path, { label, classifyEndpoint });
}

/** Reads a capture from bytes (standard input, an inline command). */
export function parseCaptureInput(bytes: Buffer, label: string): Promise<CaptureInput> {
  return parseAnyCapture(bytes, { label, classifyEndpoint });
}

/** Streams a capture's exchanges (HAR stays streamed, in constant memory), endpoints classified. */
export function streamCaptureInput(path: string, label?: string): CaptureStream {
  return streamAnyCapture(path, { label, classifyEndpoint });
}

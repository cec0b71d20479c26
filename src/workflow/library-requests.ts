/**
 * The library's half of an investigation: the failing requests, either generated from a named shape
 * and sent with the browser's session (steps "generate" and "send them"), or read from a capture of
 * the library at work (step "load"). Either way they come with their answers, and the last completion
 * says how the library's request failed.
 */
import { readCaptureInput } from '../client/read-capture-input.js';
import type { Exchange } from '../exchange/exchange.js';
import { runShapeTurn } from '../client/run-shape.js';
import type { LibraryFailure } from '../report/investigation-model.js';
import { SHAPES, systemIdClock, type ShapeName } from '../upstream/shapes.js';
import { judgeQwenResponse } from '../upstream/stream-reader.js';
import { explainFailure, failureName } from '../upstream/upstream-failure.js';
import { endStep, runStep, type InvestigationListener } from './investigation-event.js';

/** Where the library's requests come from. */
export type LibrarySource =
  | { readonly kind: 'shape'; readonly shape: ShapeName }
  /** A capture of the library's failing requests, with their answers. */
  | { readonly kind: 'capture'; readonly path: string };

/** The library's requests and their answers, and what the report calls them. */
export interface LibraryRequests {
  readonly exchanges: readonly Exchange[];
  /** The shape name (`seed-v4`) or the capture's path. */
  readonly name: string;
}

/** The session the shape's requests are sent with: the browser's. */
export interface LibrarySendOptions {
  readonly target: string;
  readonly token: string;
  readonly cookies: Readonly<Record<string, string>>;
  readonly prompt: string;
  readonly onEvent?: InvestigationListener | undefined;
}

/** The steps that get the library's requests: load a capture, or generate a shape's and send them. */
export function libraryRequests(source: LibrarySource, options: LibrarySendOptions): Promise<LibraryRequests> {
  return source.kind === 'capture'
    ? loadLibraryRequests(source.path, options.onEvent)
    : sendLibraryRequests(source.shape, options);
}

/** Step "load the library's requests" (and "send them", skipped: the capture holds the answers). */
export async function loadLibraryRequests(
  path: string,
  onEvent?: InvestigationListener | undefined,
): Promise<LibraryRequests> {
  const exchanges = await runStep("load the library's requests", onEvent, async () => {
    const capture = await readCaptureInput(path);
    return { value: capture.exchanges, detail: `${capture.exchanges.length} exchanges from ${path}` };
  });
  endStep(onEvent, 'send them and record the failure', 'skipped', "the capture already holds the library's responses");
  return { exchanges, name: path };
}

/** Steps "generate the library's requests" and "send them and record the failure". */
export async function sendLibraryRequests(shapeName: ShapeName, options: LibrarySendOptions): Promise<LibraryRequests> {
  const shape = SHAPES[shapeName];
  endStep(options.onEvent, "generate the library's requests", 'done', `${shape.name}: ${shape.summary}`);
  const exchanges = await runStep('send them and record the failure', options.onEvent, async () => {
    const turn = await runShapeTurn(
      shape,
      {
        baseUrl: options.target,
        token: options.token,
        cookies: options.cookies,
        prompt: options.prompt,
        idClock: systemIdClock,
      },
      {},
    );
    return {
      value: turn.exchanges,
      detail: turn.result.ok
        ? "the library's request worked"
        : `failed: ${turn.result.failure ? failureName(turn.result.failure) : 'no answer'}`,
    };
  });
  return { exchanges, name: shapeName };
}

/** How the library's last completion went, for the report; undefined when it sent none. */
export function libraryFailure(exchanges: readonly Exchange[]): LibraryFailure | undefined {
  const failed = [...exchanges].reverse().find((e) => (e.endpoint ?? '').startsWith('chat.completions'));
  if (!failed) return undefined;
  const verdict = judgeQwenResponse(failed.response, failed.error);
  return {
    ...(failed.response ? { status: failed.response.status } : {}),
    name: verdict.ok ? 'works' : verdict.failure ? failureName(verdict.failure) : 'no answer',
    explanation: verdict.ok
      ? 'It streamed an answer.'
      : verdict.failure
        ? explainFailure(verdict.failure)
        : 'The stream carried no answer text.',
  };
}

/**
 * The client side of one chat completion: the response's live state and the writer that turns
 * upstream updates into what the client receives. A stream is *committed* (status 200 and SSE
 * headers written) at the first upstream event; until then a failure can still be an HTTP status.
 * Each update is written the moment it arrives: no buffering between the upstream socket and the
 * client socket beyond the one frame being built.
 */
import type { ServerResponse } from 'node:http';
import type { ExchangeError } from '../exchange/exchange.js';
import type { QwenStreamUpdate, QwenUsage } from '../upstream/stream-types.js';
import type { UpstreamFailure } from '../upstream/upstream-failure.js';
import {
  chatCompletionObject,
  ChunkWriter,
  DONE_FRAME,
  KEEPALIVE_FRAME,
  openAiUsage,
  type FinishReason,
  type ResponseIdentity,
} from './chunk-writer.js';
import { errorForFailure } from './failure-response.js';
import { sendError } from './http-io.js';
import type { ChatRequest, ProxyError } from './openai-schemas.js';

/** The live state of one response; the server's keep-alive timer reads `lastWrite`. */
export interface ResponseState {
  readonly res: ServerResponse;
  readonly stream: boolean;
  committed: boolean;
  ended: boolean;
  lastWrite: number;
  readonly abort: AbortController;
  /** The session label that served the request, for the access log. */
  account?: string | undefined;
}

/**
 * Writes one upstream turn into the client's response: SSE frames for a stream, one JSON body
 * otherwise; an error as a status before the commit and as an error event after it.
 */
export class TurnWriter {
  private readonly writer: ChunkWriter;
  private answer = '';
  private reasoning = '';
  private usage: QwenUsage | undefined;
  private lengthHit = false;
  /** The upstream sent its final answer event and the client got a complete answer. */
  finishedByUpstream = false;
  /** The upstream chat and response of the current attempt, for the conversation memory. */
  chatId: string | undefined;
  private responseId: string | undefined;
  /** Called once a complete answer is known, before the client gets its end. */
  onAnswered:
    ((turn: { answer: string; chatId?: string | undefined; responseId?: string | undefined }) => void) | undefined;
  /** The upstream request of the current attempt; each attempt gets its own. */
  private attempt = new AbortController();
  failure: UpstreamFailure | undefined;

  constructor(
    private readonly state: ResponseState,
    private readonly identity: ResponseIdentity,
    private readonly request: ChatRequest,
    private readonly headers: Record<string, string>,
  ) {
    this.writer = new ChunkWriter(identity);
  }

  /** Forgets what a failed, uncommitted attempt collected, before the next session tries. */
  reset(): AbortSignal {
    this.attempt = new AbortController();
    this.answer = '';
    this.reasoning = '';
    this.usage = undefined;
    this.failure = undefined;
    this.finishedByUpstream = false;
    this.chatId = undefined;
    this.responseId = undefined;
    return this.attempt.signal;
  }

  /** Cuts the current upstream request (client gone, answer complete, failure seen). */
  readonly stopUpstream = (): void => {
    this.attempt.abort();
  };

  /** True once the client has seen something; the request can no longer move to another session. */
  get committed(): boolean {
    return this.state.committed;
  }

  /** Handles one upstream update; stops the upstream as soon as the answer must end. */
  readonly onUpdate = (update: QwenStreamUpdate): void => {
    if (this.state.ended || this.failure !== undefined) return;
    switch (update.kind) {
      case 'created':
        this.responseId = update.responseId;
        this.chatId ??= update.chatId;
        this.commit();
        return;
      case 'answer':
        this.answer += update.text;
        if (this.request.stream) this.write(this.writer.content(update.text));
        return;
      case 'reasoning':
        this.reasoning += update.text;
        if (this.request.stream) this.write(this.writer.reasoning(update.text));
        return;
      case 'usage':
        this.usage = update.usage;
        if (
          !this.lengthHit &&
          this.request.maxTokens !== undefined &&
          update.usage.outputTokens >= this.request.maxTokens
        ) {
          // The upstream's own count says the budget is spent. Usage precedes the text of its own
          // event, so the cut waits until the updates of this chunk have been written.
          this.lengthHit = true;
          queueMicrotask(() => this.finishLength());
        }
        return;
      case 'failure':
        // Stop reading at the first failure. Before the commit the turn's verdict decides what
        // happens (another session may take the request); after it the client hears it now.
        this.failure = update.failure;
        this.stopUpstream();
        if (this.state.committed) this.fail(update.failure);
        return;
      case 'finished':
        // The final answer event: the client is done now, whatever the upstream connection does
        // next. Remember the conversation first, so a client that sends its next turn the moment
        // it has this answer already continues the chat.
        this.finishedByUpstream = true;
        this.onAnswered?.({ answer: this.answer, chatId: this.chatId, responseId: this.responseId });
        this.succeed('stop');
        return;
      default:
        return;
    }
  };

  private commit(): void {
    if (this.state.committed || !this.request.stream) return;
    this.state.committed = true;
    this.state.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...this.headers,
    });
    this.write(this.writer.role());
  }

  private write(frame: string): void {
    if (!this.state.committed) this.commit();
    if (this.state.res.writableEnded) return;
    this.state.res.write(frame);
    this.state.lastWrite = Date.now();
  }

  private finishLength(): void {
    if (this.state.ended) return;
    this.stopUpstream();
    this.succeed('length');
  }

  /** Ends the answer successfully. */
  succeed(reason: FinishReason): void {
    if (this.state.ended) return;
    const usage = this.usage ? openAiUsage(this.usage) : undefined;
    if (this.request.stream) {
      // The closing frames go out in one write: one chunked-encoding frame instead of up to three.
      const tail =
        this.writer.finish(reason) + (this.request.includeUsage ? this.writer.usage(usage) : '') + DONE_FRAME;
      this.write(tail);
      this.end();
    } else {
      this.state.ended = true;
      const body = chatCompletionObject(this.identity, {
        content: this.answer,
        reasoning: this.reasoning,
        finishReason: reason,
        ...(usage ? { usage } : {}),
      });
      const text = JSON.stringify(body);
      if (!this.state.res.headersSent && !this.state.res.destroyed) {
        this.state.res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
          ...this.headers,
        });
      }
      this.state.res.end(text);
    }
  }

  /** Ends the answer with an error: a status before the commit, an error event after it. */
  fail(
    failure: UpstreamFailure | ProxyError,
    options: { retryAfterSeconds?: number; transport?: ExchangeError } = {},
  ): void {
    if (this.state.ended) return;
    const error = 'kind' in failure ? errorForFailure(failure, options) : failure;
    if (this.state.committed) {
      this.write(this.writer.error(error));
      this.end();
    } else {
      this.state.ended = true;
      sendError(this.state.res, error, this.headers);
    }
  }

  private end(): void {
    this.state.ended = true;
    if (!this.state.res.writableEnded) this.state.res.end();
  }
}

/** Writes a keep-alive comment to committed streams that have been quiet for `quietMs`. */
export function sendKeepAlives(open: ReadonlySet<ResponseState>, quietMs: number, now = Date.now()): void {
  for (const state of open) {
    if (!state.stream || !state.committed || state.ended || state.res.destroyed || now - state.lastWrite < quietMs)
      continue;
    state.res.write(KEEPALIVE_FRAME);
    state.lastWrite = now;
  }
}

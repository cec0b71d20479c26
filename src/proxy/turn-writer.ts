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
import type { AnswerFormat } from './answer-format.js';
import { KEEPALIVE_FRAME, type FinishReason } from './chunk-writer.js';
import { errorForFailure } from './failure-response.js';
import { sendJson } from './http-io.js';
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

/** What the writer tells the turn when a complete answer is known. */
export interface AnsweredTurn {
  readonly answer: string;
  readonly chatId?: string | undefined;
  readonly responseId?: string | undefined;
}

/**
 * Writes one upstream turn into the client's response in the client's API (`AnswerFormat`): SSE
 * frames for a stream, one JSON body otherwise; an error as a status before the commit and as an
 * error event after it.
 */
export class TurnWriter {
  private answer = '';
  private reasoning = '';
  private usage: QwenUsage | undefined;
  private lengthHit = false;
  /** The upstream sent its final answer event and the client got a complete answer. */
  finishedByUpstream = false;
  /** The upstream chat and response of the current attempt, for the conversation memory. */
  chatId: string | undefined;
  private responseId: string | undefined;
  /**
   * Called once a complete answer is known, before the client gets its end; the end waits for the
   * promise it returns (the conversation written to a shared store), whatever its outcome.
   */
  onAnswered: ((turn: AnsweredTurn) => Promise<void> | void) | undefined;
  /** Settles when the end of an answered turn has been written. */
  finishing: Promise<void> | undefined;
  /** The upstream request of the current attempt; each attempt gets its own. */
  private attempt = new AbortController();
  failure: UpstreamFailure | undefined;

  constructor(
    private readonly state: ResponseState,
    private readonly format: AnswerFormat,
    private readonly request: Pick<ChatRequest, 'stream' | 'maxTokens'>,
    private readonly headers: Record<string, string>,
  ) {}

  /** Forgets what a failed, uncommitted attempt collected, before the next session tries. */
  reset(): AbortSignal {
    this.attempt = new AbortController();
    this.answer = '';
    this.reasoning = '';
    this.usage = undefined;
    this.failure = undefined;
    this.finishedByUpstream = false;
    this.finishing = undefined;
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
        if (this.request.stream) this.write(this.format.content(update.text));
        return;
      case 'reasoning':
        this.reasoning += update.text;
        if (this.request.stream) this.write(this.format.reasoning(update.text));
        return;
      case 'usage':
        this.usage = update.usage;
        this.format.usage(update.usage);
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
        this.finish(this.onAnswered?.({ answer: this.answer, chatId: this.chatId, responseId: this.responseId }));
        return;
      default:
        return;
    }
  };

  /** Ends an answered turn, after the conversation memory took it when that is asynchronous. */
  private finish(remembered: Promise<void> | void): void {
    if (!remembered) {
      this.succeed('stop');
      return;
    }
    this.stopUpstream();
    this.finishing = remembered.then(
      () => this.succeed('stop'),
      () => this.succeed('stop'),
    );
  }

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
    const start = this.format.start();
    if (start !== '') this.write(start);
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
    if (this.request.stream) {
      this.write(this.format.finish(reason, this.usage));
      this.end();
    } else {
      this.state.ended = true;
      const body = this.format.body({
        content: this.answer,
        reasoning: this.reasoning,
        finishReason: reason,
        usage: this.usage,
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
      this.write(this.format.streamError(error));
      this.end();
    } else {
      this.state.ended = true;
      sendJson(this.state.res, error.status, this.format.errorBody(error), {
        ...this.headers,
        ...(error.headers ?? {}),
      });
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

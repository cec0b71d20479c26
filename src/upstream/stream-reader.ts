/**
 * Reads a chat.qwen.ai completion event stream (protocol.md §5) into typed updates and one
 * verdict, incrementally or in one go. Chunks may split anywhere; the result depends only on the
 * concatenated text. Never throws: anything unreadable becomes a failure value.
 *
 * Capture files in fixtures/qwen-sse/ hold `#` comment lines. They are fed as they are: SSE
 * ignores lines with an unknown field name, and `# …` is one, so no stripping is needed.
 */
import { createParser, type EventSourceMessage, type EventSourceParser, type ParseError } from 'eventsource-parser';
import { isEventStream, type ExchangeError, type ExchangeResponse } from '../exchange/exchange.js';
import {
  normaliseUsage,
  parseCreated,
  parseDeltaEvent,
  sameUsage,
  SummaryRenderer,
  type QwenDelta,
} from './stream-schemas.js';
import type {
  EndOptions,
  QwenCreated,
  QwenStreamResult,
  QwenStreamUpdate,
  QwenUsage,
  ReasoningPhase,
} from './stream-types.js';
import { classifyBody, classifyResponse, failureFromJson, sampleOf, type UpstreamFailure } from './upstream-failure.js';

// Enough of the start of a body to recognise an error page or envelope that came instead of SSE.
// Only needed while no event has been seen: `end` classifies the head only for an event-less body.
const HEAD_LIMIT = 64 * 1024;

/** Options of a reader. */
export interface QwenStreamReaderOptions {
  /**
   * Keep the answer and reasoning text for the result (default true). A live consumer that takes
   * the text from the updates (the proxy) says false: the result then has empty texts (`ok` is
   * still judged on whether answer text came), and an open stream does not hold its answer twice.
   */
  readonly keepText?: boolean;
}

/** Incremental reader: `push` chunks as they arrive, then `end` once. */
export class QwenStreamReader {
  private readonly parser: EventSourceParser;
  private readonly summary = new SummaryRenderer();
  private pending: QwenStreamUpdate[] = [];
  private answer = '';
  private reasoning = '';
  private sawAnswer = false;
  private readonly keepText: boolean;
  private reasoningPhase: ReasoningPhase | undefined;
  private sawSummary = false;
  private usage: QwenUsage | undefined;
  private created: QwenCreated | undefined;
  private finished = false;
  private events = 0;
  private failure: UpstreamFailure | undefined;
  private readonly comments: string[] = [];
  private head = '';
  private started = false;
  /** While `flushing`, a half-received last event is a cut, not malformed data. */
  private state: 'open' | 'flushing' | 'flushed' = 'open';
  private result: QwenStreamResult | undefined;

  constructor(options: QwenStreamReaderOptions = {}) {
    this.keepText = options.keepText !== false;
    this.parser = createParser({
      onEvent: (e) => this.onEvent(e),
      onComment: (c) => this.comments.push(c),
      onError: (e) => this.onNonSseLine(e),
    });
    // eventsource-parser strips a BOM only when it sits whole in the first chunk; feeding an
    // empty first chunk turns that off so chunking cannot change the result. We strip U+FEFF.
    this.parser.feed('');
  }

  /** Feeds the next chunk of decoded text; returns the updates it completed (often none). Ignored after `flush`. */
  push(text: string): QwenStreamUpdate[] {
    if (this.state === 'flushed' || text === '') return [];
    let chunk = text;
    if (!this.started) {
      this.started = true;
      if (chunk.startsWith('\uFEFF')) chunk = chunk.slice(1);
    }
    if (this.events === 0 && this.head.length < HEAD_LIMIT) this.head += chunk.slice(0, HEAD_LIMIT - this.head.length);
    try {
      this.parser.feed(chunk);
    } catch (err) {
      this.fail({ kind: 'malformed', reason: `parser error: ${String(err)}`, sample: sampleOf(chunk, 60) });
    }
    // Once an event arrived the head can never be classified: free it rather than hold 64 KiB per stream.
    if (this.events > 0) this.head = '';
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /**
   * Marks the end of the text and returns the updates of a last event that lacked its closing
   * blank line (the excerpt capture ends like that). Dropping it, as strict SSE would, could hide
   * the finish. Call it before `end` when the updates matter; `end` calls it anyway.
   */
  flush(): QwenStreamUpdate[] {
    if (this.state !== 'open') return [];
    this.state = 'flushing';
    const updates = this.push('\n\n');
    this.state = 'flushed';
    return updates;
  }

  /** Ends the stream and returns the verdict; later calls return the same result. */
  end(opts: EndOptions = {}): QwenStreamResult {
    if (this.result !== undefined) return this.result;
    this.flush();
    if (this.failure === undefined) {
      const fromBody = this.events === 0 ? classifyBody(this.head) : undefined;
      if (fromBody) this.failure = fromBody;
      else if (opts.cut) this.failure = { kind: 'truncated', reason: 'cut', events: this.events };
      else if (!this.finished) this.failure = { kind: 'truncated', reason: 'no-finish', events: this.events };
    }
    const summary = this.sawSummary ? this.summary.summary : undefined;
    this.result = {
      ok: this.sawAnswer && this.finished && this.failure === undefined,
      answer: this.answer,
      reasoning: this.reasoning,
      ...(this.reasoningPhase ? { reasoningPhase: this.reasoningPhase } : {}),
      ...(summary ? { summary } : {}),
      ...(this.usage ? { usage: this.usage } : {}),
      ...(this.created ? { created: this.created } : {}),
      finished: this.finished,
      events: this.events,
      ...(this.failure ? { failure: this.failure } : {}),
      comments: [...this.comments],
    };
    return this.result;
  }

  private emit(update: QwenStreamUpdate): void {
    this.pending.push(update);
  }

  private fail(failure: UpstreamFailure): void {
    this.failure ??= failure;
    this.emit({ kind: 'failure', failure });
  }

  private onEvent(e: EventSourceMessage): void {
    this.events++;
    const data = e.data.trim();
    if (data === '' || data === '[DONE]') return;
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      this.fail(
        this.state === 'flushing'
          ? { kind: 'truncated', reason: 'cut', events: this.events - 1 }
          : { kind: 'malformed', reason: 'event data is not JSON', sample: sampleOf(data, 60) },
      );
      return;
    }
    try {
      this.onJson(value);
    } catch (err) {
      // Our own bug must not crash a proxy mid-stream; report it as unreadable data instead.
      this.fail({ kind: 'malformed', reason: `reader error: ${String(err)}`, sample: sampleOf(data, 60) });
    }
  }

  /** A line that is not SSE: a raw JSON error line gets the same treatment as a data line. */
  private onNonSseLine(e: ParseError): void {
    const line = e.line?.trim() ?? '';
    if (!line.startsWith('{')) return;
    try {
      const failure = failureFromJson(JSON.parse(line), { inStream: true, afterEvents: this.events });
      if (failure) this.fail(failure);
    } catch {
      // Not JSON: an unknown SSE field, which the SSE rules say to ignore.
    }
  }

  private onJson(value: unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail({
        kind: 'malformed',
        reason: 'event data is not a JSON object',
        sample: sampleOf(JSON.stringify(value), 60),
      });
      return;
    }
    const failure = failureFromJson(value, { inStream: true, afterEvents: this.events - 1 });
    if (failure) return this.fail(failure);
    const created = parseCreated(value);
    if (created) {
      this.created = created;
      this.emit({ kind: 'created', ...created });
      return;
    }
    const parsed = parseDeltaEvent(value);
    if (!parsed) return this.emit({ kind: 'other', data: value });
    this.onUsage(parsed.usage);
    const delta = parsed.choices?.[0]?.delta;
    if (delta) this.onDelta(delta, value);
    else if (parsed.usage === undefined) this.emit({ kind: 'other', data: value });
  }

  private onUsage(raw: unknown): void {
    const usage = raw === undefined ? undefined : normaliseUsage(raw);
    if (!usage) return;
    const changed = !sameUsage(this.usage, usage);
    this.usage = usage;
    if (changed) this.emit({ kind: 'usage', usage });
  }

  private onDelta(delta: QwenDelta, raw: unknown): void {
    // Without `feature_config.output_schema:"phase"` the upstream omits `phase`: the text is the answer.
    const phase = delta.phase ?? 'answer';
    const content = delta.content ?? '';
    if (delta.name === 'web_search') {
      this.emit({ kind: 'other', data: raw });
    } else if (phase === 'answer') {
      if (content !== '') {
        this.sawAnswer = true;
        if (this.keepText) this.answer += content;
        this.emit({ kind: 'answer', text: content });
      }
    } else if (phase === 'think') {
      this.onReasoning(content, 'think');
    } else if (phase === 'thinking_summary') {
      const titles = delta.extra?.summary_title?.content;
      const thoughts = delta.extra?.summary_thought?.content;
      if (titles || thoughts) this.sawSummary = true;
      this.onReasoning(this.summary.next(titles, thoughts), 'thinking_summary');
    } else {
      this.emit({ kind: 'other', data: raw });
    }
    if (delta.status === 'finished') {
      this.emit({ kind: 'phase-finished', phase });
      if (phase === 'answer' && delta.name !== 'web_search') {
        this.finished = true;
        this.emit({ kind: 'finished' });
      }
    }
  }

  private onReasoning(text: string, phase: ReasoningPhase): void {
    if (text === '') return;
    if (this.keepText) this.reasoning += text;
    this.reasoningPhase = phase;
    this.emit({ kind: 'reasoning', text, phase });
  }
}

/** Reads a whole event-stream text at once. */
export function readQwenStream(text: string, opts: EndOptions = {}): QwenStreamResult {
  const reader = new QwenStreamReader();
  reader.push(text);
  return reader.end(opts);
}

/** Rebuilds SSE text from captured events when the body itself was not kept. */
function streamText(response: ExchangeResponse): string {
  if (response.body !== undefined) return response.body;
  return (response.sse ?? []).map((e) => `${e.event ? `event: ${e.event}\n` : ''}data: ${e.data}\n\n`).join('');
}

function looksLikeSse(body: string): boolean {
  return /^\s*(?:data|event|id|retry):|^:/.test(body);
}

/**
 * The verdict on one captured completion: "a working answer is an event stream with answer
 * text". A 2xx event stream (by content type or by its first line) is read; anything else is
 * classified, so a 200 carrying a JSON error or a WAF page is a failure, as is a transport error.
 */
export function judgeQwenResponse(response: ExchangeResponse | undefined, error?: ExchangeError): QwenStreamResult {
  const failed = (failure: UpstreamFailure): QwenStreamResult => ({
    ok: false,
    answer: '',
    reasoning: '',
    finished: false,
    events: 0,
    failure,
    comments: [],
  });
  if (!response)
    return failed(classifyResponse(undefined, error) ?? { kind: 'transport', code: 'NO_RESPONSE', message: '' });
  if (response.bodyEncoding === 'base64') {
    return failed({ kind: 'malformed', reason: 'binary (base64) body where an event stream was expected', sample: '' });
  }
  const text = streamText(response);
  const success = response.status >= 200 && response.status < 300;
  if (success && (isEventStream(response) || looksLikeSse(text))) {
    return readQwenStream(text, { cut: error !== undefined });
  }
  const failure = classifyResponse({ ...response, body: text }, error);
  if (failure) return failed(failure);
  return failed({
    kind: 'malformed',
    reason:
      text.trim() === ''
        ? 'empty body where an event stream was expected'
        : 'body is neither an event stream nor a known error',
    sample: sampleOf(text, 60),
  });
}

/**
 * Judges a fetch `Response` from the simulator (or chat.qwen.ai) the way qwen-probe's stream reader
 * does (src/upstream/stream-reader.ts), so a client's test can assert on the same failure names
 * every qwen-probe report uses: `Internal_Server_Error`, `auth`, `waf`, `rate-limited`, `truncated`,
 * `malformed`, ... An event stream is read event by event as it arrives (`onUpdate` sees each one).
 */
import type { Header } from '../exchange/exchange.js';
import { judgeQwenResponse, QwenStreamReader } from '../upstream/stream-reader.js';
import type { QwenStreamResult, QwenStreamUpdate } from '../upstream/stream-types.js';
import { failureName, type UpstreamFailure } from '../upstream/upstream-failure.js';

/** The verdict on one answer. */
export interface Answer {
  /** Answer text came, and the final answer event, and no failure. */
  readonly ok: boolean;
  readonly status: number;
  readonly answer: string;
  readonly reasoning: string;
  /** The reader's short failure name (`Internal_Server_Error`, `auth`, `truncated`, ...) when it failed. */
  readonly failure?: string;
  /** The failure as the reader describes it. */
  readonly failureDetail?: UpstreamFailure;
  /** Events read. */
  readonly events: number;
  /** The reader's whole result. */
  readonly result: QwenStreamResult;
}

/** Options of `readAnswer`. */
export interface ReadAnswerOptions {
  /** Called with each update as its event arrives. */
  readonly onUpdate?: ((update: QwenStreamUpdate) => void) | undefined;
}

function headersOf(response: Response): Header[] {
  const out: Header[] = [];
  response.headers.forEach((value, name) => out.push({ name, value }));
  return out;
}

function answerOf(status: number, result: QwenStreamResult): Answer {
  return {
    ok: result.ok,
    status,
    answer: result.answer,
    reasoning: result.reasoning,
    ...(result.failure ? { failure: failureName(result.failure), failureDetail: result.failure } : {}),
    events: result.events,
    result,
  };
}

/** Reads a response to its end (or its cut) and judges it. Never throws for a failed answer. */
export async function readAnswer(response: Response, options: ReadAnswerOptions = {}): Promise<Answer> {
  const type = response.headers.get('content-type') ?? '';
  const success = response.status >= 200 && response.status < 300;
  if (success && type.toLowerCase().includes('text/event-stream') && response.body) {
    const reader = new QwenStreamReader();
    const decoder = new TextDecoder();
    const emit = (updates: QwenStreamUpdate[]) => {
      for (const update of updates) options.onUpdate?.(update);
    };
    let cut = false;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
        emit(reader.push(decoder.decode(chunk, { stream: true })));
      emit(reader.push(decoder.decode()));
    } catch {
      cut = true;
    }
    emit(reader.flush());
    return answerOf(response.status, reader.end({ cut }));
  }
  let body = '';
  let error: { code: string; message: string } | undefined;
  try {
    body = await response.text();
  } catch (failure) {
    error = { code: 'ECONNRESET', message: String(failure) };
  }
  const result = judgeQwenResponse({ status: response.status, headers: headersOf(response), body }, error);
  return answerOf(response.status, result);
}

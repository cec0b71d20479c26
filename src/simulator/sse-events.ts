/**
 * The events of one completion stream, in the captured wire style (fixtures/qwen-sse/*.txt,
 * guygubaby 2026-06-03): Python `json.dumps` spacing (`{"a": 1, "b": 2}`), the oddly spaced
 * `response.created` line, incremental answer deltas with usage on each, a summary or think phase
 * before the answer when thinking is on, and a final `status:"finished"` event. No `[DONE]`.
 */
import { countTokens, expectedAnswer, splitIntoPieces } from './answers.js';

/** Python's default `json.dumps` separators (`, ` and `: `), non-ASCII kept as is. */
export function pyJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** One SSE frame: `data: <payload>\n\n`. */
export function sseFrame(data: string): string {
  return `data: ${data}\n\n`;
}

export interface StreamPlanInput {
  readonly chatId: string;
  /** The user message's id (the request's messages[0].fid, or a fresh uuid). */
  readonly parentId: string;
  readonly responseId: string;
  readonly prompt: string;
  /** Thinking on and the model able to think. */
  readonly thinking: boolean;
  readonly thinkingFormat: 'summary' | 'detail';
  /** False when messages[0].feature_config.output_schema is not "phase": deltas lose `phase`. */
  readonly withPhase: boolean;
  /** `response_index` of the `response.created` event: "1" for the second answer of a dual response. */
  readonly responseIndex?: '0' | '1';
}

/** A planned event: its payload is built when it is sent, so `timestamp` is the send time. */
export interface PlannedEvent {
  readonly kind: 'created' | 'reasoning' | 'reasoning-end' | 'answer' | 'finished';
  /** The answer text this event adds (for the chat store). */
  readonly answerText: string;
  /** Which answer of a dual response the event belongs to (absent: the only one). */
  readonly responseIndex?: '0' | '1';
  payload(nowSeconds: number): string;
}

/** The `response.created` line exactly as captured, spacing quirks included. */
function createdPayload(input: Pick<StreamPlanInput, 'chatId' | 'parentId' | 'responseId' | 'responseIndex'>): string {
  const j = JSON.stringify;
  return (
    `{"response.created":{"chat_id": ${j(input.chatId)}, "parent_id": ${j(input.parentId)}, ` +
    `"response_id":${j(input.responseId)}, "response_index": ${j(input.responseIndex ?? '0')}}}`
  );
}

/** The prompt's input tokens as the stream counts them (a hidden system prompt of about 1000, protocol.md §5.3). */
export function inputTokensOf(prompt: string): number {
  return 1000 + Math.ceil([...prompt].length / 4);
}

/**
 * The silent soft block (protocol.md §9.5): `response.created`, then at once the `finished` event,
 * with no content and `output_tokens: 0`. The HTTP status is 200 and the content type an event
 * stream, so nothing but the missing answer gives it away.
 */
export function planSoftBlock(input: {
  readonly chatId: string;
  readonly parentId: string;
  readonly responseId: string;
  readonly prompt: string;
}): PlannedEvent[] {
  const inputTokens = inputTokensOf(input.prompt);
  return [
    { kind: 'created', answerText: '', payload: () => createdPayload(input) },
    {
      kind: 'finished',
      answerText: '',
      payload: () =>
        pyJson({
          choices: [{ delta: { content: '', role: 'assistant', status: 'finished', phase: 'answer' } }],
          response_id: input.responseId,
          usage: { input_tokens: inputTokens, output_tokens: 0, total_tokens: inputTokens },
        }),
    },
  ];
}

/**
 * Two answers of one turn in one stream (protocol.md §9.14): both `response.created` events first
 * (`response_index` "0" and "1"), then their events alternating, so a reader that joins every delta
 * prints each word twice, letter-mixed.
 */
export function interleaveResponses(first: readonly PlannedEvent[], second: readonly PlannedEvent[]): PlannedEvent[] {
  const tag = (events: readonly PlannedEvent[], responseIndex: '0' | '1') =>
    events.map((e): PlannedEvent => ({ ...e, responseIndex }));
  const a = tag(first, '0');
  const b = tag(second, '1');
  const out: PlannedEvent[] = [...a.filter((e) => e.kind === 'created'), ...b.filter((e) => e.kind === 'created')];
  const restA = a.filter((e) => e.kind !== 'created');
  const restB = b.filter((e) => e.kind !== 'created');
  for (let i = 0; i < Math.max(restA.length, restB.length); i++) {
    if (restA[i]) out.push(restA[i]!);
    if (restB[i]) out.push(restB[i]!);
  }
  return out;
}

/** Summary arrays that grow in the order SummaryRenderer can append: a section appears, its thought grows. */
function summarySteps(
  titles: readonly string[],
  thoughts: readonly string[],
): { titles: string[]; thoughts: string[] }[] {
  const steps: { titles: string[]; thoughts: string[] }[] = [];
  titles.forEach((title, i) => {
    const pieces = splitIntoPieces(thoughts[i] ?? '', 6);
    let grown = '';
    for (const piece of pieces) {
      grown += piece;
      steps.push({ titles: titles.slice(0, i + 1) as string[], thoughts: [...thoughts.slice(0, i), grown] });
    }
  });
  return steps;
}

/** Plans every event of a stream for the prompt; deterministic but for ids and timestamps. */
export function planStream(input: StreamPlanInput): PlannedEvent[] {
  const expected = expectedAnswer(input.prompt, { thinking: input.thinking });
  const inputTokens = inputTokensOf(input.prompt);
  const rid = input.responseId;
  const phase = (name: string): { phase?: string } => (input.withPhase ? { phase: name } : {});
  const events: PlannedEvent[] = [{ kind: 'created', answerText: '', payload: () => createdPayload(input) }];
  let reasoningTokens = 0;

  if (input.thinking && input.withPhase && expected.summary && expected.reasoning !== undefined) {
    if (input.thinkingFormat === 'summary') {
      const finalTokens = countTokens(expected.reasoning);
      for (const step of summarySteps(expected.summary.titles, expected.summary.thoughts)) {
        reasoningTokens = countTokens(step.titles.join(' ') + ' ' + step.thoughts.join(' '));
        const tokens = reasoningTokens;
        events.push({
          kind: 'reasoning',
          answerText: '',
          payload: (ts) =>
            pyJson({
              choices: [
                {
                  delta: {
                    role: 'assistant',
                    content: '',
                    phase: 'thinking_summary',
                    extra: { summary_title: { content: step.titles }, summary_thought: { content: step.thoughts } },
                    status: 'typing',
                  },
                },
              ],
              response_id: rid,
              usage: {
                input_tokens: inputTokens,
                output_tokens: tokens,
                total_tokens: inputTokens + tokens,
                output_tokens_details: { reasoning_tokens: tokens, text_tokens: tokens },
              },
              timestamp: ts,
            }),
        });
      }
      reasoningTokens = finalTokens;
    } else {
      for (const piece of splitIntoPieces(expected.reasoning, 3)) {
        reasoningTokens += countTokens(piece);
        const tokens = reasoningTokens;
        events.push({
          kind: 'reasoning',
          answerText: '',
          payload: (ts) =>
            pyJson({
              choices: [{ delta: { role: 'assistant', content: piece, phase: 'think', status: 'typing' } }],
              response_id: rid,
              usage: {
                input_tokens: inputTokens,
                output_tokens: tokens,
                total_tokens: inputTokens + tokens,
                output_tokens_details: { reasoning_tokens: tokens, text_tokens: tokens },
              },
              timestamp: ts,
            }),
        });
      }
    }
    const endPhase = input.thinkingFormat === 'summary' ? 'thinking_summary' : 'think';
    events.push({
      kind: 'reasoning-end',
      answerText: '',
      payload: (ts) =>
        pyJson({
          choices: [{ delta: { role: 'assistant', content: '', phase: endPhase, status: 'finished' } }],
          response_id: rid,
          timestamp: ts,
        }),
    });
  }

  let outputTokens = reasoningTokens;
  const answerDelta = (content: string, tokens: number, textTokens: number) => (ts: number) =>
    pyJson({
      choices: [{ delta: { role: 'assistant', content, ...phase('answer'), status: 'typing' } }],
      response_id: rid,
      usage: {
        input_tokens: inputTokens,
        output_tokens: tokens,
        characters: 0,
        total_tokens: inputTokens + tokens,
        input_tokens_details: { text_tokens: inputTokens },
        output_tokens_details: {
          text_tokens: textTokens,
          ...(reasoningTokens > 0 ? { reasoning_tokens: reasoningTokens } : {}),
        },
        prompt_tokens_details: { cached_tokens: 0 },
      },
      timestamp: ts,
    });
  let textTokens = 0;
  for (const piece of splitIntoPieces(expected.answer, 3)) {
    const n = countTokens(piece);
    outputTokens += n;
    textTokens += n;
    events.push({ kind: 'answer', answerText: piece, payload: answerDelta(piece, outputTokens, textTokens) });
  }
  // The capture ends its answer with an empty typing delta before the finished event.
  events.push({ kind: 'answer', answerText: '', payload: answerDelta('', outputTokens, textTokens) });
  events.push({
    kind: 'finished',
    answerText: '',
    payload: () =>
      pyJson({
        choices: [{ delta: { content: '', role: 'assistant', status: 'finished', ...phase('answer') } }],
        response_id: rid,
      }),
  });
  return events;
}

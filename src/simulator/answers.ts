/**
 * The simulator's answers: a pure function of the prompt, so load tests and e2e tests can check
 * every streamed character. An answer is a short echo of the prompt plus two sentences picked by a
 * hash of it; `[[words=N]]` in the prompt appends N more words for long streams.
 */

/** Reasoning as the stream carries it in `thinking_summary` events (cumulative arrays). */
export interface ExpectedSummary {
  readonly titles: readonly string[];
  readonly thoughts: readonly string[];
}

export interface ExpectedAnswer {
  /** The answer text, exactly the concatenation of the answer deltas. */
  readonly answer: string;
  /**
   * With thinking: the reasoning text. The `think` phase streams exactly this; the `thinking_summary`
   * arrays render to exactly this as `**title**\nthought` sections joined by a blank line (the
   * rendering of SummaryRenderer in src/upstream/stream-schemas.ts).
   */
  readonly reasoning?: string;
  /** With thinking: the final summary arrays. */
  readonly summary?: ExpectedSummary;
}

/** `[[words=N]]` anywhere in a prompt asks for N extra words (capped), for long-stream load tests. */
export const LONG_ANSWER_DIRECTIVE = /\[\[words=(\d+)\]\]/;
export const MAX_EXTRA_WORDS = 200_000;

const SENTENCES = [
  'This answer comes from the qwen-probe simulator, not from Qwen.',
  'The simulator streams it a few words at a time, like chat.qwen.ai.',
  'Every word here follows from your prompt, so tests can check it exactly.',
  'Ask again with the same words and you will get the same reply.',
  'The request shape you sent was accepted by the active profile.',
  'Nothing left this machine to produce this reply.',
  'Think of this as a stand-in that speaks the real wire format.',
  'Streaming, threading and usage counts behave as the notes describe.',
];

const FILLER = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliet',
  'kilo',
  'lima',
  'mike',
  'november',
  'oscar',
  'papa',
];

/** FNV-1a 32-bit: tiny, stable across Node versions, good enough to pick sentences. */
export function hashPrompt(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function echoOf(prompt: string): string {
  const flat = prompt.replace(LONG_ANSWER_DIRECTIVE, '').replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > 80 ? `${chars.slice(0, 80).join('')}…` : flat;
}

function extraWords(prompt: string, seed: number): string {
  const m = LONG_ANSWER_DIRECTIVE.exec(prompt);
  const n = m ? Math.min(Number(m[1]), MAX_EXTRA_WORDS) : 0;
  const words: string[] = [];
  let x = seed || 1;
  for (let i = 0; i < n; i++) {
    // xorshift32: deterministic filler without storing anything.
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words.push(FILLER[x % FILLER.length] ?? 'alpha');
  }
  return words.length > 0 ? ` ${words.join(' ')}.` : '';
}

function summaryFor(prompt: string, h: number): ExpectedSummary {
  const chars = [...prompt].length;
  return {
    titles: ['Reading the request', 'Planning the reply'],
    thoughts: [
      `The user sent a prompt of ${chars} characters. I should echo its start so the reply is easy to check.`,
      `I will add sentence ${(h % SENTENCES.length) + 1} and sentence ${((h >>> 8) % SENTENCES.length) + 1} of the ` +
        `simulator's list, then stop.`,
    ],
  };
}

/** Renders summary arrays the way SummaryRenderer does for sections that grow in order. */
export function renderSummary(summary: ExpectedSummary): string {
  return summary.titles.map((title, i) => `**${title}**\n${summary.thoughts[i] ?? ''}`).join('\n\n');
}

/** The answer (and with `thinking`, the reasoning) the simulator streams for `prompt`. */
export function expectedAnswer(prompt: string, opts: { thinking?: boolean } = {}): ExpectedAnswer {
  const h = hashPrompt(prompt);
  const first = SENTENCES[h % SENTENCES.length] ?? '';
  const second = SENTENCES[(h >>> 8) % SENTENCES.length] ?? '';
  const answer = `You said: "${echoOf(prompt)}". ${first} ${second}${extraWords(prompt, h)}`;
  if (!opts.thinking) return { answer };
  const summary = summaryFor(prompt, h);
  return { answer, reasoning: renderSummary(summary), summary };
}

/**
 * Splits text into pieces of `wordsPerPiece` words that concatenate back to the text exactly
 * (whitespace rides with the word before it).
 */
export function splitIntoPieces(text: string, wordsPerPiece = 3): string[] {
  const tokens = text.match(/\s*\S+\s*/g) ?? (text === '' ? [] : [text]);
  const pieces: string[] = [];
  for (let i = 0; i < tokens.length; i += wordsPerPiece) pieces.push(tokens.slice(i, i + wordsPerPiece).join(''));
  return pieces;
}

/** A rough token count (words), used for the growing `output_tokens`. */
export function countTokens(text: string): number {
  return (text.match(/\S+/g) ?? []).length;
}

import { describe, expect, it } from 'vitest';
import { createStreamPrinter, statusLine } from '../../src/replay/replay-output.js';
import type { ReplayTurn } from '../../src/replay/replay-capture.js';

describe('createStreamPrinter', () => {
  it('dims reasoning with colour on, then prints the answer after a blank line', () => {
    let text = '';
    const printer = createStreamPrinter((t) => (text += t), { color: true });
    printer.onUpdate({ kind: 'reasoning', text: 'Let me think.', phase: 'think' });
    printer.onUpdate({ kind: 'answer', text: 'Hello' });
    printer.onUpdate({ kind: 'answer', text: ' there' });
    printer.end();
    expect(text).toBe('\u001b[2mLet me think.\u001b[22m\n\nHello there\n');
  });

  it('writes plain text without colour', () => {
    let text = '';
    const printer = createStreamPrinter((t) => (text += t), { color: false });
    printer.onUpdate({ kind: 'reasoning', text: 'Hmm', phase: 'think' });
    printer.end();
    expect(text).toBe('Hmm\n');
  });
});

describe('statusLine', () => {
  const turn = (over: Partial<ReplayTurn>): ReplayTurn => ({
    entry: 1,
    verdict: { outcome: 'works', explanation: '', exchanges: [], ms: 300 },
    answer: 'Hi',
    reasoning: '',
    totalMs: 1530,
    ...over,
  });

  it('shows status, verdict, usage, time to first token and total time', () => {
    expect(
      statusLine(
        turn({ status: 200, usage: { inputTokens: 1002, outputTokens: 27, totalTokens: 1029 }, firstTokenMs: 41 }),
      ),
    ).toBe('200 · works · 1002 in / 27 out tokens · first token 41 ms · total 1.53 s');
  });

  it('names the failure and says when nothing answered', () => {
    expect(
      statusLine(
        turn({
          verdict: {
            outcome: 'inconclusive',
            failure: 'transport:ECONNREFUSED',
            explanation: '',
            exchanges: [],
            ms: 3,
          },
        }),
      ),
    ).toBe('no response · inconclusive: transport:ECONNREFUSED · first token — · total 1.53 s');
  });
});

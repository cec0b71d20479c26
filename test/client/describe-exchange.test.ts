import { describe, expect, it } from 'vitest';
import { exchangeLine, formatBytes, verdictLine } from '../../src/client/describe-exchange.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { readQwenStream } from '../../src/upstream/stream-reader.js';
import { failedResult } from '../../src/client/run-shape.js';

const base: Exchange = {
  id: '1',
  source: 'library',
  startedAt: '2026-06-15T12:00:00.000Z',
  request: { method: 'POST', url: 'https://chat.qwen.ai/api/v2/chat/completions?chat_id=abc', headers: [] },
};

describe('exchangeLine', () => {
  it('shows method, path, status, size, events and time of a streamed answer', () => {
    const ex: Exchange = {
      ...base,
      response: {
        status: 200,
        headers: [],
        body: 'x'.repeat(1234),
        sse: Array.from({ length: 14 }, (_, i) => ({ t: i, data: '{}' })),
        chunks: [{ t: 1, size: 1234 }],
      },
      timings: { total: 312.4 },
    };
    expect(exchangeLine(ex)).toBe('POST /api/v2/chat/completions 200 1.2 kB 14 events 312 ms');
  });

  it('shows the error code of an exchange without a response, and marks unsent ones', () => {
    expect(exchangeLine({ ...base, error: { code: 'ECONNREFUSED', message: 'x' }, timings: { total: 3 } })).toBe(
      'POST /api/v2/chat/completions ECONNREFUSED 3 ms',
    );
    expect(exchangeLine(base)).toBe('POST /api/v2/chat/completions (not sent)');
  });

  it('formats sizes the way network panels do', () => {
    expect([formatBytes(830), formatBytes(1234), formatBytes(3_400_000)]).toEqual(['830 B', '1.2 kB', '3.4 MB']);
  });
});

describe('verdictLine', () => {
  it('quotes the answer on one line', () => {
    const stream = [
      '{"response.created":{"chat_id":"c","parent_id":"p","response_id":"r"}}',
      '{"choices":[{"delta":{"role":"assistant","content":"Hi\\nthere","phase":"answer","status":"typing"}}]}',
      '{"choices":[{"delta":{"role":"assistant","content":"","phase":"answer","status":"finished"}}]}',
    ]
      .map((d) => `data: ${d}\n\n`)
      .join('');
    expect(verdictLine(readQwenStream(stream))).toBe('answer: "Hi\\nthere"');
  });

  it('names an envelope failure and its details', () => {
    expect(
      verdictLine(failedResult({ kind: 'envelope', code: 'Internal_Server_Error', details: 'Internal error' })),
    ).toBe('failure: Internal_Server_Error — Internal error');
  });

  it('does not repeat validation details that the name already carries', () => {
    const line = verdictLine(
      failedResult({ kind: 'envelope', code: 'RequestValidationError', details: "Field 'chat_id': Field required" }),
    );
    expect(line).toBe("failure: RequestValidationError: Field 'chat_id': Field required");
  });
});

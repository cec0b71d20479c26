import { describe, expect, it } from 'vitest';
import { diffCaptures } from '../../src/diff/diff-captures.js';
import { CATEGORY_SCORES } from '../../src/diff/rank-findings.js';
import { explain } from '../../src/diff/explain.js';
import { browserWebCapture, shapeCapture } from './support/fixture-captures.js';

const seed = (shape: 'seed-v1' | 'seed-v4') =>
  shapeCapture(shape, { startMs: 1_760_000_000_000, chatId: '9a8b7c6d-1111-4222-8333-444455556666' });

describe('ranking and explaining findings', () => {
  it('puts the culprits of the simulator profile first: messages[0].chat_type, then model', () => {
    const result = diffCaptures(browserWebCapture(), seed('seed-v4'));
    const completions = result.pairs.find((p) => p.key === 'chat.completions')!;
    expect(completions.findings.slice(0, 2).map((f) => f.id)).toEqual(['body:messages[0].chat_type', 'body:model']);
    expect(completions.findings[0]!.explanation).toContain(
      "chat_type 'text' is not a chat type; the web client sends 't2t'",
    );
    expect(result.summary.top).toBe('body messages[0].chat_type');
  });

  it('finds the token kind mismatch of seed-v1 and ranks it above every header', () => {
    const pair = diffCaptures(browserWebCapture(), seed('seed-v1')).pairs.find((p) => p.key === 'chat.completions')!;
    const token = pair.findings.find((f) => f.id === 'header:authorization')!;
    expect(token).toMatchObject({
      category: 'kind-mismatch',
      kinds: { good: { kind: 'jwt' }, bad: { kind: 'gzip-base64' } },
    });
    const firstHeader = pair.findings.find((f) => f.category === 'header')!;
    expect(token.rank).toBeLessThan(firstHeader.rank);
  });

  it('orders categories as the issue asks: enum and missing, kind, extra, headers, cosmetic, volatile', () => {
    const order = [
      'enum-changed',
      'required-missing',
      'kind-mismatch',
      'extra-field',
      'header',
      'cosmetic',
      'volatile',
    ] as const;
    const scores = order.map((c) => CATEGORY_SCORES[c]);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('gives every finding, pair and diff one explaining sentence', () => {
    const result = diffCaptures(browserWebCapture(), seed('seed-v4'));
    expect(explain(result)).toMatch(/^\d+ differences across 2 pairs .*\.$/);
    for (const pair of result.pairs) {
      expect(explain(pair)).toMatch(/\.$/);
      for (const f of pair.findings) expect(explain(f), f.id).toMatch(/^[A-Z].*\.$/s);
    }
  });

  it('ranks volatile noise last and numbers ranks from 1', () => {
    for (const pair of diffCaptures(browserWebCapture(), seed('seed-v4')).pairs) {
      expect(pair.findings.map((f) => f.rank)).toEqual(pair.findings.map((_, i) => i + 1));
      const firstVolatile = pair.findings.findIndex((f) => f.volatile);
      expect(pair.findings.slice(firstVolatile).every((f) => f.volatile)).toBe(true);
    }
  });
});

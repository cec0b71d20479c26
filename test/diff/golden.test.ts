/**
 * Golden files: the Markdown and JSON reports of each input pair in fixtures/diff/ must equal the
 * committed ones. After an intended change, `npm run golden` regenerates them; review the git diff.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiffJsonReport } from '../../src/report/diff-json.js';
import { GOLDEN_CASES, GOLDEN_DIR, renderGoldenCase } from './support/golden-cases.js';

const expected = (name: string, file: string) => readFileSync(join(GOLDEN_DIR, name, file), 'utf8');

describe('golden diff reports', () => {
  for (const c of GOLDEN_CASES) {
    it(`${c.name}: ${c.description} (reports equal the committed ones)`, () => {
      const { md, json } = renderGoldenCase(c);
      expect(md).toBe(expected(c.name, 'expected.md'));
      expect(json).toBe(expected(c.name, 'expected.json'));
    });
  }

  it('seed-v4 against the browser ranks the two culprits of the simulator profile first', () => {
    const report = JSON.parse(expected('seed-v4-vs-web', 'expected.json')) as DiffJsonReport;
    const completions = report.pairs.find((p) => p.key === 'chat.completions')!;
    expect(completions.findings.slice(0, 2).map((f) => [f.id, f.category, f.good, f.bad])).toEqual([
      ['body:messages[0].chat_type', 'enum-changed', 't2t', 'text'],
      ['body:model', 'enum-changed', 'qwen3-max', 'qwen-turbo'],
    ]);
    expect(completions.bad.response.outcome).toBe('Internal_Server_Error');
  });

  it('seed-v4 against a real Chromium capture ranks the same two culprits first', () => {
    const report = JSON.parse(expected('seed-v4-vs-chromium', 'expected.json')) as DiffJsonReport;
    const completions = report.pairs.find((p) => p.key === 'chat.completions')!;
    expect(completions.findings.slice(0, 2).map((f) => f.id)).toEqual(['body:messages[0].chat_type', 'body:model']);
    expect(completions.good.source).toBe('browser');
  });

  it('seed-v1 against the browser finds the token kind mismatch without printing either token', () => {
    const text = expected('seed-v1-vs-web', 'expected.json');
    const report = JSON.parse(text) as DiffJsonReport;
    const token = report.pairs.flatMap((p) => p.findings).find((f) => f.id === 'header:authorization')!;
    expect(token).toMatchObject({
      category: 'kind-mismatch',
      secret: true,
      kinds: { good: { kind: 'jwt' }, bad: { kind: 'gzip-base64' } },
    });
    expect(token.good).toMatch(/^Bearer «jwt \d+ chars exp 2026-09-21»$/);
    expect(token.bad).toMatch(/^Bearer «gzip\+base64 \d+ chars»$/);
    expect(text).not.toMatch(/eyJ[\w-]{10,}\.|H4sI/);
  });

  it('two browser captures match modulo volatile values', () => {
    const report = JSON.parse(expected('web-vs-web', 'expected.json')) as DiffJsonReport;
    expect(report.verdict).toBe('match');
    expect(report.pairs.flatMap((p) => p.findings).every((f) => f.volatile)).toBe(true);
  });
});

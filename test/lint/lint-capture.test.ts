import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/exchange/capture-reader.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { learnProtocol } from '../../src/learn/index.js';
import { lintExchanges, type LintIssue } from '../../src/lint/index.js';
import { FIXTURE_TOKEN } from '../diff/support/fixture-captures.js';
import { editRequest, turns } from '../learn/support.js';
import { makeExchange } from '../support/make-exchange.js';

/** The browser captures the repository ships: the Chromium sample and the diff fixtures' working sides. */
const BROWSER_CAPTURES = [
  'captures/samples/browser-simulator-redacted.har',
  'fixtures/diff/seed-v4-vs-chromium/good.har',
  'fixtures/diff/seed-v4-vs-web/good.har',
  'fixtures/diff/seed-v1-vs-web/good.har',
];

async function browserProtocol() {
  const exchanges: Exchange[] = [];
  for (const path of BROWSER_CAPTURES) exchanges.push(...(await readCapture(path)).exchanges);
  return learnProtocol(exchanges, BROWSER_CAPTURES);
}

const byId = (issues: readonly LintIssue[], id: string) => issues.find((i) => i.id === id);

describe("lint against the protocol learnt from the repository's browser captures", () => {
  it("finds the seed's culprits without sending a request: chat_type, model, the compressed token", async () => {
    const protocol = await browserProtocol();
    const v4 = lintExchanges(protocol, turns('seed-v4', 1));
    expect(v4.verdict).toBe('issues');
    const chatType = byId(v4.issues, 'chat.completions body:messages[0].chat_type')!;
    expect(chatType).toMatchObject({ problem: 'outside-enum', rank: 1, expected: "'t2t'", actual: "'text'" });
    expect(chatType.fact?.id).toBe('message-chat-type-unknown');
    const model = byId(v4.issues, 'chat.completions body:model')!;
    expect(model).toMatchObject({ problem: 'outside-enum', rank: 2, actual: "'qwen-turbo'" });
    expect(model.fact?.id).toBe('model-alias');

    const v1 = lintExchanges(protocol, turns('seed-v1', 1));
    const token = byId(v1.issues, 'chat.completions header:authorization')!;
    expect(token.problem).toBe('auth-form');
    expect(token.fact?.id).toBe('token-compressed');
    expect(token.explanation).toMatch(/this request sends Authorization: Bearer <gzip-base64, \d+ chars>/);
    expect(token.explanation).not.toContain(FIXTURE_TOKEN.slice(0, 20));
  });

  it("ranks the seed's three culprits above the envelope fields and header gaps", async () => {
    const protocol = await browserProtocol();
    const issues = lintExchanges(protocol, turns('seed-v1', 1)).issues;
    const rank = (id: string) => byId(issues, id)!.rank;
    const envelope = rank('chat.completions body:messages[0].fid');
    for (const id of ['chat.completions body:messages[0].chat_type', 'chat.completions body:model'])
      expect(rank(id)).toBeLessThan(envelope);
    expect(rank('chat.completions header:authorization')).toBeLessThan(rank('chat.completions header:version'));
  });

  it("finds nothing in the browser's own requests, fresh ids, times and tokens included", async () => {
    const protocol = learnProtocol(turns('web', 3));
    const result = lintExchanges(protocol, turns('web', 4, 5, 'Something else entirely'));
    expect(result.issues).toEqual([]);
    expect(result).toMatchObject({
      verdict: 'clean',
      requests: 8,
      endpoints: { 'chats.new': 4, 'chat.completions': 4 },
    });
  });
});

describe('lint checks', () => {
  const protocol = learnProtocol(turns('web', 3));
  const completion = turns('web', 1, 4).find((e) => e.endpoint === 'chat.completions')!;
  const lintOne = (exchange: Exchange) => lintExchanges(protocol, [exchange]).issues;

  it('reports milliseconds where the browser sends seconds', () => {
    const [issue] = lintOne(editRequest(completion, (body) => (body.timestamp = body.timestamp * 1000)));
    expect(issue).toMatchObject({
      id: 'chat.completions body:timestamp',
      problem: 'wrong-kind',
      expected: 'timestamp-s',
    });
    expect(issue!.actual).toBe('a timestamp-ms');
  });

  it('reports a stale version header, and a missing one', () => {
    const stale = lintOne(
      editRequest(completion, (_b, headers) => headers.forEach((h) => h.name === 'version' && (h.value = '0.0.57'))),
    );
    expect(stale).toEqual([
      expect.objectContaining({
        id: 'chat.completions header:version',
        problem: 'outside-enum',
        actual: "'0.0.57'",
        expected: "'0.2.63'",
      }),
    ]);
    const [missing] = lintOne(
      editRequest(completion, (_b, headers) =>
        headers.splice(
          headers.findIndex((h) => h.name === 'version'),
          1,
        ),
      ),
    );
    expect(missing).toMatchObject({ problem: 'missing-field', category: 'header' });
    expect(missing!.fact?.id).toBe('waf-header:version');
  });

  it('reports a JWT where the browser sends none, by kind and never by value', () => {
    const [issue] = lintOne(editRequest(completion, (body) => (body.messages[0].user_token = FIXTURE_TOKEN)));
    expect(issue).toMatchObject({ problem: 'unknown-field', path: 'messages[0].user_token' });
    expect(issue!.actual).toMatch(/^a jwt, \d+ chars, exp 2026-09-21$/);
    expect(issue!.explanation).not.toContain(FIXTURE_TOKEN.slice(0, 20));
  });

  it('reports a chat_type outside the enum and an unknown top-level field with their facts', () => {
    const issues = lintOne(
      editRequest(completion, (body) => {
        body.messages[0].chat_type = 'text';
        body.max_tokens = 50;
      }),
    );
    expect(issues.map((i) => [i.path, i.problem, i.fact?.id])).toEqual([
      ['messages[0].chat_type', 'outside-enum', 'message-chat-type-unknown'],
      ['max_tokens', 'unknown-field', 'max-tokens'],
    ]);
  });

  it('accepts a fresh value of the kind a volatile rule allows: a second turn’s parent_id', () => {
    const second = editRequest(completion, (body) => {
      body.parent_id = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
      body.messages[0].parent_id = body.parent_id;
      body.messages[0].parentId = body.parent_id;
    });
    expect(lintOne(second)).toEqual([]);
    const wrong = lintOne(editRequest(completion, (body) => (body.parent_id = { nested: true })));
    expect(wrong.map((i) => [i.path, i.problem])).toEqual([['parent_id', 'wrong-type']]);
  });

  it('reports the auth form: a token without Bearer, and a token in neither place', () => {
    const [noScheme] = lintOne(
      editRequest(completion, (_b, headers) =>
        headers.forEach((h) => h.name === 'Authorization' && (h.value = h.value.slice(7))),
      ),
    );
    expect(noScheme).toMatchObject({ problem: 'auth-form', path: 'authorization', category: 'kind-mismatch' });
    expect(noScheme!.explanation).toMatch(
      /this request sends Authorization: <jwt, \d+ chars, exp 2026-09-21> and the token cookie/,
    );
    const [none] = lintOne(
      editRequest(completion, (_b, headers) =>
        headers.splice(0, headers.length, ...headers.filter((h) => !/^(authorization|cookie)$/i.test(h.name))),
      ),
    ).filter((i) => i.problem === 'auth-form');
    expect(none!.actual).toBe('no Authorization header and no token cookie');
    expect(none!.fact?.id).toBe('token-missing');
  });

  it('reports an endpoint the browser never calls, with the v1 fact', () => {
    const v1 = makeExchange({ endpoint: undefined, request: { url: 'https://chat.qwen.ai/api/chat/completions' } });
    const [issue] = lintExchanges(protocol, [v1]).issues;
    expect(issue).toMatchObject({
      problem: 'unknown-endpoint',
      category: 'request-line',
      actual: 'POST /api/chat/completions',
    });
    expect(issue!.fact?.id).toBe('v1-path');
  });

  it('merges the same issue across requests and says in how many it came', () => {
    const seeds = turns('seed-v4', 3);
    const issue = lintExchanges(protocol, seeds).issues.find((i) => i.path === 'messages[0].chat_type')!;
    expect(issue.requests).toHaveLength(3);
    expect(issue.explanation).toMatch(/\(in 3 of 3 chat\.completions requests\)\.$/);
  });
});

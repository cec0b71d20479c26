/** The bisect renderers (report/bisect-*.ts): the JSON shape, and no secret in any format. */
import { describe, expect, it } from 'vitest';
import { bisectPlan, planBisect } from '../../src/bisect/bisect-captures.js';
import type { ProbeVerdict } from '../../src/bisect/bisect-result.js';
import { diffCaptures } from '../../src/diff/diff-captures.js';
import type { ExchangeRequest } from '../../src/exchange/exchange.js';
import { renderBisectJson, toBisectJson } from '../../src/report/bisect-json.js';
import { renderBisectMarkdown } from '../../src/report/bisect-markdown.js';
import { bisectProgressLine, renderBisectText } from '../../src/report/bisect-text.js';
import { compressToken } from '../../src/upstream/shapes.js';
import { makeExchange } from '../support/make-exchange.js';
import { makeJwt } from '../client/make-jwt.js';

const jwt = makeJwt({ id: 'secret-user', exp: 4_000_000_000 });
const good = makeExchange({
  request: {
    headers: [
      { name: 'Authorization', value: `Bearer ${jwt}` },
      { name: 'source', value: 'web' },
    ],
    body: '{"stream":true,"model":"qwen3-max","messages":[{"role":"user","content":"Hi"}]}',
  },
});
const bad = makeExchange({
  request: {
    headers: [{ name: 'Authorization', value: `Bearer ${compressToken(jwt)}` }],
    body: '{"stream":true,"model":"qwen-turbo","messages":[{"role":"user","content":"Hi"}]}',
  },
  response: {
    status: 200,
    headers: [{ name: 'content-type', value: 'application/json' }],
    body: '{"success":false,"data":{"code":"Internal_Server_Error","details":"Internal error"}}',
    sse: undefined,
  },
});

/** Works with a JWT bearer and a listed model; the failure names the first problem. */
async function oracle(request: ExchangeRequest): Promise<ProbeVerdict> {
  const auth = request.headers.find((h) => h.name === 'Authorization')?.value ?? '';
  if (!auth.startsWith('Bearer eyJ')) return { outcome: 'fails', failure: 'auth', explanation: 'Token refused.' };
  if (!request.body?.includes('qwen3-max'))
    return { outcome: 'fails', failure: 'Internal_Server_Error', explanation: 'Model not listed.' };
  return { outcome: 'works', explanation: 'It answered.' };
}

const plan = planBisect(diffCaptures([good], [bad]));
const result = await bisectPlan(plan, { probe: oracle });

describe('bisect reports', () => {
  it(
    'writes the JSON the issue specifies: verdict, culprits with location/path/good/bad/explanation, required, ' +
      'probes, log',
    () => {
      const json = toBisectJson(result, { endpoint: 'chat.completions' });
      expect(json.verdict).toBe('found');
      expect(json.culprits.map((c) => c.id).sort()).toEqual(['body:model', 'header:authorization']);
      expect(json.culprits.find((c) => c.id === 'body:model')).toMatchObject({
        location: 'body',
        path: 'model',
        good: 'qwen3-max',
        bad: 'qwen-turbo',
        explanation: expect.any(String),
      });
      expect(json.required.map((r) => r.id)).toEqual(expect.arrayContaining(['header:authorization', 'body:model']));
      expect(json.probes).toBe(json.log.length);
      expect(json.transitions.map((t) => t.from)).toEqual(['auth', 'Internal_Server_Error']);
    },
  );

  it('shows the token only as a stand-in, in every format', () => {
    for (const text of [renderBisectJson(result), renderBisectText(result), renderBisectMarkdown(result)]) {
      expect(text).not.toContain(jwt);
      expect(text).not.toContain(compressToken(jwt));
    }
    expect(renderBisectText(result)).toMatch(
      /header authorization: Bearer «gzip\+base64 \d+ chars» → Bearer «jwt \d+ chars/,
    );
  });

  it('prints one progress line per probe with the budget and the candidate set', () => {
    const entry = result.log.find((e) => e.purpose === 'search')!;
    expect(bisectProgressLine({ kind: 'probe-end', entry, budget: 64 }, 'auth')).toMatch(
      /^probe \d+ of at most 64 · search \d applied \[/,
    );
    expect(
      bisectProgressLine({ kind: 'probe-start', n: 1, budget: 64, purpose: 'good', labels: [], retry: false }),
    ).toBeUndefined();
  });

  it('tells, in Markdown, the culprits, how the failure moved and the probe log', () => {
    const md = renderBisectMarkdown(result);
    expect(md).toMatch(/^# qwen-probe bisect/);
    expect(md).toContain('## Culprits');
    expect(md).toContain('## How the failure moved');
    expect(md).toContain('<summary>Probe log</summary>');
  });
});

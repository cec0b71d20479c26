import { describe, expect, it } from 'vitest';
import { WEB_CLIENT } from '../../src/upstream/browser-headers.js';
import { webCompletionBody, webFeatureConfig } from '../../src/upstream/shapes.js';
import { expectedAnswer, PAGE_SELECTORS } from '../../src/simulator/index.js';
import { renderSummary, splitIntoPieces } from '../../src/simulator/answers.js';
import { inProcess } from './support.js';

function keyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyOrder);
  if (typeof value === 'object' && value !== null) return Object.entries(value).map(([k, v]) => [k, keyOrder(v)]);
  return typeof value;
}

describe('the chat page', () => {
  it('is served at /, /auth and /c/<id> and sets the ssxmod anti-bot cookies once', async () => {
    const sim = inProcess();
    for (const path of ['/', '/auth', '/c/0b1d']) {
      const res = await sim.app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
    const res = await sim.app.request('/');
    const cookies = res.headers.getSetCookie();
    expect(cookies.map((c) => c.split('=')[0])).toEqual(['ssxmod_itna', 'ssxmod_itna2']);
    expect(cookies[0]).toMatch(/^ssxmod_itna=1-[A-Za-z0-9+/]+; Path=\//);
    const again = await sim.app.request('/', { headers: { cookie: 'ssxmod_itna=1-a; ssxmod_itna2=1-b' } });
    expect(again.headers.getSetCookie()).toEqual([]);
  });

  it('has an element for every id selector of PAGE_SELECTORS', async () => {
    const html = await (await inProcess().app.request('/')).text();
    for (const selector of Object.values(PAGE_SELECTORS)) {
      if (selector.startsWith('#')) expect(html).toContain(`id="${selector.slice(1)}"`);
    }
  });

  it('embeds the TS constants the web shape is built from, so page and shape cannot drift', async () => {
    const html = await (await inProcess().app.request('/')).text();
    const json = /<script id="sim-config" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}';
    const config = JSON.parse(json) as {
      webClient: unknown;
      featureConfig: { on: unknown; off: unknown; auto: unknown };
      bodyTemplate: unknown;
    };
    expect(config.webClient).toEqual(WEB_CLIENT);
    expect(config.featureConfig).toEqual({
      on: webFeatureConfig(true),
      off: webFeatureConfig(false),
      auto: { ...webFeatureConfig(true), thinking_mode: 'Auto' },
    });
    const real = webCompletionBody({
      chatId: 'c',
      model: 'm',
      prompt: 'p',
      thinking: true,
      parentId: 'r',
      fid: 'f',
      childId: 'k',
      nowMs: 1,
    });
    expect(keyOrder(config.bodyTemplate)).toEqual(
      keyOrder({
        ...real,
        parent_id: null,
        messages: [{ ...(real.messages as object[])[0], parentId: null, parent_id: null }],
      }),
    );
  });
});

describe('expected answers', () => {
  it('are deterministic, differ between prompts and echo the prompt', () => {
    expect(expectedAnswer('abc')).toEqual(expectedAnswer('abc'));
    expect(expectedAnswer('abc').answer).not.toBe(expectedAnswer('abd').answer);
    expect(expectedAnswer('  many\n spaces ').answer.startsWith('You said: "many spaces".')).toBe(true);
    expect(expectedAnswer('x'.repeat(500)).answer).toContain('…');
  });

  it('render their reasoning from the summary arrays', () => {
    const e = expectedAnswer('q', { thinking: true });
    expect(e.reasoning).toBe(renderSummary(e.summary!));
    expect(e.reasoning).toMatch(/^\*\*Reading the request\*\*\n/);
  });

  it('split into pieces that join back to the exact text', () => {
    for (const text of ['', 'one', ' lead and trail ', 'a  b\n\nc d e f g', expectedAnswer('[[words=50]]').answer]) {
      expect(splitIntoPieces(text).join('')).toBe(text);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { createSimulatorApp } from '../../../src/simulator/index.js';
import { extractFrontEndVersions, MAIN_BUNDLE_PATTERN } from '../../../src/workflow/index.js';

describe('extractFrontEndVersions', () => {
  it("reads version and bx-v from the simulator's pages of every era", async () => {
    for (const [profile, version, bxV] of [
      ['qwen-2025-10', '0.2.63', '2.5.36'],
      ['qwen-2026-09', '0.2.87', '2.5.37'],
    ] as const) {
      const sim = createSimulatorApp({ profile });
      const text = await (await sim.app.request('/')).text();
      expect(extractFrontEndVersions([{ url: 'page', text }])).toEqual({ version, bxV, from: ['page'] });
      sim.close();
    }
  });

  it('reads a bundle written the way chat.qwen.ai writes it, after a page that has neither', () => {
    const page = '<html><script src="/static/js/index.4f2a.js"></script></html>';
    expect(MAIN_BUNDLE_PATTERN.exec(page)?.[1]).toBe('/static/js/index.4f2a.js');
    const bundle = 'headers:{source:"web",version:"0.2.91"},...;t.set("bx-v","2.5.40")';
    expect(
      extractFrontEndVersions([
        { url: 'page', text: page },
        { url: 'bundle', text: bundle },
      ]),
    ).toEqual({
      version: '0.2.91',
      bxV: '2.5.40',
      from: ['bundle'],
    });
  });

  it('a body version (2.1) is not the front end version', () => {
    expect(extractFrontEndVersions([{ url: 'p', text: '{"version":"2.1","stream":true}' }])).toEqual({ from: [] });
  });
});

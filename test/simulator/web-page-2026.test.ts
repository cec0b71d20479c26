import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/simulator/profiles/index.js';
import { PAGE_2026_DEFAULTS } from '../../src/simulator/web/web-page-2026.js';
import { inProcess } from './support.js';

const PAGE_2026 = { ...PROFILES['qwen-2026-06']!, name: 'qwen-2026-06+page-2026', page: '2026' as const };

function configOf(html: string): { page: typeof PAGE_2026_DEFAULTS; signinPath: string } {
  const json = /<script id="sim-config" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}';
  return JSON.parse(json) as { page: typeof PAGE_2026_DEFAULTS; signinPath: string };
}

describe('the 2026 page', () => {
  it('is what a profile with page 2026 serves at /, /auth and /c/<id>; the others keep the 2025 page', async () => {
    const sim = inProcess({ profile: PAGE_2026 });
    for (const path of ['/', '/auth?action=signin', '/c/guest']) {
      const html = await (await sim.app.request(path)).text();
      expect(html).toContain('window.qwenPageClient');
      expect(html).toContain('message-input-textarea');
    }
    const old = await (await inProcess({ profile: 'qwen-2026-06' }).app.request('/')).text();
    expect(old).toContain('id="chat-input"');
    expect(old).not.toContain('message-input-textarea');
  });

  it('sends the shell textarea, not the app: the composer and its decoy come when the app hydrates', async () => {
    const html = await (await inProcess({ profile: PAGE_2026 }).app.request('/')).text();
    const body = html.slice(html.indexOf('<body>'), html.indexOf('<script'));
    expect(body).toContain('<textarea class="shell-input"');
    expect(body).not.toContain('message-input-textarea');
    expect(body).not.toContain('ime-text-area');
    // The decoy is built before the composer, so it is first in DOM order.
    expect(html.indexOf("className: 'ime-text-area'")).toBeLessThan(html.indexOf('className: COMPOSER_CLASS'));
  });

  it('carries its settings (maxlength, timings) and no page fault unless one is set', async () => {
    const sim = inProcess({ profile: PAGE_2026 });
    expect(configOf(await (await sim.app.request('/')).text()).page).toEqual(PAGE_2026_DEFAULTS);
    sim.state.faults.set([{ name: 'renamed-composer', times: 1 }]);
    expect(configOf(await (await sim.app.request('/')).text()).page.faults).toEqual(['renamed-composer']);
    expect(configOf(await (await sim.app.request('/')).text()).page.faults).toEqual([]);
  });

  it("places the era's signing script, when there is one, before the app's scripts", async () => {
    const html = await (await inProcess({ profile: PAGE_2026 }).app.request('/')).text();
    expect(html.indexOf('id="sim-config"')).toBeLessThan(html.indexOf('window.qwenPageClient'));
    expect(html).not.toContain('id="sim-signing"');
  });

  it("serves the firewall's Verification page at the punish path", async () => {
    const res = await inProcess().app.request('/_____tmd_____/punish?x5secdata=abc&action=captcha');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Verification</title>');
  });
});

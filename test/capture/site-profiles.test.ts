import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProbeError } from '../../src/exchange/errors.js';
import {
  CHAT_QWEN_ERAS,
  eraCandidates,
  loadSiteProfile,
  loginProfile,
  SITE_PROFILES,
  siteEra,
  type SelectorKey,
} from '../../src/capture/site-profiles.js';
import { urlFilter } from '../../src/capture/browser-recorder.js';

const dir = mkdtempSync(join(tmpdir(), 'qp-profiles-'));
function file(name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}

describe('site profiles', () => {
  it('drives every target, the simulator included, with the chat.qwen.ai eras, newest first', async () => {
    for (const target of ['https://chat.qwen.ai', 'http://127.0.0.1:8787']) {
      const profiles = eraCandidates(await loadSiteProfile(target));
      expect(profiles.map((p) => `${p.name} ${p.era}`)).toEqual(['chat.qwen.ai 2026', 'chat.qwen.ai 2025']);
    }
    expect(SITE_PROFILES['chat.qwen.ai'].era).toBe('2026');
  });

  it('takes one era with --site-era, or the era a --selectors file names', async () => {
    expect(await loadSiteProfile('http://x.test', { era: '2025' })).toBe(siteEra('2025'));
    const profile = await loadSiteProfile('http://x.test', { selectorsFile: file('era.json', { era: '2025' }) });
    expect(eraCandidates(profile).map((p) => p.era)).toEqual(['2025']);
  });

  it('merges a --selectors file over the chosen era, field by field, and drops the replaced source', async () => {
    const path = file('ok.json', {
      selectors: { chatInput: 'textarea.prompt' },
      loginPath: '/signin',
      sendDisabledClass: null,
    });
    const [profile] = eraCandidates(
      await loadSiteProfile('https://chat.qwen.ai', { selectorsFile: path, era: '2026' }),
    );
    expect(profile!.selectors.chatInput).toBe('textarea.prompt');
    expect(profile!.selectors.sendButton).toBe(siteEra('2026').selectors.sendButton);
    expect(profile!.loginPath).toBe('/signin');
    expect(profile!.sendDisabledClass).toBeUndefined();
    expect(profile!.sources.chatInput).toBeUndefined();
    expect(profile!.sources.sendButton?.source).toMatch(/CWC 85f583e/);
    expect(profile!.name).toBe('chat.qwen.ai+custom');
  });

  it('still reads files that extend the old simulator profile: it means chat.qwen.ai now', async () => {
    const profile = await loadSiteProfile('http://x.test', {
      selectorsFile: file('ext.json', { extends: 'simulator' }),
    });
    expect(eraCandidates(profile)).toHaveLength(2);
  });

  it('rejects an unknown selector name with a message naming it', async () => {
    const error = await loadSiteProfile('http://x.test', {
      selectorsFile: file('bad.json', { selectors: { chatBox: '#x' } }),
    }).catch((e: unknown) => e);
    expect(isProbeError(error) && error.code).toBe('E_INPUT');
    expect(String((error as Error).message)).toMatch(/selectors/);
  });

  it('rejects a file that is not JSON', async () => {
    const error = await loadSiteProfile('http://x.test', { selectorsFile: file('notjson.json', '{nope') }).catch(
      (e: unknown) => e,
    );
    expect(isProbeError(error) && error.code).toBe('E_INPUT');
  });
});

describe('the eras of chat.qwen.ai', () => {
  const era2026 = siteEra('2026');

  it('gives every built-in selector of every era a date and a public source', () => {
    for (const profile of CHAT_QWEN_ERAS) {
      for (const key of Object.keys(profile.selectors) as SelectorKey[]) {
        const source = profile.sources[key];
        expect(source?.date, `${profile.era} ${key}`).toMatch(/20\d\d/);
        expect(source?.source.length, `${profile.era} ${key}`).toBeGreaterThan(3);
      }
      expect(profile.sources.loginPath?.source).toMatch(/FreeQwenApi/);
    }
  });

  it('finds the 2026 composer, never the IME decoy first in DOM order nor the bare shell textarea', () => {
    expect(era2026.selectors.chatInput).toBe('textarea.message-input-textarea');
    for (const key of ['chatInput', 'chatReady'] as const) {
      const alternatives = era2026.selectors[key].split(',').map((s) => s.trim());
      expect(alternatives).not.toContain('textarea');
      expect(alternatives.some((s) => s.includes('ime-text-area'))).toBe(false);
    }
  });

  it("knows the 2026 page's widgets, its class-disabled send button, the misspelt error class and /c/guest", () => {
    expect(era2026.widgets).toEqual({ model: 'dropdown', thinking: 'choice' });
    expect(era2026.thinkingLabels).toEqual({ fast: 'Fast', auto: 'Auto', thinking: 'Thinking' });
    expect(era2026.sendDisabledClass).toBe('disabled');
    expect(era2026.selectors.answerError).toBe('.qwen-messsage-status-description');
    expect(era2026.selectors.dualMessage).toBe('.qwen-chat-message-dual-message');
    expect(era2026.signedOut?.paths).toEqual(['/c/guest']);
    expect(era2026.captcha.paths).toEqual(['/_____tmd_____/punish']);
    expect(era2026.sessionCookies).toEqual(['cna', 'ssxmod_itna', 'tfstk', 'isg', 'acw_tc']);
  });

  it("joins the eras' login selectors for the login page, each alternative once", () => {
    const login = loginProfile(CHAT_QWEN_ERAS);
    expect(login.selectors.loginEmail).toBe('input[type="email"], input[name="email"]');
    expect(login.selectors.loginError).toBe('.ant-message-error, [role="alert"], .toast-error');
    expect(login.selectors.chatInput).toBe(era2026.selectors.chatInput);
  });
});

describe('urlFilter', () => {
  it("records only the target origin's /api/ paths by default", () => {
    const keep = urlFilter({ origin: 'http://127.0.0.1:8787/some/path' });
    expect(keep('http://127.0.0.1:8787/api/models')).toBe(true);
    expect(keep('http://127.0.0.1:8787/app.js')).toBe(false);
    expect(keep('http://other.test/api/models')).toBe(false);
    expect(keep('data:text/plain,hi')).toBe(false);
  });

  it('lets include hosts (read as intercept reads them) replace the default and exclude patterns win over both', () => {
    const keep = urlFilter({
      origin: 'http://a.test',
      include: ['a.test', '*.cdn.test'],
      exclude: ['/api/v2/chats/', '*/api/models'],
    });
    expect(keep('http://a.test/api/v2/chat/completions?chat_id=1')).toBe(true);
    expect(keep('http://a.test/app.js')).toBe(true);
    expect(keep('https://img.cdn.test/x.js')).toBe(true);
    expect(keep('https://cdn.test/x.js')).toBe(false);
    expect(keep('http://a.test/api/models')).toBe(false);
    expect(keep('http://a.test/api/v2/chats/')).toBe(false);
  });

  it('refuses a URL as an include, as intercept does', () => {
    expect(() => urlFilter({ origin: 'http://a.test', include: ['*/api/v2/*'] })).toThrow(
      /hostname, \*\.domain, or \*/,
    );
  });
});

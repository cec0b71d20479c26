import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProbeError } from '../../src/exchange/errors.js';
import { loadSiteProfile, profileForTarget, SITE_PROFILES } from '../../src/capture/site-profiles.js';
import { urlFilter } from '../../src/capture/browser-recorder.js';

const dir = mkdtempSync(join(tmpdir(), 'qp-profiles-'));
function file(name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}

describe('site profiles', () => {
  it('picks the real site profile for qwen.ai hosts and the simulator profile for anything else', () => {
    expect(profileForTarget('https://chat.qwen.ai').name).toBe('chat.qwen.ai');
    expect(profileForTarget('http://127.0.0.1:8787').name).toBe('simulator');
  });

  it('merges a --selectors file over the built-in profile, field by field', async () => {
    const path = file('ok.json', {
      selectors: { chatInput: 'textarea.prompt' },
      loginPath: '/signin',
      answerStatus: null,
    });
    const profile = await loadSiteProfile('https://chat.qwen.ai', path);
    expect(profile.selectors.chatInput).toBe('textarea.prompt');
    expect(profile.selectors.sendButton).toBe(SITE_PROFILES['chat.qwen.ai'].selectors.sendButton);
    expect(profile.loginPath).toBe('/signin');
    expect(profile.answerStatus).toBeUndefined();
  });

  it('can base an override on another built-in profile', async () => {
    const profile = await loadSiteProfile('https://chat.qwen.ai', file('ext.json', { extends: 'simulator' }));
    expect(profile.selectors.chatInput).toBe('#chat-input');
    expect(profile.answerStatus?.attribute).toBe('data-status');
  });

  it('rejects an unknown selector name with a message naming it', async () => {
    const error = await loadSiteProfile('http://x.test', file('bad.json', { selectors: { chatBox: '#x' } })).catch(
      (e: unknown) => e,
    );
    expect(isProbeError(error) && error.code).toBe('E_INPUT');
    expect(String((error as Error).message)).toMatch(/selectors/);
  });

  it('rejects a file that is not JSON', async () => {
    const error = await loadSiteProfile('http://x.test', file('notjson.json', '{nope')).catch((e: unknown) => e);
    expect(isProbeError(error) && error.code).toBe('E_INPUT');
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

  it('lets include patterns replace the default and exclude patterns win over both', () => {
    const keep = urlFilter({
      origin: 'http://a.test',
      include: ['*/api/v2/*', 'cdn.test'],
      exclude: ['/api/v2/chats/'],
    });
    expect(keep('http://a.test/api/v2/chat/completions?chat_id=1')).toBe(true);
    expect(keep('https://cdn.test/x.js')).toBe(true);
    expect(keep('http://a.test/api/models')).toBe(false);
    expect(keep('http://a.test/api/v2/chats/')).toBe(false);
  });
});

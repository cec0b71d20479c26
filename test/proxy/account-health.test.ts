import { describe, expect, it } from 'vitest';
import { accountEffect, effectiveState, healthHint } from '../../src/proxy/account-health.js';

describe('accountEffect', () => {
  it('cools a rate-limited account down for the hours the upstream named', () => {
    expect(accountEffect({ kind: 'rate-limited', details: 'x', retryAfterSeconds: 7 * 3600 })).toEqual({
      kind: 'rate-limited',
      ms: 7 * 3600_000,
    });
    expect(accountEffect({ kind: 'rate-limited', details: 'x' })).toEqual({ kind: 'rate-limited' });
  });

  it('sets a captcha aside, and leaves other WAF blocks to the request', () => {
    const captcha = { kind: 'waf' as const, reason: 'FAIL_SYS_USER_VALIDATE, RGV587_ERROR::SM (captcha/punish page)' };
    expect(accountEffect(captcha)).toEqual({ kind: 'captcha' });
    expect(accountEffect({ kind: 'waf', reason: 'Aliyun WAF block page (aliyun_waf_aa)' })).toEqual({ kind: 'none' });
  });

  it('signs in again after an auth refusal', () => {
    expect(accountEffect({ kind: 'auth', reason: 'Token has expired' })).toEqual({ kind: 'auth' });
  });

  it('takes failure kinds that a newer protocol model names, and ignores kinds it does not know', () => {
    const named = (kind: string) => accountEffect({ kind } as unknown as Parameters<typeof accountEffect>[0]);
    expect(named('captcha')).toEqual({ kind: 'captcha' });
    expect(named('forbidden')).toEqual({ kind: 'blocked' });
    expect(named('empty-answer')).toEqual({ kind: 'none' });
  });

  it('leaves the request’s own failures to the request', () => {
    expect(accountEffect({ kind: 'envelope', code: 'Bad_Request', details: '' })).toEqual({ kind: 'none' });
    expect(accountEffect({ kind: 'truncated', reason: 'cut', events: 3 })).toEqual({ kind: 'none' });
  });
});

describe('effectiveState', () => {
  it('reads a rest whose time is up as ready, and never a disabled account', () => {
    expect(effectiveState({ state: 'captcha', until: 100, authFailures: 0 }, 99)).toBe('captcha');
    expect(effectiveState({ state: 'captcha', until: 100, authFailures: 0 }, 100)).toBe('ready');
    expect(effectiveState({ state: 'disabled', until: 0, authFailures: 3 }, 1e15)).toBe('disabled');
  });

  it('hints at qwen-probe login --headed for a captcha', () => {
    expect(healthHint('captcha', 'a@x', 'https://chat.qwen.ai')).toContain(
      'qwen-probe login --target https://chat.qwen.ai --headed',
    );
  });
});

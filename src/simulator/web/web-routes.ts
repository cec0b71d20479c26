/**
 * The page routes: `/`, `/auth` and `/c/<chat_id>` all serve the single-page app, as chat.qwen.ai
 * does: the 2025 page, or the 2026 page when the profile says `page: '2026'`. Loading the page sets
 * the anti-bot cookies `ssxmod_itna`/`ssxmod_itna2` (the real page's baxia script sets them), so a
 * browser session passes the qwen-2026-06 WAF rules like a real one. In the 2026-08 front end's era
 * the page also carries the signing script, and loading it sets the WAF session cookie `acw_tc`
 * (protocol.md §9.4) unless the client holds a fresh one of its own. Page faults hit page loads:
 * `renamed-composer` changes the page, `captcha-page` redirects to the firewall's captcha.
 */
import type { Context, Hono } from 'hono';
import type { SimulatorEnv } from '../api-routes.js';
import { cookieRecord } from '../../common/index.js';
import { ERAS } from '../../upstream/eras.js';
import { acwTcIssuedAt, issueAcwTc, issueX5secData } from '../anti-bot/anti-bot-cookies.js';
import { PAGE_ENDPOINT } from '../faults.js';
import { verifyJwt } from '../jwt.js';
import { profileEra } from '../profile-schema.js';
import { accountKey } from '../request-facts.js';
import { PUNISH_PATH } from '../responses.js';
import { nowSeconds, type SimulatorRuntime } from '../runtime.js';
import { signingScript } from './signing-script.js';
import { pageConfig, renderPage } from './web-page.js';
import { PAGE_2026_DEFAULTS, renderPage2026 } from './web-page-2026.js';

/** acw_tc is refreshed every 15 minutes (protocol.md §9.4): a page load re-issues an older one. */
export const ACW_TC_REFRESH_SECONDS = 15 * 60;

/** A value in the real cookie's style: `1-` and an opaque base64 fingerprint. */
export function antiBotCookieValue(ids: () => string): string {
  return `1-${Buffer.from(`${ids()}|${ids()}|${ids()}`).toString('base64').replace(/=+$/, '')}`;
}

export function mountWebRoutes(app: Hono<SimulatorEnv>, rt: SimulatorRuntime): void {
  const era = ERAS[profileEra(rt.profile)];
  const signed = era.frontEnd === 'fe-2026-08';
  const pages = new Map<string, string>();
  const render = (faults: readonly string[]): string => {
    // A drift changes the page: the drifts applied so far are part of the key.
    const drift = rt.profile.drift;
    const key = `${faults.join(',')}|${drift?.applied.join(',') ?? ''}`;
    let page = pages.get(key);
    if (page === undefined) {
      const pageEra = { era: era.name, choices: rt.profile.frontEnd, drift };
      const bxV = drift?.client?.bxV ?? era.client.bxV;
      const signing = signed ? signingScript({ key: rt.signingKey, bxV }) : undefined;
      page =
        rt.profile.page === '2026'
          ? renderPage2026(pageConfig(pageEra), { ...PAGE_2026_DEFAULTS, faults }, signing)
          : renderPage(pageEra, signing);
      pages.set(key, page);
    }
    return page;
  };
  // The captcha-page fault: off to the captcha page, with an x5secdata a person can solve there.
  const toCaptcha = (cookies: Record<string, string>): Response => {
    const token = verifyJwt(cookies['token'], rt.jwtSecret, nowSeconds(rt));
    const data = issueX5secData(rt.signingKey, accountKey({ token, cookies }), rt.clock());
    const query = new URLSearchParams({ x5secdata: data, x5step: '1', action: 'captcha' });
    return new Response(null, {
      status: 302,
      headers: { location: `${PUNISH_PATH}?${query.toString()}`, 'cache-control': 'no-store' },
    });
  };
  const serve = (c: Context<SimulatorEnv>): Response => {
    const cookies = cookieRecord(c.req.header('cookie'));
    const fault = rt.state.faults.take(PAGE_ENDPOINT);
    if (fault?.name === 'captcha-page') return toCaptcha(cookies);
    const headers = new Headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    for (const name of ['ssxmod_itna', 'ssxmod_itna2']) {
      if (!cookies[name])
        headers.append('set-cookie', `${name}=${antiBotCookieValue(rt.ids)}; Path=/; Max-Age=86400; SameSite=Lax`);
    }
    if (signed) {
      const acw = cookies['acw_tc'];
      const issued = acw === undefined ? undefined : acwTcIssuedAt(rt.signingKey, acw);
      if (issued === undefined || rt.clock() - issued > ACW_TC_REFRESH_SECONDS * 1000)
        headers.append('set-cookie', `acw_tc=${issueAcwTc(rt.signingKey, rt.clock())}; Path=/; Max-Age=1800; HttpOnly`);
    }
    return new Response(render(fault ? [fault.name] : []), { status: 200, headers });
  };
  app.get('/', serve);
  app.get('/auth', serve);
  app.get('/c/:chatId', serve);
  // Browsers ask for it on every page; an empty answer keeps logs and captures quiet.
  app.get('/favicon.ico', () => new Response(null, { status: 204 }));
}

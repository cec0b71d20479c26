/**
 * The page routes: `/`, `/auth` and `/c/<chat_id>` all serve the single-page app, as chat.qwen.ai
 * does. Loading the page sets the anti-bot cookies `ssxmod_itna`/`ssxmod_itna2` (the real page's
 * baxia script sets them), so a browser session passes the qwen-2026-06 WAF rules like a real one.
 * In the 2026-08 front end's era the page also carries the signing script, and loading it sets the
 * WAF session cookie `acw_tc` (protocol.md §9.4) unless the client holds a fresh one of its own.
 */
import type { Context, Hono } from 'hono';
import type { SimulatorEnv } from '../api-routes.js';
import { cookieRecord } from '../../common/index.js';
import { ERAS } from '../../upstream/eras.js';
import { acwTcIssuedAt, issueAcwTc } from '../anti-bot/anti-bot-cookies.js';
import { profileEra } from '../profile-schema.js';
import type { SimulatorRuntime } from '../runtime.js';
import { signingScript } from './signing-script.js';
import { renderPage } from './web-page.js';

/** acw_tc is refreshed every 15 minutes (protocol.md §9.4): a page load re-issues an older one. */
export const ACW_TC_REFRESH_SECONDS = 15 * 60;

/** A value in the real cookie's style: `1-` and an opaque base64 fingerprint. */
export function antiBotCookieValue(ids: () => string): string {
  return `1-${Buffer.from(`${ids()}|${ids()}|${ids()}`).toString('base64').replace(/=+$/, '')}`;
}

export function mountWebRoutes(app: Hono<SimulatorEnv>, rt: SimulatorRuntime): void {
  const era = ERAS[profileEra(rt.profile)];
  const signed = era.frontEnd === 'fe-2026-08';
  let page: string | undefined;
  const serve = (c: Context<SimulatorEnv>): Response => {
    page ??= renderPage(
      { era: era.name, choices: rt.profile.frontEnd },
      signed ? signingScript({ key: rt.signingKey, bxV: era.client.bxV }) : undefined,
    );
    const headers = new Headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    const cookies = cookieRecord(c.req.header('cookie'));
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
    return new Response(page, { status: 200, headers });
  };
  app.get('/', serve);
  app.get('/auth', serve);
  app.get('/c/:chatId', serve);
  // Browsers ask for it on every page; an empty answer keeps logs and captures quiet.
  app.get('/favicon.ico', () => new Response(null, { status: 204 }));
}

/**
 * The page routes: `/`, `/auth` and `/c/<chat_id>` all serve the single-page app, as chat.qwen.ai
 * does. Loading the page sets the anti-bot cookies `ssxmod_itna`/`ssxmod_itna2` (the real page's
 * baxia script sets them), so a browser session passes the qwen-2026-06 WAF rules like a real one.
 */
import type { Context, Hono } from 'hono';
import type { SimulatorEnv } from '../api-routes.js';
import { cookieRecord } from '../../common/index.js';
import type { SimulatorRuntime } from '../runtime.js';
import { renderPage } from './web-page.js';

/** A value in the real cookie's style: `1-` and an opaque base64 fingerprint. */
export function antiBotCookieValue(ids: () => string): string {
  return `1-${Buffer.from(`${ids()}|${ids()}|${ids()}`).toString('base64').replace(/=+$/, '')}`;
}

export function mountWebRoutes(app: Hono<SimulatorEnv>, rt: SimulatorRuntime): void {
  let page: string | undefined;
  const serve = (c: Context<SimulatorEnv>): Response => {
    page ??= renderPage();
    const headers = new Headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    const cookies = cookieRecord(c.req.header('cookie'));
    for (const name of ['ssxmod_itna', 'ssxmod_itna2']) {
      if (!cookies[name])
        headers.append('set-cookie', `${name}=${antiBotCookieValue(rt.ids)}; Path=/; Max-Age=86400; SameSite=Lax`);
    }
    return new Response(page, { status: 200, headers });
  };
  app.get('/', serve);
  app.get('/auth', serve);
  app.get('/c/:chatId', serve);
  // Browsers ask for it on every page; an empty answer keeps logs and captures quiet.
  app.get('/favicon.ico', () => new Response(null, { status: 204 }));
}

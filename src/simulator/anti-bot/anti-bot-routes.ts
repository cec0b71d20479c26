/**
 * The routes of the simulated anti-bot layer outside /api: the device-token endpoint the signing
 * script asks for `bx-umidtoken` (sg-wum's `/w/wu.json`, protocol.md §3.2, §9.3), and the captcha
 * page with its verification (§9.6), which issues the `x5sec` cookie.
 */
import type { Hono } from 'hono';
import { cookieRecord } from '../../common/index.js';
import type { SimulatorEnv } from '../api-routes.js';
import { jsonResponse, PUNISH_PATH } from '../responses.js';
import type { SimulatorRuntime } from '../runtime.js';
import { UMID_TOKEN_PATH } from '../web/signing-script.js';
import { issueX5sec, readX5secData } from './anti-bot-cookies.js';
import { CAPTCHA_VERIFY_PATH, captchaPage, isHumanEnoughDrag } from './captcha-page.js';
import { issueUmidToken } from './signatures.js';

/** How long a solved captcha's `x5sec` cookie lives in the browser (inferred: half an hour). */
export const X5SEC_MAX_AGE_SECONDS = 1800;

export function mountAntiBotRoutes(app: Hono<SimulatorEnv>, rt: SimulatorRuntime): void {
  // The real endpoint answers JavaScript that calls umx.wu('<token>'); clients pick the token out with a regex.
  app.get(UMID_TOKEN_PATH, (c) => {
    const cna = cookieRecord(c.req.header('cookie'))['cna'];
    if (!cna)
      return new Response('/* no cna device cookie */', { status: 400, headers: { 'content-type': 'text/plain' } });
    const token = issueUmidToken(rt.signingKey, cna, rt.clock());
    return new Response(`umx.wu('${token}');`, {
      headers: { 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-store' },
    });
  });

  app.get(PUNISH_PATH, () => {
    return new Response(captchaPage(), {
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    });
  });

  app.post(CAPTCHA_VERIFY_PATH, async (c) => {
    let body: { x5secdata?: unknown; trace?: unknown; travel?: unknown };
    try {
      body = (await c.req.json()) as typeof body;
    } catch {
      return jsonResponse(400, { success: false, message: 'body must be JSON' });
    }
    const data = typeof body.x5secdata === 'string' ? readX5secData(rt.signingKey, body.x5secdata) : undefined;
    if (!data) return jsonResponse(400, { success: false, message: 'x5secdata is missing or not ours' });
    if (!isHumanEnoughDrag(body.trace, body.travel))
      return jsonResponse(200, { success: false, message: 'drag again' });
    const x5sec = issueX5sec(rt.signingKey, data.account, rt.clock());
    return jsonResponse(
      200,
      { success: true },
      { 'set-cookie': `x5sec=${x5sec}; Path=/; Max-Age=${X5SEC_MAX_AGE_SECONDS}; SameSite=Lax` },
    );
  });
}

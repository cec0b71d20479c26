/**
 * The non-stream answers of the simulated server, in the shapes of protocol.md §5.4: the
 * error envelope, the success envelope, and the two faces of the Aliyun WAF (HTML page and JSON
 * block). Compact JSON like the real API (only the event stream uses Python spacing).
 */
import type { EnvelopeResponse, GatewayResponse, RuleResponse, WafResponse } from './profile-schema.js';
import { isGatewayResponse, isSoftBlockResponse, isWafResponse } from './profile-schema.js';

const JSON_TYPE = 'application/json';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
}

/** `{"success":false,"request_id":…,"data":{"code":…,"details":…}}` (plus `num` for RateLimited). */
export function errorEnvelope(
  requestId: string,
  code: string,
  details: string | readonly string[],
  num?: number,
): Record<string, unknown> {
  return { success: false, request_id: requestId, data: { code, details, ...(num === undefined ? {} : { num }) } };
}

export function errorResponse(
  status: number,
  requestId: string,
  code: string,
  details: string | readonly string[],
  num?: number,
): Response {
  return jsonResponse(status, errorEnvelope(requestId, code, details, num));
}

export function successResponse(requestId: string, data: unknown): Response {
  return jsonResponse(200, { success: true, request_id: requestId, data });
}

/**
 * The Aliyun WAF block page. The real one is a minified page; what clients detect (and what
 * src/upstream/upstream-failure.ts looks for) is `<!doctypehtml>` and `<meta name="aliyun_waf_aa">`.
 */
export function wafHtmlPage(traceId: string): string {
  return [
    '<!doctypehtml><html lang="zh-CN"><head><meta charset="utf-8">',
    `<meta name="aliyun_waf_aa" content="${traceId}">`,
    '<meta name="aliyun_waf_bb" content="1">',
    '<title>405</title></head><body>',
    '<div id="block"><h1>Sorry, your request has been blocked as it may cause potential threats to the server\'s ' +
      'security.</h1>',
    `<p>Trace ID: ${traceId}</p></div>`,
    '<script>window._waf_is_mobile=false;</script></body></html>',
  ].join('');
}

export function wafHtmlResponse(status: number, traceId: string): Response {
  return new Response(wafHtmlPage(traceId), { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

const CAPTCHA_RET = ['FAIL_SYS_USER_VALIDATE', 'RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试'];

/** The mtop-style captcha block (Rfym21 issue #147): `ret` codes and a punish URL. */
export function wafJsonBlock(token: string): Record<string, unknown> {
  return {
    ret: CAPTCHA_RET,
    data: { url: `https://chat.qwen.ai/_____tmd_____/punish?x5secdata=${token}&x5step=1` },
  };
}

/** The path of the simulator's captcha ("punish") page. */
export const PUNISH_PATH = '/_____tmd_____/punish';

/**
 * The captcha block of 2026 (protocol.md §9.6): the same `ret` codes, and a punish URL with
 * `action=captcha` on the simulator's own origin, where a person (or a test driving Chromium) can
 * solve the slider and earn the `x5sec` cookie.
 */
export function captchaJson(origin: string, x5secdata: string): Record<string, unknown> {
  const query = new URLSearchParams({ x5secdata, x5step: '1', action: 'captcha' });
  return { ret: CAPTCHA_RET, data: { url: `${origin}${PUNISH_PATH}?${query.toString()}` } };
}

/** A bare 403: no body at all, which is what makes clients misread it as an auth failure (§9.7). */
export function forbiddenResponse(status: number): Response {
  return new Response(null, { status });
}

/** The gateway's HTML page for a request it gave up on (alibaba-ga's 504, protocol.md §9.20). */
export function gatewayTimeoutPage(status: number): string {
  return [
    '<html>',
    `<head><title>${status} Gateway Time-out</title></head>`,
    '<body>',
    `<center><h1>${status} Gateway Time-out</h1></center>`,
    '<hr><center>alibaba-ga</center>',
    '</body>',
    '</html>',
    '',
  ].join('\r\n');
}

export function gatewayResponse(respond: GatewayResponse): Response {
  return new Response(gatewayTimeoutPage(respond.status), {
    status: respond.status,
    headers: { 'content-type': 'text/html', server: 'alibaba-ga' },
  });
}

export function wafJsonResponse(status: number, token: string): Response {
  return jsonResponse(status, wafJsonBlock(token));
}

/** What the stateful answers (captcha, soft block) need besides the rule's data. */
export interface RuleAnswerContext {
  readonly requestId: string;
  /** Origin of the request, for the captcha's punish URL. */
  readonly origin: string;
  /** The `x5secdata` for the caller's account. */
  readonly x5secdata: () => string;
  /** The soft block's event stream (built by the completion handler, which knows streams). */
  readonly softBlock: (status: number) => Response;
}

function wafResponse(respond: WafResponse, ctx: RuleAnswerContext): Response {
  const compact = ctx.requestId.replace(/-/g, '');
  switch (respond.waf) {
    case 'html':
      return wafHtmlResponse(respond.status, compact);
    case 'json-block':
      return wafJsonResponse(respond.status, compact);
    case 'captcha':
      return jsonResponse(respond.status, captchaJson(ctx.origin, ctx.x5secdata()));
    case 'forbidden':
      return forbiddenResponse(respond.status);
  }
}

/** The answer a matching profile rule gives. */
export function ruleResponse(respond: RuleResponse, ctx: RuleAnswerContext): Response {
  if (isWafResponse(respond)) return wafResponse(respond, ctx);
  if (isSoftBlockResponse(respond)) return ctx.softBlock(respond.status);
  if (isGatewayResponse(respond)) return gatewayResponse(respond);
  const envelope: EnvelopeResponse = respond;
  return errorResponse(envelope.status, ctx.requestId, envelope.code, envelope.details, envelope.num);
}

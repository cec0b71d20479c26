/**
 * The non-stream answers of the simulated server, in the shapes of protocol.md §5.4: the
 * error envelope, the success envelope, and the two faces of the Aliyun WAF (HTML page and JSON
 * block). Compact JSON like the real API (only the event stream uses Python spacing).
 */
import type { RuleResponse } from './profile-schema.js';
import { isWafResponse } from './profile-schema.js';

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

/** The mtop-style captcha block (Rfym21 issue #147): `ret` codes and a punish URL. */
export function wafJsonBlock(token: string): Record<string, unknown> {
  return {
    ret: ['FAIL_SYS_USER_VALIDATE', 'RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试'],
    data: { url: `https://chat.qwen.ai/_____tmd_____/punish?x5secdata=${token}&x5step=1` },
  };
}

export function wafJsonResponse(status: number, token: string): Response {
  return jsonResponse(status, wafJsonBlock(token));
}

/** The answer a matching profile rule gives. */
export function ruleResponse(respond: RuleResponse, requestId: string): Response {
  if (isWafResponse(respond)) {
    const compact = requestId.replace(/-/g, '');
    return respond.waf === 'html' ? wafHtmlResponse(respond.status, compact) : wafJsonResponse(respond.status, compact);
  }
  return errorResponse(respond.status, requestId, respond.code, respond.details, respond.num);
}

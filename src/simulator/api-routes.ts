/**
 * Everything under /api: gather the request's facts, let an active fault answer, else the first
 * matching profile rule, else the endpoint's handler. Every answer is recorded as a decision in the
 * state (which rule or handler, and its one-sentence explanation). Nothing here throws on a bad
 * request: an unreadable body is a fact like any other.
 */
import type { Hono } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { cookieRecord } from '../common/index.js';
import { classifyEndpoint } from '../upstream/endpoints.js';
import { ERAS } from '../upstream/eras.js';
import {
  handleChatsDelete,
  handleChatsDeleteAll,
  handleChatsGet,
  handleChatsList,
  handleChatsNew,
  handleMe,
  handleModels,
  handleModelsV2,
  handleQuota,
  handleRefresh,
  handleSignin,
  handleStop,
} from './account-handlers.js';
import { issueX5secData } from './anti-bot/anti-bot-cookies.js';
import type { BlockKind } from './anti-bot/escalation.js';
import { handleCompletion, softBlockStream } from './completion-handler.js';
import type { FaultSpec } from './faults.js';
import { verifyJwt, type TokenCheck } from './jwt.js';
import { isSoftBlockResponse, isWafResponse, profileEra, type RuleResponse } from './profile-schema.js';
import { accountKey, bearerToken, parseBody, type RequestFacts, type TlsFacts } from './request-facts.js';
import {
  captchaJson,
  errorResponse,
  forbiddenResponse,
  gatewayResponse,
  jsonResponse,
  ruleResponse,
  wafHtmlResponse,
  type RuleAnswerContext,
} from './responses.js';
import { firstMatchingRule } from './rules-engine.js';
import { nowSeconds, type SimulatorRuntime } from './runtime.js';
import { bump, recordDecision } from './state.js';
import { faultyBody, sleep, type TransportFault } from './stream-body.js';

export type SimulatorEnv = { Bindings: Partial<HttpBindings> };

const TRANSPORT_FAULTS: readonly string[] = ['reset-mid-stream', 'stall', 'malformed-sse'];

/** Endpoints that appeared with the 2026-08 front end: older eras answer them as unknown paths. */
const ENDPOINTS_2026: readonly string[] = [
  'auths.signin.v2',
  'auths.refresh',
  'users.quota',
  'chats.delete-all',
  'chat.completions.stop',
];

/** The JA4 and JA3 of the connection, when it is TLS and the server tracks ClientHellos (server.ts). */
function tlsFacts(socket: Socket | undefined): TlsFacts | undefined {
  const hello = (socket as TLSSocket | undefined)?.tlsClientHello;
  return hello ? { ja4: hello.ja4, ja3: hello.ja3 } : undefined;
}

/** Which anti-bot answer a rule response is, for the escalation log; undefined for the others. */
function blockKindOf(respond: RuleResponse): BlockKind | undefined {
  if (isSoftBlockResponse(respond)) return 'soft-block';
  if (isWafResponse(respond))
    return respond.waf === 'captcha' ? 'captcha' : respond.waf === 'forbidden' ? 'forbidden' : undefined;
  return undefined;
}

function checkToken(rt: SimulatorRuntime, token: string | undefined): TokenCheck {
  const check = verifyJwt(token, rt.jwtSecret, nowSeconds(rt));
  // A well-signed token of an account this simulator does not know (e.g. after a restart with a fixed secret).
  if (check.kind === 'valid' && !rt.state.users.some((u) => u.id === check.payload.id))
    return { kind: 'invalid', reason: 'unknown user' };
  if (check.kind !== 'missing' && check.kind !== 'invalid' && check.payload.typ === 'refresh')
    return { kind: 'invalid', reason: 'a refresh token is not a bearer token' };
  return check;
}

/** The answer of a fault that replaces the response, or undefined for transport and stream faults. */
function faultResponse(fault: FaultSpec, rid: string, answer: RuleAnswerContext): Response | undefined {
  switch (fault.name) {
    case 'soft-block':
      return answer.softBlock(200);
    case 'captcha':
      return jsonResponse(200, captchaJson(answer.origin, answer.x5secdata()));
    case 'forbidden':
      return forbiddenResponse(403);
    case 'gateway-timeout':
      return gatewayResponse({ gateway: 'timeout-html', status: 504 });
    case 'data-inspection-failed':
      return errorResponse(200, rid, 'data_inspection_failed', 'Input data may contain inappropriate content.');
    case 'waf-html':
      return wafHtmlResponse(405, rid.replace(/-/g, ''));
    case 'json-error-200':
      return errorResponse(200, rid, 'Internal_Server_Error', 'Internal error');
    case 'expired-token':
      return errorResponse(401, rid, 'Unauthorized', 'Token has expired');
    case 'rate-limited':
      return errorResponse(429, rid, 'RateLimited', "You've reached the upper limit for today's usage.", 4);
    default:
      return undefined;
  }
}

/** Applies a transport fault to a non-stream answer: half the body, then a cut or a stall. */
async function withTransportFault(
  response: Response,
  fault: TransportFault,
  rt: SimulatorRuntime,
  socket: Socket | undefined,
): Promise<Response> {
  const text = await response.text();
  return new Response(faultyBody(text, fault, rt.signal, socket), {
    status: response.status,
    headers: response.headers,
  });
}

function dispatch(
  rt: SimulatorRuntime,
  facts: RequestFacts,
  rid: string,
  fault: TransportFault | undefined,
  socket: Socket | undefined,
  dual: boolean,
): Response {
  const era2026 = ERAS[profileEra(rt.profile)].frontEnd === 'fe-2026-08';
  if (!era2026 && facts.endpoint !== undefined && ENDPOINTS_2026.includes(facts.endpoint))
    return errorResponse(404, rid, 'Not_Found', 'Not Found');
  switch (facts.endpoint) {
    case 'auths.signin':
      return handleSignin(rt, facts, rid);
    case 'auths.signin.v2':
      return handleSignin(rt, facts, rid, true);
    case 'auths.refresh':
      return handleRefresh(rt, facts, rid);
    case 'auths.me':
      return handleMe(rt, facts, rid);
    case 'models':
      return handleModels(rt);
    case 'models.v2':
      return era2026 ? handleModelsV2(rt, rid) : handleModels(rt);
    case 'users.quota':
      return handleQuota(rt, facts, rid);
    case 'chats.delete-all':
      return handleChatsDeleteAll(rt, facts, rid);
    case 'chat.completions.stop':
      return handleStop(rt, facts, rid);
    case 'chats.new':
      return handleChatsNew(rt, facts, rid);
    case 'chats.list':
      return handleChatsList(rt, facts, rid);
    case 'chats.get':
      return handleChatsGet(rt, facts, rid);
    case 'chats.delete':
      return handleChatsDelete(rt, facts, rid);
    case 'chat.completions':
      return handleCompletion(rt, facts, { fault, socket, dual });
    default:
      // The v1 completion endpoint and paths the protocol model does not know.
      return errorResponse(404, rid, 'Not_Found', 'Not Found');
  }
}

/**
 * The endpoint a path names in the running profile: an endpoint an `endpoint-moved` drift moved is
 * found at its new path, and its old path names nothing (404, as a retired path).
 */
function endpointOf(rt: SimulatorRuntime, method: string, pathname: string): string | undefined {
  const moved = rt.profile.drift?.movedEndpoints ?? [];
  if (moved.length === 0) return classifyEndpoint(method, pathname);
  const to = moved.find((m) => m.to === pathname);
  if (to) return classifyEndpoint(method, to.from);
  const endpoint = classifyEndpoint(method, pathname);
  return moved.some((m) => m.endpoint === endpoint) ? undefined : endpoint;
}

/** Mounts /api/* on the app. */
export function mountApiRoutes(app: Hono<SimulatorEnv>, rt: SimulatorRuntime): void {
  app.all('/api/*', async (c) => {
    if (rt.latencyMs > 0) await sleep(rt.latencyMs, rt.signal);
    const url = new URL(c.req.url);
    const method = c.req.method;
    const endpoint = endpointOf(rt, method, url.pathname);
    bump(rt.state.requests, endpoint ?? 'unknown');
    const bodyText = method === 'GET' || method === 'HEAD' ? '' : await c.req.text().catch(() => '');
    const headers = c.req.raw.headers;
    const cookies = cookieRecord(headers.get('cookie'));
    const socket = c.env?.incoming?.socket;
    const facts: RequestFacts = {
      endpoint,
      method,
      url,
      headers,
      cookies,
      bodyText,
      body: parseBody(bodyText),
      token: checkToken(rt, bearerToken(headers, cookies)),
      tls: tlsFacts(socket),
    };
    const rid = rt.ids();
    const account = accountKey(facts);
    const answer: RuleAnswerContext = {
      requestId: rid,
      origin: url.origin,
      x5secdata: () => issueX5secData(rt.signingKey, account, rt.clock()),
      softBlock: (status) => softBlockStream(rt, facts, status),
    };
    const decide = (response: Response, outcome: string, explain?: string): Response => {
      recordDecision(rt.state, {
        at: rt.clock(),
        method,
        path: url.pathname,
        endpoint,
        status: response.status,
        outcome,
        explain,
      });
      return response;
    };

    const fault = rt.state.faults.take(endpoint);
    if (fault) {
      const replaced = faultResponse(fault, rid, answer);
      if (replaced) return decide(replaced, `fault:${fault.name}`);
    }
    const transport = fault && TRANSPORT_FAULTS.includes(fault.name) ? (fault.name as TransportFault) : undefined;

    if (endpoint === undefined) return decide(errorResponse(404, rid, 'Not_Found', 'Not Found'), 'floor:unknown-path');
    const rule = firstMatchingRule(rt.profile, facts, rt.world);
    // The first account to present an acw_tc owns it: later use by another account is a shared session.
    const acw = facts.cookies['acw_tc'];
    if (acw && facts.token.kind === 'valid' && !rt.state.antiBot.cookieOwners.has(acw))
      rt.state.antiBot.cookieOwners.set(acw, account);
    let response: Response;
    let outcome: string;
    let explain: string | undefined;
    if (rule) {
      response = ruleResponse(rule.respond, answer);
      outcome = `rule:${rule.name}`;
      explain = rule.explain;
      const block = blockKindOf(rule.respond);
      if (block) rt.state.antiBot.escalation.record(account, block, rt.clock());
    } else {
      response = dispatch(rt, facts, rid, transport, socket, fault?.name === 'dual-response');
      const streaming = response.headers.get('content-type')?.startsWith('text/event-stream') === true;
      outcome = streaming ? 'stream' : response.status < 400 ? 'ok' : `handler:${response.status}`;
      // A stream applies its transport fault itself; any other answer gets it here.
      if (streaming) return decide(response, transport ? `stream+fault:${transport}` : outcome);
    }
    if (transport)
      return decide(
        await withTransportFault(response, transport, rt, socket),
        `${outcome}+fault:${transport}`,
        explain,
      );
    return decide(response, outcome, explain);
  });
}

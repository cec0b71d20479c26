/**
 * Everything under /api: gather the request's facts, let an active fault answer, else the first
 * matching profile rule, else the endpoint's handler. Every answer is recorded as a decision in the
 * state (which rule or handler, and its one-sentence explanation). Nothing here throws on a bad
 * request: an unreadable body is a fact like any other.
 */
import type { Hono } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import type { Socket } from 'node:net';
import { cookieRecord } from '../common/index.js';
import { classifyEndpoint } from '../upstream/endpoints.js';
import {
  handleChatsDelete,
  handleChatsGet,
  handleChatsList,
  handleChatsNew,
  handleMe,
  handleModels,
  handleSignin,
} from './account-handlers.js';
import { handleCompletion } from './completion-handler.js';
import type { FaultSpec } from './faults.js';
import { verifyJwt, type TokenCheck } from './jwt.js';
import { bearerToken, parseBody, type RequestFacts } from './request-facts.js';
import { errorResponse, ruleResponse, wafHtmlResponse } from './responses.js';
import { firstMatchingRule } from './rules-engine.js';
import { nowSeconds, type SimulatorRuntime } from './runtime.js';
import { bump, recordDecision } from './state.js';
import { faultyBody, sleep, type TransportFault } from './stream-body.js';

export type SimulatorEnv = { Bindings: Partial<HttpBindings> };

const TRANSPORT_FAULTS: readonly string[] = ['reset-mid-stream', 'stall', 'malformed-sse'];

function checkToken(rt: SimulatorRuntime, token: string | undefined): TokenCheck {
  const check = verifyJwt(token, rt.jwtSecret, nowSeconds(rt));
  // A well-signed token of an account this simulator does not know (e.g. after a restart with a fixed secret).
  if (check.kind === 'valid' && !rt.state.users.some((u) => u.id === check.payload.id))
    return { kind: 'invalid', reason: 'unknown user' };
  return check;
}

/** The answer of a fault that replaces the response, or undefined for transport faults. */
function faultResponse(fault: FaultSpec, rid: string): Response | undefined {
  switch (fault.name) {
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
): Response {
  switch (facts.endpoint) {
    case 'auths.signin':
      return handleSignin(rt, facts, rid);
    case 'auths.me':
      return handleMe(rt, facts, rid);
    case 'models':
    case 'models.v2':
      return handleModels(rt);
    case 'chats.new':
      return handleChatsNew(rt, facts, rid);
    case 'chats.list':
      return handleChatsList(rt, facts, rid);
    case 'chats.get':
      return handleChatsGet(rt, facts, rid);
    case 'chats.delete':
      return handleChatsDelete(rt, facts, rid);
    case 'chat.completions':
      return handleCompletion(rt, facts, { fault, socket });
    default:
      // The v1 completion endpoint and paths the protocol model does not know.
      return errorResponse(404, rid, 'Not_Found', 'Not Found');
  }
}

/** Mounts /api/* on the app. */
export function mountApiRoutes(app: Hono<SimulatorEnv>, rt: SimulatorRuntime): void {
  app.all('/api/*', async (c) => {
    if (rt.latencyMs > 0) await sleep(rt.latencyMs, rt.signal);
    const url = new URL(c.req.url);
    const method = c.req.method;
    const endpoint = classifyEndpoint(method, url.pathname);
    bump(rt.state.requests, endpoint ?? 'unknown');
    const bodyText = method === 'GET' || method === 'HEAD' ? '' : await c.req.text().catch(() => '');
    const headers = c.req.raw.headers;
    const cookies = cookieRecord(headers.get('cookie'));
    const facts: RequestFacts = {
      endpoint,
      method,
      url,
      headers,
      cookies,
      bodyText,
      body: parseBody(bodyText),
      token: checkToken(rt, bearerToken(headers, cookies)),
    };
    const rid = rt.ids();
    const socket = c.env?.incoming?.socket;
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
      const replaced = faultResponse(fault, rid);
      if (replaced) return decide(replaced, `fault:${fault.name}`);
    }
    const transport = fault && TRANSPORT_FAULTS.includes(fault.name) ? (fault.name as TransportFault) : undefined;

    if (endpoint === undefined) return decide(errorResponse(404, rid, 'Not_Found', 'Not Found'), 'floor:unknown-path');
    const rule = firstMatchingRule(rt.profile, facts, rt.world);
    let response: Response;
    let outcome: string;
    let explain: string | undefined;
    if (rule) {
      response = ruleResponse(rule.respond, rid);
      outcome = `rule:${rule.name}`;
      explain = rule.explain;
    } else {
      response = dispatch(rt, facts, rid, transport, socket);
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

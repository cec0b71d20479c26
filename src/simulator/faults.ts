/**
 * Faults on demand: failures that no profile rule describes because they do not depend on the
 * request (a cut connection, a stall, a WAF mood, a quota). Each spec hits matching requests in a
 * window (`after` skipped, then `times` hit), counted per spec, so tests can script "the third
 * request is cut".
 */
import { z } from 'zod';
import { ProbeError } from '../exchange/errors.js';
import { ENDPOINTS } from '../upstream/endpoints.js';

/** Faults of /api requests. */
export const API_FAULT_NAMES = [
  /** Destroy the socket after a few stream events. */
  'reset-mid-stream',
  /** Send a few events, then nothing; the socket stays open until the simulator closes. */
  'stall',
  /** The Aliyun WAF HTML block page. */
  'waf-html',
  /** HTTP 200 with an error envelope (Internal_Server_Error), where a stream was due. */
  'json-error-200',
  /** HTTP 401, "Token has expired". */
  'expired-token',
  /** HTTP 429 with code RateLimited and `num` (hours to wait). */
  'rate-limited',
  /** A `data:` line that is not JSON in the middle of the stream. */
  'malformed-sse',
  /** Two answers in one stream, interleaved: two `response.created` with `response_index` "0" and "1" (§9.14). */
  'dual-response',
  /** The silent soft block: HTTP 200, `response.created`, then `finished` with no answer (§9.5). */
  'soft-block',
  /** HTTP 200 with the captcha JSON (`FAIL_SYS_USER_VALIDATE`, a punish URL with `action=captcha`, §9.6). */
  'captcha',
  /** A bare HTTP 403 with no body (§9.7). */
  'forbidden',
  /** The gateway's 504 HTML page (alibaba-ga, §9.20). */
  'gateway-timeout',
  /** HTTP 200 with the envelope `data_inspection_failed` (content moderation, §9.17). */
  'data-inspection-failed',
] as const;

/**
 * Faults of the page rather than of an /api endpoint: they hit page loads, counted under the
 * pseudo-endpoint `page` (their default endpoint).
 */
export const PAGE_FAULT_NAMES = [
  /** The 2026 page's composer class (`message-input-textarea`) is renamed, as a redesign would. */
  'renamed-composer',
  /** Loading the page redirects to the firewall's captcha ("Verification", `…/punish?…&action=captcha`). */
  'captcha-page',
] as const;

export const FAULT_NAMES = [...API_FAULT_NAMES, ...PAGE_FAULT_NAMES] as const;

export type ApiFaultName = (typeof API_FAULT_NAMES)[number];
export type PageFaultName = (typeof PAGE_FAULT_NAMES)[number];

export type FaultName = (typeof FAULT_NAMES)[number];

/** The endpoint a page load counts as, for page faults. */
export const PAGE_ENDPOINT = 'page';

/** True for a fault of the page (`PAGE_FAULT_NAMES`). */
export function isPageFault(name: FaultName): name is PageFaultName {
  return (PAGE_FAULT_NAMES as readonly string[]).includes(name);
}

/** The endpoint a spec hits: its own, else `page` for page faults and `chat.completions` for the rest. */
export function faultEndpoint(spec: FaultSpec): string {
  return spec.endpoint ?? (isPageFault(spec.name) ? PAGE_ENDPOINT : 'chat.completions');
}

export interface FaultSpec {
  readonly name: FaultName;
  /**
   * Endpoint name (src/upstream/endpoints.ts), `*` for every /api endpoint, or `page` for page loads;
   * default `chat.completions` (`page` for page faults).
   */
  readonly endpoint?: string;
  /** How many requests it hits; every matching request when absent. */
  readonly times?: number;
  /** Matching requests to let through before the first hit; default 0. */
  readonly after?: number;
}

const ENDPOINT_NAMES = ENDPOINTS.map((e) => e.name);

export const faultSpecSchema = z.strictObject({
  name: z.enum(FAULT_NAMES),
  endpoint: z
    .string()
    .refine((e) => e === '*' || e === PAGE_ENDPOINT || ENDPOINT_NAMES.includes(e), {
      message: `unknown endpoint; use *, page or one of ${ENDPOINT_NAMES.join(', ')}`,
    })
    .optional(),
  times: z.number().int().min(0).optional(),
  after: z.number().int().min(0).optional(),
});

export const faultSpecsSchema = z.array(faultSpecSchema);

export function isFaultName(name: string): name is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(name);
}

/**
 * Parses the CLI syntax `NAME[:times=N][:after=N][:endpoint=NAME]`, e.g. `reset-mid-stream:times=1:after=2`.
 * Throws ProbeError E_USAGE on anything else.
 */
export function parseFaultSpec(text: string): FaultSpec {
  const [name = '', ...options] = text.split(':');
  if (!isFaultName(name))
    throw new ProbeError('E_USAGE', `unknown fault "${name}": use one of ${FAULT_NAMES.join(', ')}`);
  const spec: { name: FaultName; endpoint?: string; times?: number; after?: number } = { name };
  for (const option of options) {
    const m = /^(times|after|endpoint)=(.+)$/.exec(option);
    if (!m)
      throw new ProbeError(
        'E_USAGE',
        `bad fault option "${option}" in "${text}": use times=N, after=N or endpoint=NAME`,
      );
    const [, key, value = ''] = m;
    if (key === 'endpoint') {
      if (value !== '*' && value !== PAGE_ENDPOINT && !ENDPOINT_NAMES.includes(value))
        throw new ProbeError('E_USAGE', `unknown endpoint "${value}" in fault "${text}"`);
      spec.endpoint = value;
    } else {
      if (!/^\d+$/.test(value))
        throw new ProbeError('E_USAGE', `fault option ${key} needs a whole number, got "${value}"`);
      spec[key as 'times' | 'after'] = Number(value);
    }
  }
  return spec;
}

/** One spec with its counters. */
export interface FaultCounter {
  readonly spec: FaultSpec;
  /** Matching requests seen. */
  seen: number;
  /** Requests it hit. */
  hits: number;
}

/** The active faults and their counters; `take` decides (and counts) which fault hits a request. */
export class FaultBook {
  private counters: FaultCounter[] = [];

  constructor(specs: readonly FaultSpec[] = []) {
    this.set(specs);
  }

  /** Replaces the active faults; counters start again. */
  set(specs: readonly FaultSpec[]): void {
    this.counters = specs.map((spec) => ({ spec, seen: 0, hits: 0 }));
  }

  get list(): readonly FaultCounter[] {
    return this.counters;
  }

  /**
   * Counts the request against every spec of its endpoint and returns the first spec whose window
   * it falls in (that spec's hit is counted), or undefined.
   */
  take(endpoint: string | undefined): FaultSpec | undefined {
    if (endpoint === undefined) return undefined;
    let chosen: FaultSpec | undefined;
    for (const c of this.counters) {
      // Page faults hit page loads only, API faults /api requests only (`*`: every /api endpoint).
      if (isPageFault(c.spec.name) !== (endpoint === PAGE_ENDPOINT)) continue;
      const target = faultEndpoint(c.spec);
      if (target !== '*' && target !== PAGE_ENDPOINT && target !== endpoint) continue;
      c.seen += 1;
      const inWindow = c.seen > (c.spec.after ?? 0) && (c.spec.times === undefined || c.hits < c.spec.times);
      if (inWindow && chosen === undefined) {
        c.hits += 1;
        chosen = c.spec;
      }
    }
    return chosen;
  }
}

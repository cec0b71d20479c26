/**
 * The middle of an investigation: diff the browser's capture against the library's and plan the
 * bisect (step "diff"), then bisect live against the target with the browser's session (step
 * "bisect"). A bisect that ends without culprits is a failed step, not an error: the report tells why.
 */
import { planCaptures, type BisectPlan, type FindingChange } from '../bisect/bisect-captures.js';
import { DEFAULT_BUDGET } from '../bisect/bisect-requests.js';
import type { BisectResult } from '../bisect/bisect-result.js';
import { runBisectPlan } from '../bisect/run-bisect-plan.js';
import type { DiffResult } from '../diff/diff-result.js';
import type { Exchange } from '../exchange/exchange.js';
import { runStep, type InvestigationListener } from './investigation-event.js';

/** The diff of the two captures and the pair it bisects. */
export interface PlannedBisect {
  readonly diff: DiffResult;
  readonly plan: BisectPlan;
}

/** Step "diff": the browser's requests are the working side, the library's the failing one. */
export function diffStep(
  browser: readonly Exchange[],
  library: readonly Exchange[],
  onEvent?: InvestigationListener | undefined,
): Promise<PlannedBisect> {
  return runStep('diff', onEvent, async () => {
    const planned = planCaptures(browser, library);
    return {
      value: planned,
      detail:
        `${planned.diff.explanation} Bisecting ${planned.plan.pair.key}: ${planned.plan.changes.length} ` +
        `differences.`,
    };
  });
}

/** Where and how gently the bisect probes. */
export interface BisectStepOptions {
  readonly target: string;
  /** The browser's session. */
  readonly token: string;
  readonly cookies: Readonly<Record<string, string>>;
  /** Most probes (default 64). */
  readonly budget?: number | undefined;
  readonly delayMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onEvent?: InvestigationListener | undefined;
}

/** Step "bisect": `exchanges` are both captures, for the chats/new request a probe re-sends. */
export function bisectStep(
  plan: BisectPlan,
  exchanges: readonly Exchange[],
  options: BisectStepOptions,
): Promise<BisectResult<FindingChange>> {
  return runStep('bisect', options.onEvent, async () => {
    const result = await runBisectPlan(plan, exchanges, {
      target: options.target,
      credentials: { token: options.token, cookies: options.cookies },
      budget: options.budget ?? DEFAULT_BUDGET,
      delayMs: options.delayMs ?? 0,
      signal: options.signal,
      onProgress: (progress) => options.onEvent?.({ kind: 'bisect', progress }),
    });
    return { value: result, detail: result.explanation, failed: result.verdict !== 'found' };
  });
}

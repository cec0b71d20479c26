/**
 * How an investigation reports its progress: as events, never as printed lines. Each step says when
 * it starts and how it ended (`step-end` carries the step as the report lists it); the browser login
 * adds status notes and the bisect its own progress. The CLI turns them into the lines it prints; a
 * library caller may ignore them and read the result.
 */
import type { LiveBisectProgress } from '../bisect/run-bisect-plan.js';
import type { InvestigationStep } from '../report/investigation-model.js';

/** One thing an investigation tells while it runs. */
export type InvestigationEvent =
  /** A step began (steps that do no work, such as a skipped one, end without starting). */
  | { readonly kind: 'step-start'; readonly name: string }
  /** A step ended: done, failed (also when it threw) or skipped. */
  | { readonly kind: 'step-end'; readonly step: InvestigationStep }
  /** A line of detail within the current step (the browser login's status). */
  | { readonly kind: 'note'; readonly line: string }
  /** The bisect's plan, phases and probes. */
  | { readonly kind: 'bisect'; readonly progress: LiveBisectProgress };

export type InvestigationListener = (event: InvestigationEvent) => void;

/** What a step's work hands back: its value, one sentence for the report, and whether it failed. */
export interface StepOutcome<T> {
  readonly value: T;
  readonly detail: string;
  /** The step ran to its end but did not do what it is for (the bisect found nothing). */
  readonly failed?: boolean | undefined;
}

/**
 * Runs one step between a `step-start` and a `step-end` event and returns its value. A step that
 * throws ends as failed, with the error's message as its detail, and the error goes on.
 */
export async function runStep<T>(
  name: string,
  emit: InvestigationListener | undefined,
  work: () => Promise<StepOutcome<T>>,
): Promise<T> {
  emit?.({ kind: 'step-start', name });
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const { value, detail, failed } = await work();
    emit?.({ kind: 'step-end', step: { name, status: failed ? 'failed' : 'done', detail, ms: ms() } });
    return value;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    emit?.({ kind: 'step-end', step: { name, status: 'failed', detail, ms: ms() } });
    throw error;
  }
}

/** Reports a step that does no work of its own: skipped (with the reason) or done at once. */
export function endStep(
  emit: InvestigationListener | undefined,
  name: string,
  status: 'done' | 'skipped',
  detail: string,
): void {
  emit?.({ kind: 'step-end', step: { name, status, detail, ms: 0 } });
}

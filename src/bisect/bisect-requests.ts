/**
 * Bisect, generic: given the changes that turn a failing request into a working one, an `apply`
 * that builds the request for any subset, and an oracle, find a smallest subset that makes it work
 * (ddmin), confirm it, show how the failure moves as each culprit is added, and, budget allowing,
 * which fields of the working request the server needs. Nothing here knows HTTP or Qwen.
 *
 * Order of work, each step a reason to stop early: the working request must work (else
 * `good-fails`), the failing one must fail (else `bad-passes`), all changes together must work
 * (else `not-found`), then the search, the confirmation, the repair path, the required fields.
 */
import { ddmin } from './ddmin.js';
import type {
  BisectChange,
  BisectResult,
  BisectVerdict,
  FailureTransition,
  ProbeVerdict,
  RequiredField,
  RequiredStatus,
} from './bisect-result.js';
import { Halt, type HaltReason } from './halt.js';
import { ProbeRunner, type BisectProgress } from './probe-runner.js';
import { findRequired, type RequiredSearch } from './required-search.js';
import { explainVerdict } from './explain-bisect.js';

export type { BisectProgress } from './probe-runner.js';
export type { RequiredSearch } from './required-search.js';

export const DEFAULT_BUDGET = 64;

export interface BisectOptions<C extends BisectChange, R> {
  /** The differences between the failing and the working request, most likely culprit first. */
  readonly changes: readonly C[];
  /** The failing request with these changes applied. */
  apply(subset: readonly C[]): R;
  /** The oracle: sends a request and judges the answer. */
  probe(request: R): Promise<ProbeVerdict>;
  /** The working request itself; probed first so a session that expired is not mistaken for a finding. */
  readonly good?: R | undefined;
  /** Most probes to send, retries included (default 64). */
  readonly budget?: number | undefined;
  /** Pause between probes in ms (default 0). */
  readonly delayMs?: number | undefined;
  readonly onProgress?: ((event: BisectProgress) => void) | undefined;
  /** Checked before every probe: Ctrl-C. The result then holds what was learned so far. */
  readonly shouldStop?: (() => boolean) | undefined;
  /** Fields of the working request to check for being required, after the culprits are known. */
  readonly required?: RequiredSearch<R> | undefined;
  /** Test hook for the pause. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** Runs a bisect; never throws for what the oracle says, only for bugs in `apply`. */
export async function bisectRequests<C extends BisectChange, R>(
  options: BisectOptions<C, R>,
): Promise<BisectResult<C>> {
  const changes = options.changes;
  const budget = options.budget ?? DEFAULT_BUDGET;
  const runner = new ProbeRunner<R>({
    probe: options.probe,
    budget,
    delayMs: options.delayMs ?? 0,
    onProgress: options.onProgress,
    shouldStop: options.shouldStop,
    sleep: options.sleep,
  });
  const key = (idx: readonly number[]) => [...idx].sort((a, b) => a - b).join(',');
  const pick = (idx: readonly number[]) => [...idx].sort((a, b) => a - b).map((i) => changes[i]!);
  const test = (idx: readonly number[], purpose: 'bad' | 'all' | 'search' | 'confirm' | 'path') =>
    runner.send(options.apply(pick(idx)), purpose, pick(idx), key(idx));

  const baseline: { good?: ProbeVerdict; bad?: ProbeVerdict } = {};
  let culprits: C[] = [];
  const withoutEach: Record<string, string> = {};
  const transitions: FailureTransition[] = [];
  let required: readonly RequiredField[] = [];
  let requiredStatus: RequiredStatus = 'skipped';
  let requiredChecked = 0;
  let culpritProbes: number | undefined;

  const finish = (verdict: BisectVerdict, note?: string): BisectResult<C> => {
    const result: Omit<BisectResult<C>, 'explanation'> = {
      verdict,
      culprits,
      withoutEach,
      required,
      requiredStatus,
      requiredChecked,
      requiredCandidates: options.required?.candidates.length ?? 0,
      changes: changes.length,
      probes: runner.used,
      culpritProbes: culpritProbes ?? runner.used,
      budget,
      naiveProbes: changes.length,
      baseline,
      transitions,
      log: runner.log,
    };
    return { ...result, explanation: explainVerdict(result, note) };
  };
  const halted = (reason: HaltReason, best: readonly number[] = []): BisectResult<C> => {
    culprits = pick(best);
    return finish(reason);
  };

  try {
    if (options.good !== undefined) {
      runner.phase('checking that the working request still works');
      baseline.good = await runner.send(options.good, 'good', [], 'good');
      if (baseline.good.outcome === 'inconclusive') return halted('inconclusive');
      if (baseline.good.outcome === 'fails') return finish('good-fails');
    }
    runner.phase('checking that the failing request still fails');
    baseline.bad = await test([], 'bad');
    if (baseline.bad.outcome === 'inconclusive') return halted('inconclusive');
    if (baseline.bad.outcome === 'works') return finish('bad-passes');
    if (changes.length === 0) return finish('not-found', 'The two requests differ in no field the search can change.');
    const all = changes.map((_, i) => i);
    runner.phase(`applying all ${changes.length} differences at once`);
    const whole = await test(all, 'all');
    if (whole.outcome === 'inconclusive') return halted('inconclusive');
    if (whole.outcome === 'fails')
      return finish(
        'not-found',
        `With all ${changes.length} differences applied the request still fails (${whole.failure ?? 'no answer'}): ` +
          `the cause lies outside the compared fields (a volatile value, the connection's fingerprint, the account).`,
      );

    runner.phase(`searching ${changes.length} differences for a smallest set that makes it work (ddmin)`);
    // No budget for ddmin: the runner owns it (retries included) and ends the search with Halt.
    const search = await ddmin(changes.length, async (idx) => (await test(idx, 'search')).outcome);
    if (search.kind !== 'minimal') return halted(search.kind, search.best);
    const found = [...search.subset].sort((a, b) => a - b);
    culprits = pick(found);

    runner.phase(`confirming ${culprits.length === 1 ? 'the culprit' : `the ${culprits.length} culprits`}`);
    const again = await runner.send(options.apply(culprits), 'confirm', culprits);
    if (again.outcome === 'inconclusive') return halted('inconclusive', found);
    if (again.outcome === 'fails')
      return finish(
        'not-found',
        `The smallest set worked once but failed when sent again (${again.failure ?? 'no answer'}): the service ` +
          `answers inconsistently, so no set can be trusted.`,
      );
    for (const i of found) {
      const rest = found.filter((x) => x !== i);
      const verdict = rest.length === 0 ? baseline.bad : await test(rest, 'confirm');
      if (verdict.outcome === 'inconclusive') return halted('inconclusive', found);
      if (verdict.outcome === 'works')
        return finish(
          'not-found',
          `Leaving out ${changes[i]!.label} still works, so the set is not minimal: the service answers ` +
            `inconsistently.`,
        );
      withoutEach[changes[i]!.id] = verdict.failure ?? 'fails';
    }
    await repairPath(found);
  } catch (error) {
    if (error instanceof Halt)
      return halted(
        error.reason,
        culprits.map((c) => changes.indexOf(c)),
      );
    throw error;
  }

  culpritProbes = runner.used;
  if (options.required && options.good !== undefined) {
    runner.phase(
      `checking which of ${options.required.candidates.length} fields of the working request the server needs`,
    );
    const outcome = await findRequired(options.required, runner);
    ({ required, status: requiredStatus, checked: requiredChecked } = outcome);
  }
  return finish('found');

  /** Adds the culprits one at a time, each time the one whose absence explains the current failure. */
  async function repairPath(found: readonly number[]): Promise<void> {
    let from = baseline.bad?.failure ?? 'fails';
    const remaining = [...found];
    const current: number[] = [];
    while (remaining.length > 0) {
      const next = remaining.find((i) => withoutEach[changes[i]!.id] === from) ?? remaining[0]!;
      remaining.splice(remaining.indexOf(next), 1);
      current.push(next);
      let to = 'works';
      if (remaining.length > 0) {
        // The path only illustrates confirmed culprits: running out of budget here just ends it.
        const verdict =
          runner.cached(key(current)) ??
          (runner.exhausted()
            ? undefined
            : await test(current, 'path').catch((e: unknown) => {
                if (e instanceof Halt) return undefined;
                throw e;
              }));
        if (!verdict || verdict.outcome === 'inconclusive') return;
        to = verdict.outcome === 'works' ? 'works' : (verdict.failure ?? 'fails');
      }
      const change = changes[next]!;
      const explanation =
        to === from
          ? `Adding ${change.label} left the failure at ${from}: another culprit still blocks the request.`
          : to === 'works'
            ? `Adding ${change.label} made the request work (it failed with ${from} before).`
            : `Adding ${change.label} moved the failure from ${from} to ${to}.`;
      transitions.push({ added: change.id, label: change.label, from, to, explanation });
      from = to;
    }
  }
}

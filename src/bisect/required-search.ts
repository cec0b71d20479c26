/**
 * Which fields of the working request the server needs: the ones whose removal breaks it. Found by
 * adaptive group testing instead of one probe per field: remove a group; if the request still
 * works, nothing in the group is needed; if not, split it and look closer. With k needed fields
 * among n this costs about k·log2(n) probes instead of n. Depth first, so a search cut short by the
 * budget has fully decided a prefix of the fields rather than a vague part of all of them.
 */
import { split } from './ddmin.js';
import type { BisectChange, RequiredField, RequiredStatus } from './bisect-result.js';
import { Halt } from './halt.js';
import type { ProbeRunner } from './probe-runner.js';

/** The fields to check and how to remove them from the working request. */
export interface RequiredSearch<R> {
  readonly candidates: readonly BisectChange[];
  /** The working request without these fields. */
  without(ids: readonly string[]): R;
}

export interface RequiredOutcome {
  readonly required: readonly RequiredField[];
  readonly status: RequiredStatus;
  readonly checked: number;
}

/** Runs the search on `runner` until done, out of budget, stopped, or an inconclusive probe. */
export async function findRequired<R>(search: RequiredSearch<R>, runner: ProbeRunner<R>): Promise<RequiredOutcome> {
  const required: RequiredField[] = [];
  let checked = 0;
  // Removing everything at once would fail for certain: start with halves.
  const stack: BisectChange[][] = split(search.candidates, Math.min(2, search.candidates.length)).reverse();
  try {
    while (stack.length > 0) {
      const group = stack.pop()!;
      const ids = group.map((c) => c.id);
      const verdict = await runner.send(search.without(ids), 'required', group, `required:${ids.join(',')}`);
      if (verdict.outcome === 'inconclusive') return { required, status: 'partial', checked };
      if (verdict.outcome === 'works') {
        checked += group.length;
      } else if (group.length === 1) {
        checked += 1;
        const field = group[0]!;
        required.push({
          id: field.id,
          label: field.label,
          ...(verdict.failure !== undefined ? { failure: verdict.failure } : {}),
          explanation:
            `Without ${field.label} the working request ` +
            `fails${verdict.failure ? ` with ${verdict.failure}` : ''}: the server needs it.`,
        });
      } else {
        stack.push(...split(group, 2).reverse());
      }
    }
  } catch (error) {
    if (error instanceof Halt) return { required, status: 'partial', checked };
    throw error;
  }
  return { required, status: 'complete', checked };
}

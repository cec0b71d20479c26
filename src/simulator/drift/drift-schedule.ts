/**
 * `simulate --drift SCHEDULE`: when each drift happens, counted from the start, as
 * `30s:version-bump,60s:new-required-header`. Durations take a unit (ms, s, m, h), as every
 * duration flag of the CLI does.
 */
import { ProbeError } from '../../exchange/errors.js';
import { DRIFT_NAMES, isDriftName, type DriftName } from './drift-kinds.js';

/** One step of a schedule. */
export interface DriftStep {
  /** Milliseconds after the simulator started. */
  readonly atMs: number;
  readonly name: DriftName;
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Reads `30s:version-bump,2m:endpoint-moved` into steps, in time order; a bad step is one E_USAGE line. */
export function parseDriftSchedule(text: string): DriftStep[] {
  const steps: DriftStep[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h):([a-z-]+)$/i.exec(part);
    if (!m)
      throw new ProbeError(
        'E_USAGE',
        `bad --drift step "${part}": use TIME:NAME with a unit, e.g. 30s:version-bump,2m:endpoint-moved`,
      );
    const name = m[3]!.toLowerCase();
    if (!isDriftName(name))
      throw new ProbeError('E_USAGE', `unknown drift "${m[3]}" in --drift: one of ${DRIFT_NAMES.join(', ')}`);
    steps.push({ atMs: Math.round(Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!), name });
  }
  if (steps.length === 0) throw new ProbeError('E_USAGE', '--drift needs at least one TIME:NAME step');
  return steps.sort((a, b) => a.atMs - b.atMs);
}

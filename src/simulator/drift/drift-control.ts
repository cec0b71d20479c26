/**
 * Drifting a running simulator: apply one named change now, list what was applied, go back to the
 * profile it started with. The control route (`/__simulator/drift`) and the `--drift` schedule both
 * go through here, so a drift is the same whichever way it came.
 */
import { setRuntimeProfile, type SimulatorRuntime } from '../runtime.js';
import { applyDrift, type DriftName } from './drift-kinds.js';
import type { DriftStep } from './drift-schedule.js';

/** What a caller can do to the running profile. */
export interface DriftControl {
  /** Applies one drift from the next request on; returns the names applied so far. */
  apply(name: DriftName): readonly string[];
  /** Back to the profile the simulator started with. */
  reset(): void;
  /** Drift names applied, oldest first. */
  applied(): readonly string[];
}

export function driftControl(rt: SimulatorRuntime): DriftControl {
  return {
    apply(name) {
      setRuntimeProfile(rt, applyDrift(rt.profile, name));
      return rt.profile.drift?.applied ?? [];
    },
    reset() {
      setRuntimeProfile(rt, rt.baseProfile);
    },
    applied: () => rt.profile.drift?.applied ?? [],
  };
}

/**
 * Runs a schedule: each step's drift at its time after now. Returns the function that cancels the
 * steps still to come (the simulator calls it when it closes).
 */
export function runDriftSchedule(
  control: DriftControl,
  steps: readonly DriftStep[],
  onApplied?: (step: DriftStep) => void,
): () => void {
  const timers = steps.map((step) =>
    setTimeout(() => {
      control.apply(step.name);
      onApplied?.(step);
    }, step.atMs),
  );
  return () => {
    for (const timer of timers) clearTimeout(timer);
  };
}

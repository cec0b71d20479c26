/**
 * What an investigation report tells, as plain data the `investigate` workflow fills in: the steps
 * and their outcomes, the library request's failure, the diff, the bisect, and the repaired request
 * with the answer it got. The renderers (Markdown, HTML) read only this, so they stay pure.
 */
import type { BisectResult } from '../bisect/bisect-result.js';
import type { FindingChange } from '../bisect/bisect-captures.js';
import type { DiffResult } from '../diff/diff-result.js';

/** One step of the workflow as it went. */
export interface InvestigationStep {
  readonly name: string;
  readonly status: 'done' | 'failed' | 'skipped';
  /** One sentence. */
  readonly detail: string;
  readonly ms: number;
}

/** How the library's request failed when it was sent. */
export interface LibraryFailure {
  readonly status?: number;
  /** Failure name, or `works` when it did not fail. */
  readonly name: string;
  readonly explanation: string;
}

/** The failing request with the culprits applied, sent once more. */
export interface RepairedRequest {
  readonly outcome: 'works' | 'fails' | 'inconclusive';
  readonly failure?: string;
  readonly explanation: string;
  readonly status?: number;
  readonly answer: string;
  readonly reasoning?: string;
  /** A curl script that reproduces it; secrets as shell variables. */
  readonly curl: string;
}

/** A file the investigation wrote, relative to its folder. */
export interface InvestigationFile {
  readonly name: string;
  readonly description: string;
}

export interface InvestigationReport {
  /** ISO-8601 start time. */
  readonly startedAt: string;
  readonly target: string;
  /** The simulator profile when the target was the bundled simulator. */
  readonly simulatorProfile?: string;
  /** What was investigated: a shape name (`seed-v4`) or a capture file name. */
  readonly library: string;
  readonly prompt: string;
  readonly steps: readonly InvestigationStep[];
  /** The browser's answer to the prompt (evidence that the working request works). */
  readonly browserAnswer?: string;
  readonly libraryFailure?: LibraryFailure;
  readonly diff?: DiffResult;
  /** Key of the diff pair that was bisected (`chat.completions`). */
  readonly bisectedPair?: string;
  readonly bisect?: BisectResult<FindingChange>;
  readonly repaired?: RepairedRequest;
  readonly files: readonly InvestigationFile[];
  /** True when culprits were found and the repaired request works. */
  readonly solved: boolean;
  /** One or two sentences: the outcome of the whole investigation. */
  readonly summary: string;
}

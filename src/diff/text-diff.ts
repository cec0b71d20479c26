/**
 * Word-level diffs of long string values (prompts, system messages) with the `diff` package, so a
 * report shows what changed inside a 2,000-character prompt instead of two blobs. Bounded: a diff
 * that would cost too much (very long or very different texts) is skipped, never slow.
 */
import { diffWordsWithSpace } from 'diff';
import type { TextDiffPart } from './finding.js';

/** Strings shorter than this are shown whole; a diff adds nothing. */
export const TEXT_DIFF_MIN_CHARS = 60;
/** Strings longer than this are not diffed (the report says they differ, with lengths). */
export const TEXT_DIFF_MAX_CHARS = 50_000;
/** Unchanged runs longer than this keep their ends only. */
const CONTEXT_CHARS = 40;

/** A compact word diff of two strings, or undefined when they are short, equal or too costly. */
export function textDiff(good: string, bad: string): TextDiffPart[] | undefined {
  if (good === bad) return undefined;
  if (Math.max(good.length, bad.length) < TEXT_DIFF_MIN_CHARS) return undefined;
  if (good.length > TEXT_DIFF_MAX_CHARS || bad.length > TEXT_DIFF_MAX_CHARS) return undefined;
  // maxEditLength bounds Myers' O(ND) work; past it the texts are too different for a useful diff.
  const changes = diffWordsWithSpace(good, bad, { maxEditLength: 2_000, timeout: 200 });
  if (!changes) return undefined;
  const parts: TextDiffPart[] = [];
  changes.forEach((change, index) => {
    if (change.added) parts.push({ op: 'added', text: change.value });
    else if (change.removed) parts.push({ op: 'removed', text: change.value });
    else parts.push({ op: 'same', text: elide(change.value, index === 0, index === changes.length - 1) });
  });
  return parts;
}

function elide(text: string, first: boolean, last: boolean): string {
  if (text.length <= CONTEXT_CHARS * 2 + 5) return text;
  if (first) return `…${text.slice(-CONTEXT_CHARS)}`;
  if (last) return `${text.slice(0, CONTEXT_CHARS)}…`;
  return `${text.slice(0, CONTEXT_CHARS)} … ${text.slice(-CONTEXT_CHARS)}`;
}

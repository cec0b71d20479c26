/**
 * The bisect result for a terminal, and the one-line progress of each probe. Plain text, secrets as
 * stand-ins; the same sentences as `bisect.json`.
 */
import type { BisectProgress } from '../bisect/bisect-requests.js';
import type { BisectResult } from '../bisect/bisect-result.js';
import type { FindingChange } from '../bisect/bisect-captures.js';
import { displayValue, scrubText } from './format-value.js';

const PURPOSE_NAMES: Readonly<Record<string, string>> = {
  good: 'working request',
  bad: 'failing request',
  all: 'all differences',
  search: 'search',
  confirm: 'confirm',
  path: 'repair path',
  required: 'required fields',
};

/** `[body model, body messages[0].chat_type +3 more]`, kept short for one line. */
export function subsetText(labels: readonly string[], max = 3): string {
  if (labels.length === 0) return '[none]';
  const shown = labels.slice(0, max).join(', ');
  return `[${shown}${labels.length > max ? ` +${labels.length - max} more` : ''}]`;
}

/**
 * One line per progress event, or undefined for events not worth a line. `badFailure` lets the line
 * say when a probe moved the failure to another kind.
 */
export function bisectProgressLine(event: BisectProgress, badFailure?: string): string | undefined {
  switch (event.kind) {
    case 'phase':
      return `· ${event.message}`;
    case 'probe-start':
      return undefined;
    case 'probe-end': {
      const e = event.entry;
      const purpose = PURPOSE_NAMES[e.purpose] ?? e.purpose;
      const what =
        e.purpose === 'required'
          ? `without ${subsetText(e.subset)}`
          : e.purpose === 'good' || e.purpose === 'bad'
            ? ''
            : e.purpose === 'all'
              ? `${e.subset.length} applied`
              : `${e.subset.length} applied ${subsetText(e.subset)}`;
      const verdict = e.outcome === 'works' ? 'works' : `${e.outcome}: ${e.failure ?? 'no answer'}`;
      const moved =
        badFailure !== undefined &&
        e.outcome === 'fails' &&
        e.failure !== undefined &&
        e.failure !== badFailure &&
        e.purpose !== 'required' &&
        e.purpose !== 'good'
          ? ` (moved from ${badFailure})`
          : '';
      return (
        `probe ${e.n} of at most ${event.budget} · ` +
        `${purpose}${what ? ` ${what}` : ''}${e.retry ? ' (retry)' : ''} → ${verdict}${moved}`
      );
    }
  }
}

/** `body messages[0].chat_type: 'text' → 't2t'` (failing value, then the working one). */
export function culpritLine(c: FindingChange): string {
  const bad = c.bad === undefined ? 'missing' : displayValue(c.bad, c.secret, 50);
  const good = c.good === undefined ? 'absent' : displayValue(c.good, c.secret, 50);
  return `${c.label}: ${bad} → ${good}`;
}

/** The whole result as terminal text, ending with a newline. */
export function renderBisectText(result: BisectResult<FindingChange>): string {
  const lines: string[] = [`verdict: ${result.verdict}`, scrubText(result.explanation)];
  if (result.culprits.length > 0) {
    lines.push('', result.verdict === 'found' ? 'culprits:' : 'best set so far (unconfirmed):');
    result.culprits.forEach((c, i) => {
      const without = result.withoutEach[c.id];
      lines.push(`  ${i + 1}. ${culpritLine(c)}${without ? `   (without it: ${without})` : ''}`);
      lines.push(`     ${scrubText(c.explanation)}`);
    });
  }
  if (result.transitions.length > 0) {
    lines.push('', 'how the failure moved as the culprits were added:');
    for (const t of result.transitions) lines.push(`  + ${t.label}: ${t.from} → ${t.to}`);
  }
  if (result.requiredStatus !== 'skipped') {
    const status =
      result.requiredStatus === 'complete'
        ? `all ${result.requiredCandidates} checked`
        : `${result.requiredChecked} of ${result.requiredCandidates} checked before the budget ran out`;
    lines.push('', `fields the working request needs (${status}):`);
    lines.push(result.required.length > 0 ? `  ${result.required.map((r) => r.label).join(', ')}` : '  none found');
  }
  lines.push(
    '',
    `probes: ${result.probes} of at most ${result.budget} (${result.culpritProbes} for the culprits; one difference ` +
      `at a time would take ${result.naiveProbes})`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * The sentence every bisect verdict comes with. Built from the result alone, so a report, the CLI
 * and `bisect.json` all say the same thing.
 */
import type { BisectChange, BisectResult } from './bisect-result.js';

/** What a failing working request most likely means, from its failure name. */
export function goodFailsHint(failure: string | undefined): string {
  const full = (failure ?? '').toLowerCase();
  // A failure while creating the probe's chat carries a prefix; the cause is read the same way.
  const name = full.replace(/^chats\.new /, '');
  if (name.startsWith('auth') || name.includes('unauthori'))
    return 'the session expired or its token was refused: log in again and re-run';
  if (name.startsWith('waf') || name.includes('waf'))
    return (
      'a WAF blocks the replay (anti-bot cookies or the client fingerprint): capture again with the browser and ' +
      're-run soon after'
    );
  if (full.startsWith('chats.new'))
    return 'a fresh chat could not be created with this session: check the account and the target';
  return (
    'the service may have changed since the capture (drift), or the capture depends on state that is gone: ' +
    'capture the working request again'
  );
}

function list(labels: readonly string[]): string {
  if (labels.length <= 1) return labels[0] ?? 'nothing';
  return `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

type Unexplained<C extends BisectChange> = Omit<BisectResult<C>, 'explanation'>;

/** One or two sentences for the verdict; `note` carries the detail the engine knows best. */
export function explainVerdict<C extends BisectChange>(result: Unexplained<C>, note?: string): string {
  const labels = result.culprits.map((c) => c.label);
  const spent = `${result.probes} probe${result.probes === 1 ? '' : 's'} of ${result.budget}`;
  switch (result.verdict) {
    case 'found': {
      const what =
        labels.length === 1 ? `The culprit is ${labels[0]}` : `The ${labels.length} culprits are ${list(labels)}`;
      const confirmed =
        labels.length === 1
          ? 'applied alone it makes the failing request work, and without it the request fails again'
          : 'applied together they make the failing request work, and leaving out any one of them breaks it again';
      const cost =
        `${result.culpritProbes} probes to find and confirm, against ${result.naiveProbes} for trying one ` +
        `difference at a time`;
      return `${what}: ${confirmed} (${cost}).`;
    }
    case 'not-found':
      return note ?? `No subset of the ${result.changes} differences makes the request work (${spent}).`;
    case 'good-fails': {
      const failure = result.baseline.good?.failure;
      return (
        `The working request fails now${failure ? ` (${failure})` : ''}, so nothing can be learned by comparing ` +
        `with it: ${goodFailsHint(failure)}.`
      );
    }
    case 'bad-passes':
      return (
        'The failing request works now, so there is nothing to bisect: the service changed, or the failure ' +
        'depended on state that is gone (an expired chat, a used id).'
      );
    case 'budget-exhausted':
      return (
        `The budget ran out (${spent}) before the search finished; ` +
        `${
          labels.length > 0
            ? `the smallest working set seen so far is ${list(labels)}, ` + `unconfirmed`
            : 'no working set smaller than all differences was seen yet'
        }. Raise --budget to finish.`
      );
    case 'inconclusive': {
      const last = [...result.log].reverse().find((e) => e.outcome === 'inconclusive');
      return (
        `A probe ended without a verdict twice in a row (${last?.failure ?? 'transport failure'}), so the ` +
        `search stopped rather than ` +
        `guess${labels.length > 0 ? `; best set so far: ${list(labels)}, unconfirmed` : ''}. ` +
        `Re-run when the service is stable.`
      );
    }
    case 'stopped':
      return (
        `Stopped on request after ` +
        `${spent}${labels.length > 0 ? `; best set so far: ${list(labels)}, unconfirmed` : ''}.`
      );
  }
}

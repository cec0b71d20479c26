/**
 * The one way a search ends early. Whoever owns the budget throws it: the probe runner in a bisect
 * (budget spent, or a stop asked for), or ddmin when it runs alone with a budget of its own. The
 * search that catches it turns it into a verdict that keeps what was learned so far.
 */

/** Why a search ended early; each is also a bisect verdict of the same name. */
export type HaltReason = 'budget-exhausted' | 'stopped' | 'inconclusive';

/** Thrown to end a search early; see the module comment. */
export class Halt extends Error {
  constructor(readonly reason: HaltReason) {
    super(reason);
    this.name = 'Halt';
  }
}

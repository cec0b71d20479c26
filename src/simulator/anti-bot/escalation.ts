/**
 * The anti-bot layer's memory of what it answered each account (protocol.md §9.5 to §9.7): soft
 * blocks, captchas and refusals, with their times, so that rules can escalate ("three soft blocks
 * within ten minutes, then the captcha"). The thresholds live in the rules (`blocksAtLeast`), not here.
 */

/** The anti-bot answers the layer remembers. */
export const BLOCK_KINDS = ['soft-block', 'captcha', 'forbidden'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

/** Entries older than this are dropped: no rule looks back further than a day. */
const KEEP_MS = 24 * 3600 * 1000;

export class EscalationLog {
  private readonly byAccount = new Map<string, { kind: BlockKind; at: number }[]>();

  record(account: string, kind: BlockKind, at: number): void {
    const list = this.byAccount.get(account) ?? [];
    list.push({ kind, at });
    while (list.length > 0 && list[0]!.at < at - KEEP_MS) list.shift();
    this.byAccount.set(account, list);
  }

  /** How many answers of `kind` the account got at or after `sinceMs`. */
  count(account: string, kind: BlockKind, sinceMs: number): number {
    return (this.byAccount.get(account) ?? []).filter((e) => e.kind === kind && e.at >= sinceMs).length;
  }

  /** Counts per account and kind, for GET /__simulator/state. */
  snapshot(): Record<string, Partial<Record<BlockKind, number>>> {
    const out: Record<string, Partial<Record<BlockKind, number>>> = {};
    for (const [account, list] of this.byAccount) {
      const counts: Partial<Record<BlockKind, number>> = {};
      for (const e of list) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
      out[account] = counts;
    }
    return out;
  }
}

/**
 * What `watch` records per round and reports when the site drifts: the data the round records
 * (OUT/rounds.jsonl, one JSON line each), the drift reports (md, html) and the timeline page
 * render. Plain JSON-able data, built by the workflow (src/workflow/watch/), rendered here.
 */

/** Where a change was seen. */
export type WatchChangeKind = 'front-end-version' | 'models' | 'canary' | 'page-check' | 'protocol' | 'browser';

/** One change the round saw for the first time. */
export interface WatchChange {
  readonly kind: WatchChangeKind;
  /** Stable: the same change seen in two rounds has the same key. */
  readonly key: string;
  /** One sentence: what changed. */
  readonly explanation: string;
  readonly before?: string;
  readonly after?: string;
  /** What a client built against the old protocol now gets wrong (fields, values, paths). */
  readonly breaks: readonly string[];
  /** ISO time of the round that first saw it. */
  readonly firstSeen: string;
  /** The evidence: exchanges as one line each (request, status, verdict), or the files that hold them. */
  readonly evidence: readonly string[];
}

/** One canary completion through one transport, judged. */
export interface WatchCanary {
  /** The transport's name (`direct`, `browser`). */
  readonly transport: string;
  readonly ok: boolean;
  /** `answer`, `empty`, or the failure's stable name (`waf`, `Bad_Request`, `http-404`, ...). */
  readonly outcome: string;
  /** The stream carried two answers (a dual response). */
  readonly dual: boolean;
  /** One sentence about the verdict. */
  readonly detail: string;
  /** The exchanges, one line each (method, path, status). */
  readonly exchanges: readonly string[];
}

/** The front end's version constants as the page (and its main script bundle) show them. */
export interface WatchFrontEnd {
  readonly version?: string;
  readonly bxV?: string;
  /** The URLs the constants were read from. */
  readonly from: readonly string[];
}

/** The page self-check of the round (capture --check-page). */
export interface WatchPageCheck {
  /** Required selectors that matched nothing. */
  readonly missing: readonly string[];
  readonly checked: number;
}

/** The browser half of the round: one chat captured, learnt and compared with the baseline. */
export interface WatchBrowser {
  readonly ok: boolean;
  readonly detail: string;
  readonly exchanges: number;
  /** The round's capture, relative to OUT. */
  readonly capture?: string;
}

/** One line of OUT/rounds.jsonl. */
export interface WatchRoundRecord {
  readonly schema: 1;
  readonly round: number;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly target: string;
  /** False when the target could not be reached (the page or the model list got no HTTP answer). */
  readonly reachable: boolean;
  readonly unreachable?: string;
  readonly frontEnd?: WatchFrontEnd;
  /** Model ids, sorted. */
  readonly models?: readonly string[];
  readonly canaries: readonly WatchCanary[];
  readonly pageCheck?: WatchPageCheck;
  readonly browser?: WatchBrowser;
  /** Keys of every difference from the baseline protocol this round (old ones too), for first-seen times. */
  readonly protocolDifferences: readonly string[];
  /** What changed for the first time in this round. */
  readonly changes: readonly WatchChange[];
  /** True when `changes` is not empty. */
  readonly drift: boolean;
  /** The drift report's Markdown file, relative to OUT. */
  readonly report?: string;
}

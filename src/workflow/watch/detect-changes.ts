/**
 * What changed since the round before, as `WatchChange`s: the front end's version constants, the
 * model ids, each transport's canary verdict (and whether it streamed two answers), the page
 * self-check, and the learnt protocol's differences from the baseline that the round before did not
 * have. Only changes raise an alarm: a steady state, however broken, is reported once, when it
 * began; volatile values (ids, times, tokens) never reach here (learn does not keep them as enums).
 */
import type { ProtocolChange } from '../../learn/index.js';
import type { WatchCanary, WatchChange, WatchFrontEnd, WatchPageCheck, WatchRoundRecord } from '../../report/index.js';

/** What a round observed, before it is compared. */
export interface RoundObservations {
  readonly at: string;
  readonly frontEnd?: WatchFrontEnd | undefined;
  readonly models?: readonly string[] | undefined;
  readonly canaries: readonly WatchCanary[];
  readonly pageCheck?: WatchPageCheck | undefined;
  /** The browser chat's verdict, when the round ran one. */
  readonly browserOk?: boolean | undefined;
  readonly browserDetail?: string | undefined;
  /** Differences of the round's learnt protocol from the baseline. */
  readonly protocol?: readonly ProtocolChange[] | undefined;
  /** Evidence files of the round (its capture), relative to OUT. */
  readonly evidenceFiles?: readonly string[] | undefined;
}

/**
 * Protocol differences that say nothing about drift when one chat is compared with a baseline
 * learnt from more: an optional field one chat did not send, a field one chat always sends.
 */
const QUIET_PROTOCOL_CHANGES: ReadonlySet<ProtocolChange['kind']> = new Set(['became-optional']);

/** Endpoints every browser chat sends: their disappearance is news; others may just not have been used. */
export const CHAT_ENDPOINTS: readonly string[] = ['chats.new', 'chat.completions'];

/** True when a protocol difference is worth an alarm (see QUIET_PROTOCOL_CHANGES, CHAT_ENDPOINTS). */
export function isAlarmingProtocolChange(change: ProtocolChange): boolean {
  if (QUIET_PROTOCOL_CHANGES.has(change.kind)) return false;
  if (change.kind === 'field-disappeared') return change.wasRequired;
  if (change.kind === 'endpoint-disappeared') return CHAT_ENDPOINTS.includes(change.endpoint);
  return true;
}

/** A stable key for a protocol difference. */
export function protocolChangeKey(change: ProtocolChange): string {
  const where =
    'path' in change ? `${change.endpoint} ${change.side} ${change.location} ${change.path}` : change.endpoint;
  const extra = 'aspect' in change ? ` ${change.aspect}` : '';
  return `protocol:${change.kind} ${where}${extra}`;
}

function protocolBreaks(change: ProtocolChange): string[] {
  switch (change.kind) {
    case 'endpoint-appeared':
      return [`requests to ${change.endpoint}, which the browser now uses`];
    case 'endpoint-disappeared':
      return [`requests to ${change.endpoint}, which the browser no longer sends`];
    case 'field-appeared':
      return change.required ? [`requests without ${change.location} ${change.path}`] : [];
    case 'field-disappeared':
      return [`requests that still send ${change.location} ${change.path}`];
    case 'kind-changed':
      return [`${change.location} ${change.path} sent as ${change.from.join('/')} (now ${change.to.join('/')})`];
    case 'became-required':
      return [`requests without ${change.location} ${change.path}`];
    case 'values-changed':
      return change.removed.length ? [`${change.location} ${change.path} = ${change.removed.join(', ')}`] : [];
    case 'stream-changed':
      return [`stream readers that expect the old ${change.aspect}`];
    default:
      return [];
  }
}

function lastReachable(previous: readonly WatchRoundRecord[]): WatchRoundRecord | undefined {
  return [...previous].reverse().find((r) => r.reachable);
}

/** The changes of this round; `previous` are the rounds before it, oldest first. */
export function detectChanges(previous: readonly WatchRoundRecord[], now: RoundObservations): WatchChange[] {
  const last = lastReachable(previous);
  // Rounds may skip the browser: its findings compare with the last round that ran it.
  const lastBrowser = [...previous].reverse().find((r) => r.browser !== undefined);
  const changes: WatchChange[] = [];
  const change: AddChange = (c) => changes.push({ ...c, firstSeen: now.at, evidence: c.evidence ?? [] });
  if (last) roundChanges(last, lastBrowser, now, change);
  const seen = new Set(lastBrowser?.protocolDifferences ?? []);
  for (const p of now.protocol ?? []) {
    const key = protocolChangeKey(p);
    if (seen.has(key) || !isAlarmingProtocolChange(p)) continue;
    change({
      kind: 'protocol',
      key,
      explanation: `The browser's protocol: ${p.explanation}`,
      breaks: protocolBreaks(p),
      evidence: now.evidenceFiles ?? [],
    });
  }
  return changes;
}

type AddChange = (c: Omit<WatchChange, 'firstSeen' | 'evidence'> & { evidence?: readonly string[] }) => void;

/** The changes against the round before: constants, models, canaries, page check, browser verdict. */
function roundChanges(
  last: WatchRoundRecord,
  lastBrowser: WatchRoundRecord | undefined,
  now: RoundObservations,
  change: AddChange,
): void {
  for (const constant of ['version', 'bxV'] as const) {
    const before = last.frontEnd?.[constant];
    const after = now.frontEnd?.[constant];
    if (before !== undefined && after !== undefined && before !== after) {
      const header = constant === 'bxV' ? 'bx-v' : 'version';
      change({
        kind: 'front-end-version',
        key: `front-end:${header}`,
        explanation: `The front end's ${header} constant changed from ${before} to ${after}.`,
        before,
        after,
        breaks: [`the ${header} header a client sends (${before})`],
        evidence: now.frontEnd?.from ?? [],
      });
    }
  }

  if (last.models && now.models) {
    const added = now.models.filter((m) => !last.models!.includes(m));
    const removed = last.models.filter((m) => !now.models!.includes(m));
    if (added.length || removed.length)
      change({
        kind: 'models',
        key: 'models',
        explanation:
          `The model list changed: ${added.length ? `added ${added.join(', ')}` : ''}` +
          `${added.length && removed.length ? '; ' : ''}${removed.length ? `removed ${removed.join(', ')}` : ''}.`,
        before: last.models.join(', '),
        after: now.models.join(', '),
        breaks: removed.map((m) => `model = ${m}`),
      });
  }

  for (const canary of now.canaries) {
    const before = last.canaries.find((c) => c.transport === canary.transport);
    if (!before) continue;
    if (before.outcome !== canary.outcome)
      change({
        kind: 'canary',
        key: `canary:${canary.transport}`,
        explanation: `The canary through the ${canary.transport} transport went from ${before.outcome} to ${canary.outcome}.`,
        before: before.detail,
        after: canary.detail,
        breaks: canary.ok ? [] : ['every request built like the working shape of the round before'],
        evidence: canary.exchanges,
      });
    if (before.dual !== canary.dual)
      change({
        kind: 'canary',
        key: `canary:${canary.transport}:dual`,
        explanation: canary.dual
          ? `Completions through the ${canary.transport} transport started streaming two answers (dual responses).`
          : `Completions through the ${canary.transport} transport stopped streaming two answers.`,
        breaks: canary.dual ? ['stream readers that assume one answer per completion'] : [],
        evidence: canary.exchanges,
      });
  }

  const lastCheck = lastBrowser?.pageCheck;
  if (lastCheck && now.pageCheck) {
    const missing = now.pageCheck.missing.filter((m) => !lastCheck.missing.includes(m));
    if (missing.length)
      change({
        kind: 'page-check',
        key: `page-check:${missing.join(',')}`,
        explanation: `The page self-check lost ${missing.join(', ')}: the selectors match nothing.`,
        breaks: ['capture, login and the browser transport on this page'],
      });
  }

  if (lastBrowser?.browser && now.browserOk !== undefined && lastBrowser.browser.ok !== now.browserOk)
    change({
      kind: 'browser',
      key: 'browser',
      explanation: now.browserOk ? "The browser's chat answers again." : `The browser's chat stopped answering.`,
      before: lastBrowser.browser.detail,
      after: now.browserDetail ?? '',
      breaks: [],
      evidence: now.evidenceFiles ?? [],
    });
}

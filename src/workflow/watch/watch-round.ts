/**
 * One watch round: the page and its bundle (version constants), the model list, the canary through
 * each transport, and (unless skipped) the browser: the page self-check, one chat captured, learnt
 * and compared with the baseline. Then what changed since the round before, a dated report and a
 * webhook when something did, the record appended to rounds.jsonl and the timeline rewritten.
 * Nothing here prints: progress goes to `onLine`.
 */
import { isProbeError, ProbeError } from '../../exchange/errors.js';
import {
  compareProtocols,
  learnProtocol,
  readProtocolDir,
  writeProtocolDir,
  type ProtocolChange,
} from '../../learn/index.js';
import type { WatchCanary, WatchRoundRecord } from '../../report/index.js';
import type { EraName } from '../../upstream/eras.js';
import { join } from 'node:path';
import type { BrowserAccount } from '../browser-chat.js';
import { canaryTransports, CANARY_PROMPT, runCanary, type CanaryTransport } from './canary.js';
import { detectChanges, isAlarmingProtocolChange, protocolChangeKey } from './detect-changes.js';
import { probeFrontEnd } from './front-end-versions.js';
import { probeModels } from './model-list.js';
import { watchBrowser, type WatchBrowserResult } from './watch-browser.js';
import {
  appendRound,
  readRounds,
  WATCH_FILES,
  writeDriftReport,
  writeIndex,
  writeRoundCapture,
} from './watch-files.js';
import { postWebhook } from './webhook.js';

/** The token and cookies a round sends with; resolved once and kept. */
export interface WatchAuth {
  readonly token: string;
  readonly cookies: Readonly<Record<string, string>>;
}

export interface WatchRoundOptions {
  /** Normalised target base URL. */
  readonly target: string;
  /** The era whose working shape the canary sends. */
  readonly era: EraName;
  /** The output folder. */
  readonly out: string;
  /** The session's token and cookies (a sign-in, a session file); called every round until it succeeds. */
  readonly auth: () => Promise<WatchAuth>;
  /** The browser half: a session file or an account to log in with; false skips it (and the page check). */
  readonly browser: false | { readonly session?: string; readonly account?: BrowserAccount; readonly headed?: boolean };
  /** A learnt protocol folder to compare with; default OUT/baseline (written by the first browser round). */
  readonly baseline?: string | undefined;
  readonly webhook?: string | undefined;
  /** Each network step; default 30 s. */
  readonly timeoutMs?: number | undefined;
  /** The canary's transports; default `canaryTransports()`. */
  readonly transports?: readonly CanaryTransport[] | undefined;
  readonly onLine?: ((line: string) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** The time; tests pin it. */
  readonly now?: (() => Date) | undefined;
}

/** The protocol half: learn the browser's chat, compare with the baseline (written when there is none). */
async function compareWithBaseline(
  options: WatchRoundOptions,
  browser: WatchBrowserResult,
  capture: string,
): Promise<readonly ProtocolChange[]> {
  const learnt = learnProtocol(browser.exchanges, [capture]);
  const dir = options.baseline ?? join(options.out, WATCH_FILES.baseline);
  const baseline = await readProtocolDir(dir);
  if (!baseline) {
    if (options.baseline !== undefined)
      throw new ProbeError(
        'E_INPUT',
        `--baseline ${options.baseline} holds no protocol.json (learn one with \`learn\`)`,
      );
    await writeProtocolDir(dir, learnt);
    options.onLine?.(`baseline: learnt from this round's browser chat into ${dir}`);
    return [];
  }
  return compareProtocols(baseline, learnt);
}

/** Runs one round and records it; returns the record (its `drift` says whether anything changed). */
export async function runWatchRound(options: WatchRoundOptions): Promise<WatchRoundRecord> {
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 30_000;
  const say = options.onLine ?? (() => undefined);
  const previous = await readRounds(options.out);
  const round = (previous.at(-1)?.round ?? 0) + 1;
  const startedAt = now().toISOString();
  const base = { schema: 1 as const, round, startedAt, target: options.target };

  const unreachable = async (why: string): Promise<WatchRoundRecord> => {
    const record: WatchRoundRecord = {
      ...base,
      endedAt: now().toISOString(),
      reachable: false,
      unreachable: why,
      canaries: [],
      protocolDifferences: [],
      changes: [],
      drift: false,
    };
    await appendRound(options.out, record);
    await writeIndex(options.out, [...previous, record], options.target);
    return record;
  };

  const page = await probeFrontEnd(options.target, timeoutMs);
  if (page.unreachable !== undefined) return unreachable(page.unreachable);
  say(`page: version ${page.frontEnd?.version ?? '?'}, bx-v ${page.frontEnd?.bxV ?? '?'}`);
  let auth: WatchAuth;
  try {
    auth = await options.auth();
  } catch (error) {
    if (isProbeError(error) && error.code === 'E_UPSTREAM_UNREACHABLE') return unreachable(error.message);
    throw error;
  }
  const models = await probeModels(options.target, auth, timeoutMs);
  if (models.unreachable !== undefined) return unreachable(models.unreachable);
  say(`models: ${models.ids ? `${models.ids.length} listed` : 'no list'}`);

  const canaries: WatchCanary[] = [];
  for (const transport of options.transports ?? canaryTransports({ timeoutMs })) {
    const { canary } = await runCanary(transport, { target: options.target, era: options.era, ...auth });
    canaries.push(canary);
    say(`canary (${canary.transport}): ${canary.detail}${canary.dual ? ' [dual response]' : ''}`);
  }

  let browser: WatchBrowserResult | undefined;
  let capture: string | undefined;
  let protocol: readonly ProtocolChange[] | undefined;
  if (options.browser !== false) {
    browser = await watchBrowser({
      target: options.target,
      session: options.browser.session,
      account: options.browser.account,
      headed: options.browser.headed,
      prompt: CANARY_PROMPT,
      timeoutMs,
      signal: options.signal,
    });
    say(
      `browser: ${browser.detail}; page check: ${browser.pageCheck?.missing.length ? `missing ${browser.pageCheck.missing.join(', ')}` : 'ok'}`,
    );
    capture = await writeRoundCapture(options.out, round, startedAt, browser.exchanges);
    protocol = await compareWithBaseline(options, browser, capture);
  }

  const observations = {
    at: startedAt,
    frontEnd: page.frontEnd,
    models: models.ids,
    canaries,
    pageCheck: browser?.pageCheck,
    browserOk: browser?.ok,
    browserDetail: browser?.detail,
    protocol,
    evidenceFiles: capture ? [capture] : [],
  };
  const changes = detectChanges(previous, observations);
  let record: WatchRoundRecord = {
    ...base,
    endedAt: now().toISOString(),
    reachable: true,
    ...(page.frontEnd ? { frontEnd: page.frontEnd } : {}),
    ...(models.ids ? { models: models.ids } : {}),
    canaries,
    ...(browser?.pageCheck ? { pageCheck: browser.pageCheck } : {}),
    ...(browser
      ? {
          browser: {
            ok: browser.ok,
            detail: browser.detail,
            exchanges: browser.exchanges.length,
            ...(capture ? { capture } : {}),
          },
        }
      : {}),
    protocolDifferences: (protocol ?? []).filter(isAlarmingProtocolChange).map(protocolChangeKey),
    changes,
    drift: changes.length > 0,
  };
  if (record.drift) {
    record = { ...record, report: await writeDriftReport(options.out, record) };
    for (const change of changes) say(`DRIFT: ${change.explanation}`);
    say(`report: ${join(options.out, record.report!)}`);
    if (options.webhook) {
      const posted = await postWebhook(options.webhook, record, timeoutMs);
      say(posted.ok ? `webhook: posted (HTTP ${posted.status})` : `warning: the webhook failed: ${posted.reason}`);
    }
  }
  await appendRound(options.out, record);
  await writeIndex(options.out, [...previous, record], options.target);
  return record;
}

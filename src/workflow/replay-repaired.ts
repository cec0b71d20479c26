/**
 * The last step of an investigation: send the failing request once more with the culprits applied,
 * in a fresh chat, and keep what it got: the answer, a curl script that reproduces it, and the
 * exchanges as `repaired.har`. Culprits that worked during the bisect may still fail here (a service
 * that answers inconsistently); the step then fails and the report says so.
 */
import { join } from 'node:path';
import { repairedRequest, type BisectPlan } from '../bisect/bisect-captures.js';
import { chatTemplate } from '../bisect/run-bisect-plan.js';
import { sendFresh } from '../client/probe-request.js';
import type { Exchange } from '../exchange/exchange.js';
import type { Finding } from '../diff/finding.js';
import { curlScript } from '../replay/curl-export.js';
import type { InvestigationFile, RepairedRequest } from '../report/investigation-model.js';
import { runStep, type InvestigationListener } from './investigation-event.js';
import { writeRedactedCapture } from './investigation-files.js';

/** Where to send the repaired request, and where to keep its capture. */
export interface ReplayRepairedOptions {
  readonly target: string;
  /** The browser's session. */
  readonly token: string;
  readonly cookies: Readonly<Record<string, string>>;
  /** Both captures, for the chats/new request that gives the replay a chat of its own. */
  readonly exchanges: readonly Exchange[];
  /** The investigation's folder: `repaired.har` goes there. */
  readonly dir: string;
  readonly signal?: AbortSignal | undefined;
  readonly onEvent?: InvestigationListener | undefined;
}

/** What the step hands back: the repaired request's outcome and the file it wrote. */
export interface ReplayedRepair {
  readonly repaired: RepairedRequest;
  readonly file: InvestigationFile;
}

/** Step "replay the repaired request". */
export function replayRepaired(
  plan: BisectPlan,
  culprits: readonly Finding[],
  options: ReplayRepairedOptions,
): Promise<ReplayedRepair> {
  return runStep('replay the repaired request', options.onEvent, async () => {
    const fresh = await sendFresh(repairedRequest(plan, culprits), plan.endpoint, {
      target: options.target,
      token: options.token,
      cookies: options.cookies,
      chatRequest: chatTemplate(options.exchanges),
      signal: options.signal,
    });
    await writeRedactedCapture(
      join(options.dir, 'repaired.har'),
      fresh.exchanges,
      'qwen-probe investigate: the repaired request, sent once more',
    );
    const sent = fresh.exchanges.at(-1)!;
    const created = fresh.exchanges.length > 1 ? fresh.exchanges[0] : undefined;
    const curl = curlScript(sent.request, {
      token: options.token,
      ...(created && fresh.chatId ? { chatRequest: created.request, chatId: fresh.chatId } : {}),
    });
    const repaired: RepairedRequest = {
      outcome: fresh.outcome,
      ...(fresh.failure ? { failure: fresh.failure } : {}),
      explanation: fresh.explanation,
      ...(sent.response ? { status: sent.response.status } : {}),
      answer: fresh.result?.answer ?? '',
      ...(fresh.result?.reasoning ? { reasoning: fresh.result.reasoning } : {}),
      curl,
    };
    return {
      value: {
        repaired,
        file: { name: 'repaired.har', description: 'the repaired request as sent, and its answer (redacted HAR)' },
      },
      detail:
        fresh.outcome === 'works'
          ? `works: ${JSON.stringify((fresh.result?.answer ?? '').slice(0, 60))}`
          : `${fresh.outcome}: ${fresh.failure ?? ''}`,
      failed: fresh.outcome !== 'works',
    };
  });
}

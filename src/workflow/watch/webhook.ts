/**
 * The drift summary POSTed to `--webhook URL` as JSON: where, when, what changed and the report.
 * Sent through the one outbound client; a webhook that fails is said, never fatal to the watch.
 */
import { sendRequest } from '../../net/index.js';
import type { WatchRoundRecord } from '../../report/index.js';

/** The JSON body a webhook gets. */
export interface WebhookSummary {
  readonly kind: 'qwen-probe.watch.drift';
  readonly target: string;
  readonly round: number;
  readonly at: string;
  readonly changes: readonly { kind: string; explanation: string; firstSeen: string; breaks: readonly string[] }[];
  readonly report?: string;
}

export function webhookSummary(record: WatchRoundRecord): WebhookSummary {
  return {
    kind: 'qwen-probe.watch.drift',
    target: record.target,
    round: record.round,
    at: record.startedAt,
    changes: record.changes.map((c) => ({
      kind: c.kind,
      explanation: c.explanation,
      firstSeen: c.firstSeen,
      breaks: c.breaks,
    })),
    ...(record.report !== undefined ? { report: record.report } : {}),
  };
}

/** Posts the summary; the outcome is a value: `ok` or why not. */
export async function postWebhook(
  url: string,
  record: WatchRoundRecord,
  timeoutMs: number,
): Promise<{ readonly ok: true; readonly status: number } | { readonly ok: false; readonly reason: string }> {
  const exchange = await sendRequest(
    {
      method: 'POST',
      url,
      headers: [
        { name: 'Content-Type', value: 'application/json' },
        { name: 'User-Agent', value: 'qwen-probe-watch' },
      ],
      body: JSON.stringify(webhookSummary(record)),
    },
    { source: 'library', totalTimeoutMs: timeoutMs, connectTimeoutMs: timeoutMs },
  );
  const status = exchange.response?.status;
  if (status === undefined) return { ok: false, reason: `${exchange.error?.code ?? 'no answer'}` };
  return status >= 200 && status < 300 ? { ok: true, status } : { ok: false, reason: `HTTP ${status}` };
}

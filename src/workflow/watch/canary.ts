/**
 * The round's canary: one tiny completion with the build's working shape (the era's `web` shape),
 * through each transport the build has, judged. A transport is a name and a way to send
 * (`ShapeSend`), so adding one (the browser transport) is one entry in `canaryTransports`.
 */
import { exchangeLine, verdictLine } from '../../client/describe-exchange.js';
import { runShapeTurn, shapeSender, type ShapeSend } from '../../client/run-shape.js';
import type { Exchange } from '../../exchange/exchange.js';
import type { WatchCanary } from '../../report/index.js';
import type { EraName } from '../../upstream/eras.js';
import { shapeFor, systemIdClock } from '../../upstream/shapes.js';
import type { QwenStreamResult } from '../../upstream/stream-types.js';
import { failureName } from '../../upstream/upstream-failure.js';

/** The prompt of every canary: short, so a round costs the account as little as possible. */
export const CANARY_PROMPT = 'ping';

/** A way to send the canary. */
export interface CanaryTransport {
  readonly name: string;
  readonly send: ShapeSend;
}

/** The transports this build has: today the direct one (Node's `sendRequest`). */
export function canaryTransports(options: { readonly timeoutMs: number }): CanaryTransport[] {
  const limits = {
    connectTimeoutMs: options.timeoutMs,
    idleTimeoutMs: options.timeoutMs,
    totalTimeoutMs: options.timeoutMs,
  };
  return [{ name: 'direct', send: shapeSender({ source: 'library', ...limits }) }];
}

/** `answer`, `empty` (a silent soft block), or the failure's stable name. */
export function canaryOutcome(result: QwenStreamResult): string {
  if (result.failure) return failureName(result.failure);
  return result.ok ? 'answer' : 'empty';
}

/** A stream with two `response.created` events carried two answers. */
export function isDualResponse(exchange: Exchange | undefined): boolean {
  const created = (exchange?.response?.sse ?? []).filter((e) => e.data.includes('"response.created"'));
  return new Set(created.map((e) => /"response_id"\s*:\s*"([^"]+)"/.exec(e.data)?.[1] ?? e.data)).size > 1;
}

export interface CanaryInput {
  readonly target: string;
  readonly era: EraName;
  readonly token: string;
  readonly cookies: Readonly<Record<string, string>>;
}

/** Sends the canary through one transport and judges it; never throws for upstream failures. */
export async function runCanary(
  transport: CanaryTransport,
  input: CanaryInput,
): Promise<{ canary: WatchCanary; exchanges: readonly Exchange[] }> {
  const turn = await runShapeTurn(
    shapeFor('web', input.era),
    {
      baseUrl: input.target,
      token: input.token,
      cookies: input.cookies,
      prompt: CANARY_PROMPT,
      idClock: systemIdClock,
    },
    {},
    { send: transport.send },
  );
  const completion = turn.exchanges.at(-1);
  return {
    canary: {
      transport: transport.name,
      ok: turn.result.ok,
      outcome: canaryOutcome(turn.result),
      dual: isDualResponse(completion),
      detail: verdictLine(turn.result, 80),
      exchanges: turn.exchanges.map((e) => exchangeLine(e)),
    },
    exchanges: turn.exchanges,
  };
}

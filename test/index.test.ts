import { describe, expect, it } from 'vitest';
import * as qwenProbe from '../src/index.js';

describe('the library entry point', () => {
  it('offers the Exchange helpers at the top level and each capability as a namespace', () => {
    const offered = (value: unknown) => typeof value;
    expect(
      [
        qwenProbe.readCapture,
        qwenProbe.readAnyCapture,
        qwenProbe.client.readCaptureInput,
        qwenProbe.openCaptureWriter,
        qwenProbe.ProbeError,
        qwenProbe.upstream.readQwenStream,
        qwenProbe.net.sendRequest,
        qwenProbe.client.runShapeTurn,
        qwenProbe.capture.startBrowserRecorder,
        qwenProbe.intercept.startIntercept,
        qwenProbe.diff.diffCaptures,
        qwenProbe.bisect.bisectRequests,
        qwenProbe.learn.learnProtocol,
        qwenProbe.lint.lintExchanges,
        qwenProbe.replay.replayCapture,
        qwenProbe.report.renderDiff,
        qwenProbe.proxy.startProxyServer,
        qwenProbe.simulator.startSimulator,
      ].map(offered),
    ).toEqual(Array(18).fill('function'));
  });

  it('offers the bisect of two captures and the investigation workflow, but not the bench baseline', () => {
    const offered = [qwenProbe.bisect.planCaptures, qwenProbe.bisect.runBisectPlan, qwenProbe.workflow.investigate];
    expect(offered.map((value) => typeof value)).toEqual(['function', 'function', 'function']);
    expect('leaveOneOut' in qwenProbe.bisect).toBe(false);
  });

  it('runs a generated seed request through diff without any I/O', () => {
    const ctx = { baseUrl: 'https://chat.qwen.ai', token: 'a.b.c', idClock: qwenProbe.upstream.sequentialIdClock() };
    const seed = qwenProbe.upstream.SHAPES['seed-v4'].completion(ctx, {
      chatId: '11111111-1111-4111-8111-111111111111',
    });
    const web = qwenProbe.upstream.SHAPES.web.completion(ctx, { chatId: '11111111-1111-4111-8111-111111111111' });
    const asExchange = (request: typeof seed, id: string) => ({
      id,
      source: 'library' as const,
      startedAt: '2026-11-28T00:00:00.000Z',
      endpoint: 'chat.completions',
      request,
    });
    const result = qwenProbe.diff.diffCaptures([asExchange(web, 'g')], [asExchange(seed, 'b')]);
    const ids = result.pairs.flatMap((p) =>
      p.findings
        .filter((f) => !f.volatile)
        .slice(0, 2)
        .map((f) => f.id),
    );
    expect(ids).toEqual(['body:messages[0].chat_type', 'body:model']);
  });
});

import { describe, expect, it } from 'vitest';
import * as qwenProbe from '../src/index.js';

describe('the library entry point', () => {
  it('offers the Exchange helpers at the top level and each capability as a namespace', () => {
    expect(typeof qwenProbe.readCapture).toBe('function');
    expect(typeof qwenProbe.openCaptureWriter).toBe('function');
    expect(typeof qwenProbe.ProbeError).toBe('function');
    expect(typeof qwenProbe.upstream.readQwenStream).toBe('function');
    expect(typeof qwenProbe.net.sendRequest).toBe('function');
    expect(typeof qwenProbe.client.runShapeTurn).toBe('function');
    expect(typeof qwenProbe.capture.startBrowserRecorder).toBe('function');
    expect(typeof qwenProbe.intercept.startIntercept).toBe('function');
    expect(typeof qwenProbe.diff.diffCaptures).toBe('function');
    expect(typeof qwenProbe.bisect.bisectRequests).toBe('function');
    expect(typeof qwenProbe.learn.learnProtocol).toBe('function');
    expect(typeof qwenProbe.lint.lintExchanges).toBe('function');
    expect(typeof qwenProbe.replay.replayCapture).toBe('function');
    expect(typeof qwenProbe.report.renderDiff).toBe('function');
    expect(typeof qwenProbe.proxy.startProxyServer).toBe('function');
    expect(typeof qwenProbe.simulator.startSimulator).toBe('function');
  });

  it('offers the bisect of two captures and the investigation workflow, but not the bench baseline', () => {
    expect(typeof qwenProbe.bisect.planCaptures).toBe('function');
    expect(typeof qwenProbe.bisect.runBisectPlan).toBe('function');
    expect(typeof qwenProbe.workflow.investigate).toBe('function');
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

/**
 * WorkerPool (the primary's side of `intercept --workers N`) with fake workers: the start-up
 * handshake, routing of what workers report, crashes and restarts, and a stop that waits for every
 * worker's last exchanges.
 */
import { describe, expect, it } from 'vitest';
import type {
  PrimaryMessage,
  WorkerMessage,
  WorkerStartOptions,
} from '../../src/capture/intercept/cluster-messages.js';
import { fromWireError, toWireError } from '../../src/capture/intercept/cluster-messages.js';
import { WorkerPool, type WorkerHandle, type WorkerPoolOptions } from '../../src/capture/intercept/worker-pool.js';
import { ProbeError } from '../../src/exchange/errors.js';
import type { Exchange } from '../../src/exchange/exchange.js';
import { makeExchange } from '../support/make-exchange.js';

class FakeWorker implements WorkerHandle {
  readonly sent: PrimaryMessage[] = [];
  readonly signals: string[] = [];
  private messageListener: (message: unknown) => void = () => undefined;
  private exitListener: (code: number | null, signal: string | null) => void = () => undefined;
  exited = false;

  constructor(
    readonly id: number,
    readonly pid: number,
  ) {}

  send(message: PrimaryMessage): void {
    this.sent.push(message);
  }
  onMessage(listener: (message: unknown) => void): void {
    this.messageListener = listener;
  }
  onExit(listener: (code: number | null, signal: string | null) => void): void {
    this.exitListener = listener;
  }
  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
    this.exit(null, signal);
  }
  /** What the worker process would say. */
  say(message: WorkerMessage | Record<string, unknown>): void {
    this.messageListener(message);
  }
  exit(code: number | null, signal: string | null = null): void {
    if (this.exited) return;
    this.exited = true;
    this.exitListener(code, signal);
  }
  kinds(): string[] {
    return this.sent.map((m) => m.kind);
  }
}

const START_OPTIONS = {
  host: '127.0.0.1',
  port: 0,
  map: [],
  include: ['chat.qwen.ai'],
} as unknown as WorkerStartOptions;

function pool(size: number, overrides: Partial<WorkerPoolOptions> = {}) {
  const workers: FakeWorker[] = [];
  const exchanges: Exchange[] = [];
  const warnings: string[] = [];
  let clock = 0;
  const p = new WorkerPool({
    size,
    spawn: () => {
      const w = new FakeWorker(workers.length + 1, 1000 + workers.length);
      workers.push(w);
      return w;
    },
    startOptions: START_OPTIONS,
    onExchanges: (list) => exchanges.push(...list),
    onWarning: (message) => warnings.push(message),
    now: () => clock,
    ...overrides,
  });
  return { pool: p, workers, exchanges, warnings, advance: (ms: number) => (clock += ms) };
}

/** Lets every worker say ready and listen on `port`. */
function listenAll(workers: readonly FakeWorker[], port = 8080): void {
  for (const w of workers) w.say({ kind: 'ready' });
  for (const w of workers) w.say({ kind: 'listening', port });
}

/** A pool whose workers all listen, as after a successful start. */
async function startedPool(size: number, overrides: Partial<WorkerPoolOptions> = {}) {
  const fixture = pool(size, overrides);
  const started = fixture.pool.start();
  listenAll(fixture.workers);
  expect(await started).toBe(8080);
  return fixture;
}

/** Answers `stop` like a real worker: its last exchanges, `stopped`, then exit. */
function stopLikeAWorker(w: FakeWorker, last: Exchange[] = []): void {
  if (last.length > 0) w.say({ kind: 'exchanges', exchanges: last });
  w.say({ kind: 'stopped' });
  w.exit(0);
}

describe('WorkerPool', () => {
  it('sends the start options to each worker once it is ready and resolves with the port they share', async () => {
    const { pool: p, workers } = pool(3);
    const started = p.start();
    expect(workers).toHaveLength(3);
    expect(workers.every((w) => w.sent.length === 0)).toBe(true);
    listenAll(workers, 40123);
    expect(await started).toBe(40123);
    for (const w of workers) expect(w.sent).toEqual([{ kind: 'start', options: START_OPTIONS }]);
    expect(p.pids).toEqual([1000, 1001, 1002]);
  });

  it('hands over exchange batches, passes workers’ warnings on and ignores other protocols’ messages', async () => {
    const { workers, exchanges, warnings } = await startedPool(2);
    const [a, b, c] = [makeExchange(), makeExchange(), makeExchange()];
    workers[0]!.say({ kind: 'exchanges', exchanges: [a!, b!] });
    workers[1]!.say({ kind: 'exchanges', exchanges: [c!] });
    workers[1]!.say({ kind: 'warning', message: 'one exchange could not be assembled' });
    workers[1]!.say({ cmd: 'NODE_CLUSTER', act: 'something' });
    expect(exchanges).toEqual([a, b, c]);
    expect(warnings).toEqual(['one exchange could not be assembled']);
  });

  it(
    'fails the start with the worker’s own error (a busy port stays E_USAGE with its hint) and stops the ' + 'others',
    async () => {
      const { pool: p, workers } = pool(2);
      const started = p.start();
      for (const w of workers) w.say({ kind: 'ready' });
      const busy = new ProbeError('E_USAGE', 'port 8080 on 127.0.0.1 is already in use', {
        hint: 'Pick another --port (0 picks a free one).',
      });
      workers[0]!.say({ kind: 'failed', error: toWireError(busy) });
      workers[0]!.exit(0);
      await Promise.resolve();
      stopLikeAWorker(workers[1]!);
      await expect(started).rejects.toMatchObject({
        code: 'E_USAGE',
        message: busy.message,
        hint: busy.hint,
        exitCode: 2,
      });
      expect(workers[1]!.kinds()).toEqual(['start', 'stop']);
    },
  );

  it('fails the start when a worker dies while loading, naming it', async () => {
    const { pool: p, workers } = pool(2);
    const started = p.start();
    workers[0]!.say({ kind: 'ready' });
    workers[1]!.exit(1);
    await Promise.resolve();
    stopLikeAWorker(workers[0]!);
    await expect(started).rejects.toMatchObject({
      code: 'E_INTERNAL',
      message: 'worker 2 (pid 1001) exited with code 1 while starting (its error output is above)',
    });
  });

  it('fails the start when the workers do not listen in time', async () => {
    const { pool: p, workers } = pool(1, { startTimeoutMs: 20, stopTimeoutMs: 20 });
    const started = p.start();
    workers[0]!.say({ kind: 'ready' });
    await expect(started).rejects.toMatchObject({ code: 'E_TIMEOUT' });
    expect(workers[0]!.signals).toEqual(['SIGKILL']);
  });

  it('reports a worker that crashed and starts a replacement that listens on the same port', async () => {
    const { pool: p, workers, warnings } = await startedPool(2);
    workers[0]!.exit(null, 'SIGSEGV');
    expect(warnings).toEqual([
      'worker 1 (pid 1000) was killed by SIGSEGV; its open connections were cut; starting a new worker',
    ]);
    expect(workers).toHaveLength(3);
    workers[2]!.say({ kind: 'ready' });
    expect(workers[2]!.kinds()).toEqual(['start']);
    workers[2]!.say({ kind: 'listening', port: 8080 });
    expect(p.pids).toEqual([1001, 1002]);
  });

  it('gives up when workers keep crashing, instead of restarting them forever', async () => {
    const { pool: p, workers, warnings, advance } = await startedPool(1, { maxCrashes: 3, crashWindowMs: 10_000 });
    let gaveUp: ProbeError | undefined;
    void p.failed.then((e) => (gaveUp = e));
    for (let i = 0; i < 3; i++) {
      const w = workers.at(-1)!;
      if (i > 0) listenAll([w]);
      advance(1000);
      w.exit(1);
    }
    await Promise.resolve();
    expect(gaveUp).toMatchObject({
      code: 'E_INTERNAL',
      message: 'intercept workers crashed 3 times within 10 s; giving up',
      hint: expect.stringContaining('--workers 1'),
    });
    expect(workers).toHaveLength(3); // no fourth
    expect(warnings.at(-1)).toBe('worker 3 (pid 1002) exited with code 1; its open connections were cut');
  });

  it('forgets crashes older than the window', async () => {
    const { pool: p, workers, advance } = await startedPool(1, { maxCrashes: 2, crashWindowMs: 1000 });
    let gaveUp = false;
    void p.failed.then(() => (gaveUp = true));
    workers[0]!.exit(1);
    listenAll([workers[1]!]);
    advance(5000);
    workers[1]!.exit(1);
    await Promise.resolve();
    expect(gaveUp).toBe(false);
    expect(workers).toHaveLength(3);
  });

  it('fails rather than serve on two ports when a replacement listens elsewhere', async () => {
    const { pool: p, workers } = await startedPool(1);
    workers[0]!.exit(1);
    workers[1]!.say({ kind: 'ready' });
    workers[1]!.say({ kind: 'listening', port: 9999 });
    await expect(p.failed).resolves.toMatchObject({
      code: 'E_INTERNAL',
      message: expect.stringContaining('listens on port 9999, not on 8080'),
    });
  });

  it('stops every worker and resolves only after their last exchanges arrived', async () => {
    const { pool: p, workers, exchanges, warnings } = await startedPool(2);
    const stopped = p.stop();
    expect(workers.map((w) => w.kinds())).toEqual([
      ['start', 'stop'],
      ['start', 'stop'],
    ]);
    let done = false;
    void stopped.then(() => (done = true));
    const last = makeExchange();
    stopLikeAWorker(workers[0]!, [last]);
    await Promise.resolve();
    expect(done).toBe(false);
    stopLikeAWorker(workers[1]!);
    await stopped;
    expect(exchanges).toEqual([last]);
    expect(warnings).toEqual([]); // exits during a stop are not crashes
    expect(workers).toHaveLength(2); // and nothing is restarted
  });

  it('kills a worker that does not stop in time, and says so', async () => {
    const { pool: p, workers, warnings } = await startedPool(2, { stopTimeoutMs: 20 });
    const stopped = p.stop();
    stopLikeAWorker(workers[0]!);
    await stopped;
    expect(workers[1]!.signals).toEqual(['SIGKILL']);
    expect(warnings).toEqual([
      'worker 2 (pid 1001) did not stop within 20 ms; killing it (its unfinished exchanges are lost)',
    ]);
  });

  it('tells a worker that becomes ready only after the stop to stop as well', async () => {
    const { pool: p, workers } = await startedPool(1);
    workers[0]!.exit(1); // a replacement is starting
    const stopped = p.stop();
    stopLikeAWorker(workers[0]!);
    workers[1]!.say({ kind: 'ready' });
    expect(workers[1]!.kinds()).toEqual(['stop', 'stop']);
    stopLikeAWorker(workers[1]!);
    await stopped;
  });
});

describe('errors across the IPC channel', () => {
  it('keep a ProbeError’s code and hint, and turn anything else into E_INTERNAL', () => {
    const rebuilt = fromWireError(toWireError(new ProbeError('E_INPUT', 'bad CA', { hint: 'delete it' })));
    expect(rebuilt).toBeInstanceOf(ProbeError);
    expect(rebuilt).toMatchObject({ code: 'E_INPUT', message: 'bad CA', hint: 'delete it', exitCode: 2 });
    expect(toWireError(new TypeError('x is undefined'))).toEqual({ code: 'E_INTERNAL', message: 'x is undefined' });
  });
});

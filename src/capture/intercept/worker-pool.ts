/**
 * The primary's side of a multi-process intercept: starts the workers, routes what they report,
 * restarts one that crashed, and stops them all so that every finished exchange arrives before the
 * capture is closed. Written against `WorkerHandle` rather than node:cluster so that the message
 * handling and the crash policy are testable with fake workers; `intercept-cluster.ts` adapts
 * cluster workers to it.
 *
 * A crash is never silent: each one is reported through `onWarning` and the worker is replaced.
 * When workers keep crashing (a bug that every request triggers), restarting would only hide it,
 * so after `maxCrashes` within `crashWindowMs` the pool gives up and `failed` resolves.
 */
import { ProbeError } from '../../exchange/errors.js';
import type { Exchange } from '../../exchange/exchange.js';
import {
  fromWireError,
  isWorkerMessage,
  type PrimaryMessage,
  type WorkerMessage,
  type WorkerStartOptions,
} from './cluster-messages.js';

/** A worker process as the pool sees it. */
export interface WorkerHandle {
  /** Small number for messages (`worker 2`); stays unique across restarts. */
  readonly id: number;
  readonly pid: number | undefined;
  send(message: PrimaryMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once, when the process is gone and every message it sent has been delivered. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(signal: NodeJS.Signals): void;
}

/** How the pool runs. */
export interface WorkerPoolOptions {
  /** Number of workers to keep running. */
  readonly size: number;
  /** Starts one worker process. */
  readonly spawn: () => WorkerHandle;
  /** Sent to every worker once it is ready. */
  readonly startOptions: WorkerStartOptions;
  /** Exchanges a worker finished, in the order it finished them. */
  readonly onExchanges: (exchanges: readonly Exchange[]) => void;
  /** Crashes, restarts and workers' own warnings, one sentence each. */
  readonly onWarning: (message: string) => void;
  /** Crashes tolerated within `crashWindowMs` before giving up (default 5). */
  readonly maxCrashes?: number;
  readonly crashWindowMs?: number;
  /** How long a worker may take to listen; loading mockttp alone takes seconds (default 60 s). */
  readonly startTimeoutMs?: number;
  /** How long a worker may take to drain after `stop` before it is killed (default 15 s). */
  readonly stopTimeoutMs?: number;
  readonly now?: () => number;
}

type MemberState = 'starting' | 'listening' | 'stopping' | 'exited';

interface Member {
  readonly handle: WorkerHandle;
  state: MemberState;
  /** Resolves when the process is gone. */
  readonly exited: Promise<void>;
}

/** A set of intercept workers sharing one listening port. */
export class WorkerPool {
  private readonly members = new Set<Member>();
  private readonly crashTimes: number[] = [];
  private port: number | undefined;
  private started = false;
  private stopping: Promise<void> | undefined;
  private startWaiters: { done: (port: number) => void; fail: (error: ProbeError) => void } | undefined;
  private giveUp!: (error: ProbeError) => void;
  /** Resolves (never rejects) if the pool gives up on crashing workers; the caller should then stop. */
  readonly failed: Promise<ProbeError>;

  constructor(private readonly options: WorkerPoolOptions) {
    this.failed = new Promise((resolve) => (this.giveUp = resolve));
  }

  /** Process ids of the running workers. */
  get pids(): number[] {
    return [...this.members]
      .filter((m) => m.state !== 'exited')
      .flatMap((m) => (m.handle.pid === undefined ? [] : [m.handle.pid]));
  }

  /**
   * Starts `size` workers and resolves with the port they share once all of them listen. Rejects
   * with the first worker's failure (a busy port is `E_USAGE`), after stopping the others.
   */
  async start(): Promise<number> {
    const listening = new Promise<number>((done, fail) => (this.startWaiters = { done, fail }));
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(
      () =>
        this.failStart(
          new ProbeError('E_TIMEOUT', `intercept workers did not start listening within ${duration(timeoutMs)}`),
        ),
      timeoutMs,
    );
    for (let i = 0; i < this.options.size; i++) this.spawn();
    try {
      const port = await listening;
      this.started = true;
      return port;
    } catch (error) {
      await this.stop();
      throw error;
    } finally {
      clearTimeout(timer);
      this.startWaiters = undefined;
    }
  }

  /**
   * Asks every worker to stop accepting, drain and send its last exchanges; resolves once all have
   * exited, so that `onExchanges` has seen everything. A worker that does not exit in time is killed.
   */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      const live = [...this.members].filter((m) => m.state !== 'exited');
      for (const m of live) {
        m.state = 'stopping';
        m.handle.send({ kind: 'stop' });
      }
      const timeoutMs = this.options.stopTimeoutMs ?? 15_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), timeoutMs)));
      const all = Promise.all(live.map((m) => m.exited));
      if ((await Promise.race([all, timedOut])) === 'timeout') {
        for (const m of live.filter((m) => m.state !== 'exited')) {
          this.options.onWarning(
            `${this.nameOf(m)} did not stop within ${duration(timeoutMs)}; killing it (its unfinished exchanges are ` +
              `lost)`,
          );
          m.handle.kill('SIGKILL');
        }
        await all;
      }
      clearTimeout(timer);
    })());
  }

  private spawn(): void {
    const handle = this.options.spawn();
    let exited!: () => void;
    const member: Member = { handle, state: 'starting', exited: new Promise((done) => (exited = done)) };
    this.members.add(member);
    handle.onMessage((message) => {
      if (isWorkerMessage(message)) this.onMessage(member, message);
    });
    handle.onExit((code, signal) => {
      const previous = member.state;
      member.state = 'exited';
      this.members.delete(member);
      exited();
      this.onExit(member, previous, code, signal);
    });
  }

  private onMessage(member: Member, message: WorkerMessage): void {
    switch (message.kind) {
      case 'ready':
        if (member.state === 'starting') member.handle.send({ kind: 'start', options: this.options.startOptions });
        else if (member.state === 'stopping') member.handle.send({ kind: 'stop' });
        return;
      case 'listening':
        this.onListening(member, message.port);
        return;
      case 'failed':
        if (member.state !== 'starting') return;
        if (!this.started) this.failStart(fromWireError(message.error));
        else this.options.onWarning(`${this.nameOf(member)} could not start: ${message.error.message}`);
        return;
      case 'exchanges':
        this.options.onExchanges(message.exchanges);
        return;
      case 'warning':
        this.options.onWarning(message.message);
        return;
      case 'stopped':
        return; // its exit follows; the pool waits for that
    }
  }

  private onListening(member: Member, port: number): void {
    if (member.state !== 'starting') return;
    member.state = 'listening';
    if (this.port === undefined) this.port = port;
    else if (port !== this.port) {
      // Only possible when every worker died at once with --port 0: the shared listener went with them.
      const error = new ProbeError(
        'E_INTERNAL',
        `${this.nameOf(member)} listens on port ${port}, not on ${this.port} like the others; clients would lose the ` +
          `proxy`,
      );
      if (!this.started) this.failStart(error);
      else this.giveUp(error);
      return;
    }
    if (!this.started && [...this.members].every((m) => m.state === 'listening')) this.startWaiters?.done(this.port);
  }

  private onExit(member: Member, previous: MemberState, code: number | null, signal: string | null): void {
    if (previous === 'stopping' || this.stopping) return;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    if (!this.started) {
      // A worker that reported `failed` has already failed the start; this covers a crash while loading.
      this.failStart(
        new ProbeError('E_INTERNAL', `${this.nameOf(member)} ${how} while starting (its error output is above)`),
      );
      return;
    }
    const now = (this.options.now ?? Date.now)();
    const windowMs = this.options.crashWindowMs ?? 60_000;
    this.crashTimes.push(now);
    while (this.crashTimes.length > 0 && this.crashTimes[0]! < now - windowMs) this.crashTimes.shift();
    const maxCrashes = this.options.maxCrashes ?? 5;
    if (this.crashTimes.length >= maxCrashes) {
      this.options.onWarning(`${this.nameOf(member)} ${how}; its open connections were cut`);
      this.giveUp(
        new ProbeError(
          'E_INTERNAL',
          `intercept workers crashed ${this.crashTimes.length} times within ${duration(windowMs)}; giving up`,
          {
            hint: 'Run with --workers 1 to see the failure in one process, and report it with the error output above.',
          },
        ),
      );
      return;
    }
    this.options.onWarning(`${this.nameOf(member)} ${how}; its open connections were cut; starting a new worker`);
    this.spawn();
  }

  private failStart(error: ProbeError): void {
    this.startWaiters?.fail(error);
  }

  private nameOf(member: Member): string {
    return `worker ${member.handle.id}${member.handle.pid === undefined ? '' : ` (pid ${member.handle.pid})`}`;
  }
}

function duration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/**
 * `qwen-probe intercept`: run the HTTPS-intercepting proxy until Ctrl-C, printing the client settings
 * once and one line per recorded exchange. Every exchange is on disk as soon as it is printed, so
 * stopping (or crashing) leaves a capture complete up to the last finished exchange.
 *
 * `--workers` spreads the proxy over processes (`intercept-cluster.ts` says why): mockttp's work per
 * request is the cost, and one event loop uses one core.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { DEFAULT_CA_DIR } from '../capture/intercept/ca-store.js';
import { MAX_AUTO_WORKERS, autoWorkerCount } from '../capture/intercept/intercept-cluster.js';
import { ProbeError } from '../exchange/errors.js';
import type { Exchange } from '../exchange/exchange.js';
import { processIo, runCommand, untilStopSignal, type CommandIo } from './run-command.js';
import { timestampForFile } from './file-names.js';
import { isLoopbackHost } from '../common/index.js';
import { checkOutputPath } from '../exchange/output-file.js';
import { parseProxyAuth } from '../capture/intercept/proxy-auth-gate.js';
import { integerOption } from './flag-values.js';
import { KEEP_SECRETS_OPTION, OVERWRITE_OPTION, REDACT_OPTION, redactionChoice, secretsNote } from './output-flags.js';
import { exitCodesText } from './exit-codes.js';

/** Flags of `intercept`, as yargs hands them over. */
export interface InterceptArgs {
  readonly port: number;
  readonly host: string;
  readonly out?: string;
  readonly map: readonly string[];
  readonly include: readonly string[];
  readonly 'ca-dir': string;
  /** Redact before writing (the default). */
  readonly redact?: boolean | undefined;
  readonly 'keep-secrets'?: boolean | undefined;
  readonly overwrite: boolean;
  /** Listen on an address other machines can reach. */
  readonly 'allow-remote'?: boolean | undefined;
  /** `USER:PASS` clients must send (407 without it). */
  readonly 'proxy-auth'?: string | undefined;
  /** `auto` or a positive whole number, as typed. */
  readonly workers: string | number;
}

/** Most workers `--workers` accepts: more processes than this only fight over the cores. */
const MAX_WORKERS = 64;

/** `--workers` as a count: `auto` is one per core up to MAX_AUTO_WORKERS (`availableParallelism` is the caller's). */
export function parseWorkers(value: string | number, cores: number): number {
  const text = String(value).trim().toLowerCase();
  if (text === 'auto') return autoWorkerCount(cores);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_WORKERS) {
    throw new ProbeError(
      'E_USAGE',
      `--workers must be auto or a whole number from 1 to ${MAX_WORKERS}, got ${JSON.stringify(String(value))}`,
    );
  }
  return n;
}

/** Where a capture goes when `--out` is not given: `captures/intercept-2026-11-28T01-29-16.har`. */
export function defaultCapturePath(now: Date = new Date()): string {
  return join('captures', `intercept-${timestampForFile(now)}.har`);
}

/**
 * Runs the proxy until `stop` resolves (SIGINT/SIGTERM in the CLI). Separate from the yargs handler
 * so that tests can drive it in-process.
 */
export async function runIntercept(args: InterceptArgs, io: CommandIo, stop: Promise<unknown>): Promise<number> {
  const out = args.out ?? defaultCapturePath();
  const redact = redactionChoice(args);
  const remote = !isLoopbackHost(args.host);
  if (remote && !args['allow-remote'])
    throw new ProbeError(
      'E_USAGE',
      `refusing to listen on ${args.host} without --allow-remote: anyone who can reach it could use this proxy and ` +
        `read what passes through it`,
      { hint: 'add --allow-remote (and --proxy-auth USER:PASS), or keep --host 127.0.0.1' },
    );
  if (args['proxy-auth'] !== undefined) parseProxyAuth(args['proxy-auth']);
  const workers = parseWorkers(args.workers, availableParallelism());
  await checkOutputPath(out, { flag: '--out', overwrite: args.overwrite });
  const existed = await stat(out).then(
    () => true,
    () => false,
  );
  await mkdir(dirname(out), { recursive: true }).catch((error: unknown) => {
    throw new ProbeError('E_INPUT', `cannot create the directory of ${out}: ${(error as Error).message}`, {
      cause: error,
    });
  });
  const lines = lineBatcher(io);
  // Loaded here, not at the top: mockttp takes seconds to load and every other command would pay for it.
  const { startIntercept } = await import('../capture/intercept/intercept-proxy.js');
  const { startInterceptCluster } = await import('../capture/intercept/intercept-cluster.js');
  const { summarizeExchange } = await import('../capture/intercept/exchange-summary.js');
  const options = {
    port: args.port,
    host: args.host,
    out,
    overwrite: args.overwrite,
    map: args.map,
    include: args.include,
    caDir: args['ca-dir'],
    redact,
    ...(args['proxy-auth'] !== undefined ? { proxyAuth: args['proxy-auth'] } : {}),
    onExchange: (exchange: Exchange) => lines.push(summarizeExchange(exchange)),
    onError: (error: unknown) => io.err(`warning: ${error instanceof Error ? error.message : String(error)}`),
  };
  // One worker is today's single process: no IPC, nothing to restart.
  const proxy = await (workers === 1 ? startIntercept(options) : startInterceptCluster({ ...options, workers })).catch(
    async (error: unknown) => {
      // It never started: no empty capture is left behind.
      if (!existed) await rm(out, { force: true }).catch(() => undefined);
      throw error;
    },
  );
  for (const line of proxy.settings()) io.out(line);
  if (args['proxy-auth'] !== undefined)
    io.out(
      `proxy auth: on; clients put the credentials in the proxy URL, e.g. http://USER:PASS@${new URL(proxy.url).host}`,
    );
  if (remote && args['proxy-auth'] === undefined)
    io.err(
      `warning: listening on ${args.host} without --proxy-auth: anyone who can reach it can use this proxy, and ` +
        `read what passes through it`,
    );
  const gaveUp = 'failed' in proxy ? proxy.failed : new Promise<never>(() => undefined);
  const failure = await Promise.race([stop.then(() => undefined), gaveUp]);
  io.err(
    failure
      ? 'stopping: the workers keep crashing; writing the last exchanges…'
      : 'stopping: writing the last exchanges…',
  );
  await proxy.close();
  lines.flush();
  io.err(`${proxy.exchanges} exchange${proxy.exchanges === 1 ? '' : 's'} recorded in ${out}${secretsNote(redact)}`);
  if (failure) throw failure;
  return 0;
}

/**
 * Collects summary lines and prints them once per event-loop turn. stdout to a pipe or terminal is
 * a blocking write on Linux: one per exchange would stall a busy proxy on a slow reader.
 */
function lineBatcher(io: CommandIo): { push(line: string): void; flush(): void } {
  let pending: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('\n');
    pending = [];
    io.out(text);
  };
  return {
    push(line) {
      pending.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

function asList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** The yargs module registered in `commands.ts`. */
export const interceptCommand: CommandModule<object, InterceptArgs> = {
  command: 'intercept',
  describe: "HTTPS-intercepting proxy: record any client's traffic (SSE with timing) into a capture",
  builder: (yargs: Argv<object>) =>
    yargs
      .option('port', integerOption('port to listen on (0 picks a free one)', 8080, { min: 0, max: 65535 })('port'))
      .option('host', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'interface to listen on; anything but loopback needs --allow-remote',
      })
      .option('allow-remote', {
        type: 'boolean',
        default: false,
        describe: 'allow a --host that other machines can reach (then add --proxy-auth)',
      })
      .option('proxy-auth', {
        type: 'string',
        describe: 'USER:PASS clients must send as proxy credentials; others get 407',
      })
      .option('out', { type: 'string', describe: 'capture file (default captures/intercept-<time>.har)' })
      .option('map', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: "HOST=URL: send a host's traffic to another server, e.g. chat.qwen.ai=http://127.0.0.1:8787",
      })
      .option('include', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'hosts to record (host, *.domain, *); default chat.qwen.ai plus mapped hosts',
      })
      .option('ca-dir', {
        type: 'string',
        default: DEFAULT_CA_DIR,
        describe: 'where the CA is generated once and kept',
      })
      .option('redact', REDACT_OPTION)
      .option('keep-secrets', KEEP_SECRETS_OPTION)
      .option('overwrite', OVERWRITE_OPTION)
      .option('workers', {
        type: 'string',
        default: 'auto',
        describe:
          `proxy processes sharing the port: auto (one per core, at most ${MAX_AUTO_WORKERS}) or a number; 1 ` +
          `runs everything in this one process`,
      })
      .example(
        '$0 intercept --map chat.qwen.ai=http://127.0.0.1:8787',
        'point a library that hard-codes chat.qwen.ai at the simulator',
      )
      .epilog(`Captures are redacted (tokens, cookies, passwords) unless --keep-secrets. ${exitCodesText('intercept')}`)
      .check((argv) => {
        parseWorkers(argv.workers, 1);
        return true;
      }) as unknown as Argv<InterceptArgs>,
  handler: (argv: ArgumentsCamelCase<InterceptArgs>) =>
    runCommand(() =>
      runIntercept({ ...argv, map: asList(argv.map), include: asList(argv.include) }, processIo, untilStopSignal()),
    ),
};

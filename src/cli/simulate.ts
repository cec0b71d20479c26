/**
 * `qwen-probe simulate`: serve the local chat.qwen.ai simulator (page + API) until SIGINT/SIGTERM.
 * The first stdout line is always `listening on http://HOST:PORT` (the real port for --port 0), so
 * scripts and tests can wait for it.
 */
import { existsSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { isLoopbackHost } from '../common/index.js';
import { ProbeError } from '../exchange/errors.js';
import {
  DEFAULT_SIMULATOR_CA_DIR,
  FAULT_NAMES,
  DRIFT_NAMES,
  isBuiltInProfile,
  loadProfile,
  parseDriftSchedule,
  parseFaultSpec,
  PROFILES,
  simulatorTlsMaterial,
  startSimulator,
  type FaultSpec,
  type SimulatorCredentials,
} from '../simulator/index.js';
import { processIo, runCommand, untilStopSignal, type CommandIo } from './run-command.js';
import { durationOption, integerOption } from './flag-values.js';
import { exitCodesText } from './exit-codes.js';

export interface SimulateArgs {
  port: number;
  host: string;
  profile: string;
  user?: string[];
  latency: number;
  'chunk-interval': number;
  fault?: string[];
  /** Serve HTTPS with the simulator's own CA, so TLS-fingerprint rules (JA4) can judge clients. */
  tls?: boolean;
  'tls-ca-dir'?: string;
  /** `30s:version-bump,60s:new-required-header`: drifts at their times after the start. */
  drift?: string;
}

/** `EMAIL:PASSWORD`, split at the first colon (passwords may contain colons, emails do not). */
export function parseUserFlag(text: string): SimulatorCredentials {
  const colon = text.indexOf(':');
  const email = colon > 0 ? text.slice(0, colon).trim() : '';
  const password = colon > 0 ? text.slice(colon + 1) : '';
  if (!email.includes('@') || password === '')
    throw new ProbeError('E_USAGE', `bad --user "${text}": use EMAIL:PASSWORD, e.g. me@example.test:secret`);
  return { email, password };
}

function checkNumber(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new ProbeError('E_USAGE', `--${name} must be a whole number from 0 to ${max}, got ${value}`);
  return value;
}

/** Serves until a signal arrives; resolves with the exit code. */
export async function runSimulate(args: SimulateArgs, io: CommandIo = processIo): Promise<number> {
  const port = checkNumber('port', args.port, 65535);
  const latencyMs = checkNumber('latency', args.latency, 600_000);
  const chunkIntervalMs = checkNumber('chunk-interval', args['chunk-interval'], 600_000);
  if (!isBuiltInProfile(args.profile) && !existsSync(args.profile)) {
    throw new ProbeError(
      'E_USAGE',
      `unknown profile "${args.profile}": use ${Object.keys(PROFILES).join(' or ')}, or the path of a profile JSON ` +
        `file`,
    );
  }
  const profile = loadProfile(args.profile);
  const users = args.user?.map(parseUserFlag);
  const faults: FaultSpec[] = (args.fault ?? []).map(parseFaultSpec);
  const driftSchedule = args.drift === undefined ? [] : parseDriftSchedule(args.drift);

  const tls = args.tls
    ? await simulatorTlsMaterial({ dir: args['tls-ca-dir'] ?? DEFAULT_SIMULATOR_CA_DIR, host: args.host })
    : undefined;
  const sim = await startSimulator({
    port,
    host: args.host,
    profile,
    users,
    latencyMs,
    chunkIntervalMs,
    faults,
    driftSchedule,
    onDrift: (step) => io.out(`drift: ${step.name} applied (${step.atMs / 1000} s after the start)`),
    ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
  });
  io.out(`listening on ${sim.url}`);
  if (tls) {
    // Printed like intercept's CA, so the same settings work for both.
    io.out(`CA certificate: ${tls.caCertPath}`);
    io.out(`CA SPKI (sha256): ${tls.spki}`);
    io.out(`  export NODE_EXTRA_CA_CERTS=${tls.caCertPath}    # Node clients`);
    io.out(`  chromium --ignore-certificate-errors-spki-list=${tls.spki}`);
  }
  io.out(
    `account: ${sim.demoUser.email} / ` +
      `${sim.demoUser.password}${users && users.length > 1 ? ` (+${users.length - 1} more)` : ''}`,
  );
  io.out(`profile: ${profile.name} (${profile.rules.length} rules): ${profile.description}`);
  if (faults.length > 0) io.out(`faults: ${(args.fault ?? []).join(', ')}`);
  if (driftSchedule.length > 0) io.out(`drift schedule: ${args.drift ?? ''}`);
  io.out(`control: ${sim.url}/__simulator/state, ${sim.url}/__simulator/drift; stop with Ctrl-C`);
  if (!isLoopbackHost(args.host)) {
    io.err(
      `warning: listening on ${args.host}, reachable from other machines; the simulator has demo credentials` +
        `${tls ? '' : ' and no TLS'}`,
    );
  }

  await untilStopSignal();
  await sim.close();
  io.out('simulator stopped');
  return 0;
}

export const simulateCommand: CommandModule<object, SimulateArgs> = {
  command: 'simulate',
  describe: 'serve a local chat.qwen.ai simulator (web page + API) whose behaviour comes from a profile',
  builder: (yargs: Argv<object>) =>
    yargs
      .option(
        'port',
        integerOption('port to listen on; 0 picks a free one (the first line shows it)', 8787, {
          min: 0,
          max: 65535,
        })('port'),
      )
      .option('host', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'address to bind; anything but loopback prints a warning',
      })
      .option('profile', {
        type: 'string',
        default: 'qwen-2025-10',
        describe:
          `built-in profile, one per era (${Object.keys(PROFILES).join(', ')}; see the README's table of eras), or ` +
          `the path of a profile JSON file`,
      })
      .option('user', {
        type: 'string',
        array: true,
        describe: 'an account EMAIL:PASSWORD that can sign in (repeatable); default the demo account',
      })
      .option(
        'latency',
        durationOption('wait before answering any /api request', '0ms', { plainUnit: 'ms', maxMs: 600_000 })('latency'),
      )
      .option(
        'chunk-interval',
        durationOption('pause between the events of a stream', '20ms', { plainUnit: 'ms', maxMs: 600_000 })(
          'chunk-interval',
        ),
      )
      .option('fault', {
        type: 'string',
        array: true,
        describe:
          `inject a fault: NAME[:times=N][:after=N][:endpoint=NAME] (repeatable); NAME is one of ` +
          `${FAULT_NAMES.join(', ')}`,
      })
      .option('tls', {
        type: 'boolean',
        default: false,
        describe:
          "serve HTTPS with the simulator's own CA (printed at start) and read each client's TLS fingerprint (JA4); " +
          "qwen-2026-09 soft-blocks clients whose JA4 is not a browser's",
      })
      .option('tls-ca-dir', {
        type: 'string',
        default: DEFAULT_SIMULATOR_CA_DIR,
        describe: 'where the --tls CA is generated once and kept',
      })
      .option('drift', {
        type: 'string',
        describe:
          `change the running profile at set times, TIME:NAME,... (TIME with a unit: 30s, 2m); NAME is one of ` +
          `${DRIFT_NAMES.join(', ')}; POST {"name": NAME} to /__simulator/drift applies one at once`,
      })
      .example('$0 simulate --port 0', 'serve on a free port with the default profile')
      .example(
        '$0 simulate --drift 30s:version-bump,60s:new-required-header',
        'the site changes while clients run: for testing `watch`',
      )
      .example(
        '$0 simulate --profile qwen-2026-09 --tls',
        'the 2026 wall: page signatures, cookie jar and a browser TLS fingerprint, over HTTPS',
      )
      .example(
        '$0 simulate --profile qwen-2026-06 --fault reset-mid-stream:times=1:after=2',
        'cut the third completion stream',
      )
      .epilog(exitCodesText('simulate')) as unknown as Argv<SimulateArgs>,
  handler: (args) => runCommand(() => runSimulate(args)),
};

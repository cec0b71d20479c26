/**
 * `qwen-probe serve`: an OpenAI-compatible API (`/v1/chat/completions`, `/v1/models`, `/health`),
 * the Anthropic Messages API (`/v1/messages`) and `/admin/accounts`, on top of the working request
 * shape, for one account or a pool of them (`--accounts FILE`), alone or with others sharing a Redis
 * (`--redis URL`), until SIGINT/SIGTERM. The first stdout line is always
 * `listening on http://HOST:PORT` (the real port for --port 0), so scripts and tests can wait for it.
 */
import { basename } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { isLoopbackHost } from '../common/index.js';
import { resolveCredentials, type Credentials } from '../client/credentials.js';
import { normaliseTarget } from '../client/target.js';
import { ProbeError } from '../exchange/errors.js';
import {
  parseRedisUrl,
  readAccountsFile,
  RedisState,
  startProxyServer,
  useLeanHeap,
  type AccountEntry,
  type SessionSpec,
  type SharedState,
} from '../proxy/index.js';
import {
  passwordRenewal,
  refreshAccount,
  sessionFileCredentials,
  sessionFileReloader,
  signInAccount,
} from '../proxy/account-sign-in.js';
import { isShapeName, SHAPE_NAMES } from '../upstream/shapes.js';
import { processIo, runCommand, untilStopSignal, type CommandIo } from './run-command.js';
import { checkOutputPath } from '../exchange/output-file.js';
import { PASSWORD_FILE_OPTION, USER_FLAG_TEXT, userCredential } from './browser-account.js';
import { durationOption, integerOption } from './flag-values.js';
import { OVERWRITE_OPTION } from './output-flags.js';
import { exitCodesText } from './exit-codes.js';

export interface ServeArgs {
  target: string;
  session?: string[];
  token?: string[];
  user?: string[];
  port: number;
  host: string;
  'api-key'?: string[];
  shape: string;
  'password-file'?: string;
  record?: string;
  overwrite?: boolean;
  /** Milliseconds (flags take `60s`). */
  'idle-timeout': number;
  /** Milliseconds (flags take `10m`). */
  'models-ttl': number;
  'lean-heap': boolean;
  'cors-origin'?: string[];
  'allowed-host'?: string[];
  quiet?: boolean;
  accounts?: string;
  redis?: string;
  'redis-prefix'?: string;
  /** Milliseconds (flags take `1h`); 0 keeps conversations and chats without limit. */
  'chat-ttl': number;
}

function checkNumber(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ProbeError('E_USAGE', `--${name} must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

/** `--cors-origin` values are origins (`https://app.example`) or `*`; a path or a bare host is a mistake. */
function checkOrigins(origins: readonly string[]): string[] {
  return origins.map((origin) => {
    if (origin === '*') return origin;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin.replace(/\/$/, ''))
      throw new ProbeError(
        'E_USAGE',
        `--cors-origin ${JSON.stringify(origin)}: give an origin like https://app.example:8080, or *`,
      );
    return parsed.origin;
  });
}

function spec(
  label: string,
  credentials: Credentials,
  io: CommandIo,
  refresh?: () => Promise<Credentials>,
): SessionSpec {
  for (const warning of credentials.warnings) io.err(`warning: ${label}: ${warning}`);
  return {
    label,
    credentials: { token: credentials.token, cookies: credentials.cookies },
    ...(refresh ? { refresh } : {}),
  };
}

/** An account of the accounts file as a session: signed in now, renewed and re-read later. */
async function accountSession(entry: AccountEntry, target: string, io: CommandIo): Promise<SessionSpec> {
  const base = { label: entry.label, weight: entry.weight };
  if (entry.kind === 'session') {
    const loadedAt = Date.now();
    const credentials = await sessionFileCredentials(target, entry.path);
    for (const warning of credentials.warnings) io.err(`warning: ${entry.label}: ${warning}`);
    const { warnings: _warnings, ...fresh } = credentials;
    return {
      ...base,
      credentials: fresh,
      reload: sessionFileReloader(target, entry.path, loadedAt),
      ...(fresh.refreshToken ? { refresh: (current) => refreshAccount(target, current) } : {}),
    };
  }
  const refresh = passwordRenewal(target, entry.email, entry.password);
  try {
    const { warnings, ...credentials } = await signInAccount(target, entry.email, entry.password);
    for (const warning of warnings) io.err(`warning: ${entry.label}: ${warning}`);
    return { ...base, credentials, refresh };
  } catch (error) {
    if (!(error instanceof ProbeError) || error.exitCode === 2) throw error;
    // One account that cannot sign in now does not stop the others: it rests and tries again.
    io.err(`warning: ${entry.label}: ${error.message}; it rests and signs in again in the background`);
    return {
      ...base,
      credentials: { token: '' },
      refresh,
      initialFailure: { kind: 'sign-in', message: error.message, at: Date.now() },
    };
  }
}

/** Every --session, --token and --user becomes one session (labels carry no secrets). */
async function resolveSessions(args: ServeArgs, target: string, io: CommandIo): Promise<SessionSpec[]> {
  if (args['password-file'] !== undefined && (args.user ?? []).length !== 1)
    throw new ProbeError('E_USAGE', '--password-file goes with exactly one --user EMAIL');
  const specs: SessionSpec[] = [];
  for (const file of args.session ?? [])
    specs.push(spec(basename(file), await resolveCredentials({ target, session: file }), io));
  for (const [i, token] of (args.token ?? []).entries())
    specs.push(spec(`token-${i + 1}`, await resolveCredentials({ target, token }), io));
  for (const given of args.user ?? []) {
    const user = (await userCredential(given, {
      passwordFile: args['password-file'],
      prompt: true,
      warn: (line) => io.err(line),
    }))!;
    const email = user.slice(0, Math.max(0, user.indexOf(':'))) || 'user';
    const password = user.slice(user.indexOf(':') + 1);
    if (email === 'user' || password === '') {
      // Not EMAIL:PASSWORD: resolveCredentials says what is wrong, without quoting the value.
      await resolveCredentials({ target, user });
    }
    // A signed-in account renews its token before it expires and signs in again when refused.
    const { warnings, ...credentials } = await signInAccount(target, email, password);
    for (const warning of warnings) io.err(`warning: ${email}: ${warning}`);
    specs.push({ label: email, credentials, refresh: passwordRenewal(target, email, password) });
  }
  if (specs.length === 0 && !args.accounts) {
    // QWEN_PROBE_EMAIL / QWEN_PROBE_PASSWORD, or a usage error naming the three flags.
    const again = () => resolveCredentials({ target, useEnv: true });
    specs.push(spec(process.env.QWEN_PROBE_EMAIL ?? 'env', await again(), io, again));
  }
  return specs;
}

/** Serves until a signal arrives; resolves with the exit code. */
export async function runServe(args: ServeArgs, io: CommandIo = processIo): Promise<number> {
  const target = normaliseTarget(args.target);
  const port = checkNumber('port', args.port, 0, 65535);
  const idleTimeoutMs = checkNumber('idle-timeout', args['idle-timeout'], 100, 3_600_000);
  const modelsTtlMs = checkNumber('models-ttl', args['models-ttl'], 0, 86_400_000);
  const allowedOrigins = checkOrigins(args['cors-origin'] ?? []);
  if (args.record) await checkOutputPath(args.record, { flag: '--record', overwrite: args.overwrite });
  if (!isShapeName(args.shape))
    throw new ProbeError('E_USAGE', `unknown shape "${args.shape}": use one of ${SHAPE_NAMES.join(', ')}`);
  const apiKeys = [
    ...(args['api-key'] ?? []),
    ...(process.env.QWEN_PROBE_API_KEY ? [process.env.QWEN_PROBE_API_KEY] : []),
  ].filter((k) => k !== '');
  if (!isLoopbackHost(args.host) && apiKeys.length === 0) {
    throw new ProbeError(
      'E_USAGE',
      `refusing to listen on ${args.host} without --api-key: anyone who can reach it could use your accounts`,
      {
        hint: 'add --api-key KEY (clients send it as their OpenAI API key), or keep --host 127.0.0.1',
      },
    );
  }
  const chatTtlMs = args['chat-ttl'];
  // Checked before anything is signed in: a wrong URL or a broken accounts file is one line, exit 2.
  const redisUrl = args.redis !== undefined ? parseRedisUrl(args.redis) : undefined;
  const entries = args.accounts !== undefined ? await readAccountsFile(args.accounts) : [];
  const signedIn = await Promise.all(entries.map((entry) => accountSession(entry, target, io)));
  if (signedIn.length > 0 && signedIn.every((s) => s.initialFailure))
    throw new ProbeError('E_UPSTREAM_AUTH', `no account of ${args.accounts} could sign in`, {
      hint: 'the warnings above say why for each',
    });
  const sessions = [...signedIn, ...(await resolveSessions(args, target, io))];
  const store: SharedState | undefined = redisUrl
    ? await RedisState.connect({
        url: redisUrl,
        ...(args['redis-prefix'] !== undefined ? { prefix: args['redis-prefix'] } : {}),
        log: (line) => io.err(line),
      })
    : undefined;
  let server: Awaited<ReturnType<typeof startProxyServer>>;
  try {
    server = await startProxyServer({
      target,
      sessions,
      port,
      host: args.host,
      shape: args.shape,
      apiKeys,
      idleTimeoutMs,
      modelsTtlMs,
      chatTtlMs,
      ...(store ? { store } : {}),
      ...(args.record ? { recordPath: args.record, recordOverwrite: args.overwrite === true } : {}),
      allowedOrigins,
      allowedHosts: args['allowed-host'] ?? [],
      log: (line) => io.err(line),
      ...(args.quiet ? {} : { accessLog: (line: string) => io.err(line) }),
    });
  } catch (error) {
    // An open Redis connection would keep the process alive after the error line.
    await store?.close();
    throw error;
  }
  // This process is the server and nothing else: size its heap for many open streams (lean-heap.ts).
  const restoreHeap = args['lean-heap'] !== false ? useLeanHeap() : undefined;
  io.out(`listening on ${server.url}`);
  io.out(
    `OpenAI base URL: ${server.url}/v1, Anthropic base URL: ${server.url} (${sessions.length} ` +
      `account${sessions.length === 1 ? '' : 's'}: ${sessions.map((s) => s.label).join(', ')}; target ${target})`,
  );
  io.out(
    store
      ? `shared state: redis ${args['redis-prefix'] ?? 'qwen-probe:'}* (accounts, conversations, counters)`
      : 'state: in this process (add --redis URL to share it between instances)',
  );
  if (args.record) io.out(`recording upstream exchanges (redacted) to ${args.record}`);
  io.out('stop with Ctrl-C');

  await untilStopSignal();
  await server.close();
  await store?.close();
  restoreHeap?.();
  io.out('serve stopped');
  return 0;
}

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'serve an OpenAI-compatible API (chat completions, models, health) on top of the working request shape',
  builder: (yargs: Argv<object>) =>
    yargs
      .option('target', {
        type: 'string',
        demandOption: true,
        describe: 'origin of the upstream: https://chat.qwen.ai or a simulator URL',
      })
      .option('accounts', {
        type: 'string',
        describe:
          'a JSON or YAML file of accounts (email and password, or a session file; optional weight): a pool that ' +
          'rotates, cools down, renews tokens and reads quotas',
      })
      .option('session', { type: 'string', array: true, describe: 'a session file (repeatable: one session each)' })
      .option('token', { type: 'string', array: true, describe: 'a raw JWT (repeatable)' })
      .option('user', {
        type: 'string',
        array: true,
        describe: `${USER_FLAG_TEXT} (repeatable); signs in again when refused`,
      })
      .option('password-file', PASSWORD_FILE_OPTION)
      .option(
        'port',
        integerOption('port to listen on; 0 picks a free one (the first line shows it)', 3000, {
          min: 0,
          max: 65535,
        })('port'),
      )
      .option('host', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'address to bind; anything but loopback needs --api-key',
      })
      .option('api-key', {
        type: 'string',
        array: true,
        describe: 'key clients must send as Bearer token (repeatable; also QWEN_PROBE_API_KEY)',
      })
      .option('shape', {
        type: 'string',
        default: 'web',
        describe: `request shape to speak upstream (${SHAPE_NAMES.join(', ')})`,
      })
      .option('record', { type: 'string', describe: 'write every upstream exchange, redacted, to this capture file' })
      .option('overwrite', OVERWRITE_OPTION)
      .option(
        'idle-timeout',
        durationOption('upstream silence mid-stream before it counts as stalled', '60s', {
          plainUnit: 'ms',
          minMs: 100,
          maxMs: 3_600_000,
        })('idle-timeout'),
      )
      .option(
        'models-ttl',
        durationOption('how long the upstream model list is cached', '10m', { plainUnit: 's', maxMs: 86_400_000 })(
          'models-ttl',
        ),
      )
      .option('cors-origin', {
        type: 'string',
        array: true,
        describe: 'an origin whose web pages may call the API (repeatable; * for any); other pages are refused',
      })
      .option('allowed-host', {
        type: 'string',
        array: true,
        describe: 'a host name clients may use besides IP addresses and localhost (repeatable; against DNS rebinding)',
      })
      .option('quiet', { type: 'boolean', default: false, describe: 'no access-log line per request' })
      .option(
        'chat-ttl',
        durationOption(
          'how long a conversation can be continued; its upstream chat is deleted after that (0: keep both forever)',
          '1h',
          { plainUnit: 's', minMs: 0, maxMs: 30 * 86_400_000 },
        )('chat-ttl'),
      )
      .option('redis', {
        type: 'string',
        describe:
          'redis://HOST:PORT[/DB]: share accounts, conversations and counters with every serve using the same Redis',
      })
      .option('redis-prefix', { type: 'string', describe: 'key prefix in Redis (default qwen-probe:)' })
      .option('lean-heap', {
        type: 'boolean',
        default: true,
        describe:
          'keep the heap close to live memory (about half the peak RSS under load, a little more CPU); ' +
          '--no-lean-heap for V8 defaults',
      })
      .example(
        '$0 serve --target https://chat.qwen.ai --session captures/me.session.json',
        'serve on http://127.0.0.1:3000/v1',
      )
      .example(
        'QWEN_PROBE_PASSWORD=demo-password $0 serve --target http://127.0.0.1:8787 --user demo@qwen-probe.test --port 0',
        'serve the simulator',
      )
      .example(
        '$0 serve --target https://chat.qwen.ai --accounts team.yaml --redis redis://127.0.0.1:6379 --api-key KEY',
        'one of several instances sharing a pool of accounts',
      )
      .epilog(
        'Web pages are refused unless --cors-origin allows them; Host names other than addresses and localhost ' +
          `need --allowed-host. ${exitCodesText('serve')}`,
      ) as unknown as Argv<ServeArgs>,
  handler: (args) => runCommand(() => runServe(args)),
};

/**
 * `qwen-probe whoami`: checks a saved session against the target with GET /api/v1/auths/ (the call
 * the web app makes on start) and prints the user and how long the token has left. Never prints
 * the token itself.
 *
 * Exit codes: 0 the target accepts the session; 1 refused, unreachable or unreadable answer; 2 bad
 * flags or an unreadable session file.
 */
import type { Argv, CommandModule } from 'yargs';
import { ProbeError } from '../exchange/errors.js';
import type { Header } from '../exchange/exchange.js';
import { sendRequest } from '../net/index.js';
import { WEB_CLIENT } from '../upstream/browser-headers.js';
import { authsMeResponseSchema, parseJson } from '../upstream/schemas.js';
import { sampleOf } from '../upstream/upstream-failure.js';
import { jwtExpiry, readSessionFile } from '../client/session-file.js';
import { describeTransportError, normaliseTarget } from '../client/target.js';
import { processIo, runCommand, type CommandIo } from './run-command.js';
import { durationOption } from './flag-values.js';
import { exitCodesText } from './exit-codes.js';

/** The flags of `whoami`, after yargs. */
export interface WhoamiArgs {
  readonly target: string;
  readonly session: string;
  /** Milliseconds the check may take (flags take `30s`). */
  readonly timeout?: number;
  readonly json?: boolean;
}

function duration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** `jwt, 209 chars, expires 2026-12-01T10:00:00Z (in 3 d 4 h)`: the token described, never shown. */
export function tokenLifeText(token: string, now = Date.now()): string {
  const expiry = jwtExpiry(token);
  const kind = token.split('.').length === 3 ? 'jwt' : 'token';
  if (!expiry) return `${kind}, ${token.length} chars, no expiry in it`;
  const left = expiry.getTime() - now;
  const stamp = expiry.toISOString().replace(/\.\d+Z$/, 'Z');
  return (
    `${kind}, ${token.length} chars, ` +
    `${left > 0 ? `expires ${stamp} (in ${duration(left)})` : `EXPIRED ${stamp} (${duration(left)} ago)`}`
  );
}

/** The command body. */
export async function whoami(args: WhoamiArgs, io: CommandIo = processIo): Promise<number> {
  const target = normaliseTarget(args.target);
  const session = await readSessionFile(args.session);
  if (normaliseTarget(session.target) !== target)
    io.err(`warning: the session was saved for ${session.target}, not ${target}`);
  const cookie = [`token=${session.token}`, ...Object.entries(session.cookies).map(([k, v]) => `${k}=${v}`)].join('; ');
  const headers: Header[] = [
    { name: 'Accept', value: 'application/json, text/plain, */*' },
    { name: 'Authorization', value: `Bearer ${session.token}` },
    { name: 'source', value: WEB_CLIENT.source },
    { name: 'User-Agent', value: WEB_CLIENT.userAgent },
    { name: 'Cookie', value: cookie },
  ];
  const timeoutMs = args.timeout ?? 30_000;
  const exchange = await sendRequest(
    { method: 'GET', url: `${target}/api/v1/auths/`, headers },
    { source: 'library', endpoint: 'auths.me', totalTimeoutMs: timeoutMs },
  );
  const response = exchange.response;
  if (!response) {
    const problem = describeTransportError(target, exchange.error);
    throw new ProbeError('E_UPSTREAM_UNREACHABLE', problem.message, { hint: problem.hint });
  }
  const json = parseJson(response.body);
  const me = json.ok ? authsMeResponseSchema.safeParse(json.value) : undefined;
  if (response.status === 401 || response.status === 403) {
    throw new ProbeError(
      'E_UPSTREAM_AUTH',
      `${target} refused the session (HTTP ${response.status}); token: ${tokenLifeText(session.token)}`,
      {
        hint: 'log in again with `qwen-probe login`',
      },
    );
  }
  if (response.status !== 200 || !me?.success) {
    throw new ProbeError(
      'E_UPSTREAM_PROTOCOL',
      `GET /api/v1/auths/ answered HTTP ${response.status} without a user: ${sampleOf(response.body ?? '', 80)}`,
    );
  }
  if (args.json) {
    const expiry = jwtExpiry(session.token);
    io.out(
      JSON.stringify(
        {
          target,
          user: { id: me.data.id, name: me.data.name, email: me.data.email, role: me.data.role },
          token: { chars: session.token.length, ...(expiry ? { expiresAt: expiry.toISOString() } : {}) },
          session: { path: args.session, savedAt: session.createdAt, target: session.target },
        },
        null,
        2,
      ),
    );
    return 0;
  }
  io.out(`user: ${me.data.name} <${me.data.email}> (id ${me.data.id}, role ${me.data.role})`);
  io.out(`token: ${tokenLifeText(session.token)}`);
  io.out(`session: ${args.session}, saved ${session.createdAt} for ${session.target}`);
  return 0;
}

/** The yargs module. */
export const whoamiCommand: CommandModule<object, WhoamiArgs> = {
  command: 'whoami',
  describe: "check a saved session with GET /api/v1/auths/: the user and the token's remaining life",
  builder: (yargs: Argv<object>) =>
    yargs
      .option('target', { type: 'string', demandOption: true, describe: 'site the session belongs to' })
      .option('session', {
        type: 'string',
        default: '.qwen-probe/session.json',
        describe: 'session file saved by `qwen-probe login`',
      })
      .option('timeout', durationOption('how long the check may take', '30s', { plainUnit: 's', minMs: 1 })('timeout'))
      .option('json', { type: 'boolean', default: false, describe: 'print the user and the token life as JSON' })
      .example(
        '$0 whoami --target https://chat.qwen.ai --session .qwen-probe/session.json',
        'is my session still good?',
      )
      .epilog(exitCodesText('whoami')) as unknown as Argv<WhoamiArgs>,
  handler: (args) => runCommand(() => whoami(args)),
};

/**
 * Where commands get the account they sign in with: `--user EMAIL` with the password from
 * `--password-file`, QWEN_PROBE_PASSWORD or a hidden prompt (or `--user EMAIL:PASSWORD`, which
 * works with a warning: `ps` shows it), else QWEN_PROBE_EMAIL / QWEN_PROBE_PASSWORD, else a prompt.
 * None of them is ever echoed, logged or put in an error message.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ProbeError } from '../exchange/errors.js';
import { durationOption, integerOption } from './flag-values.js';

/** An email and password. */
export interface BrowserAccount {
  readonly email: string;
  readonly password: string;
}

/** `EMAIL:PASSWORD`, split at the first colon; the error never quotes the value (it holds the password). */
function parseAccount(value: string): BrowserAccount {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1)
    throw new ProbeError('E_USAGE', '--user takes EMAIL:PASSWORD (both parts, joined by the first colon)');
  return { email: value.slice(0, colon).trim(), password: value.slice(colon + 1) };
}

/** Asks one question on stderr; with `hidden`, what is typed is not echoed. */
export function ask(
  question: string,
  hidden = false,
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input, output, terminal: true });
    if (hidden) {
      // readline echoes through _writeToOutput; muting it after the question hides the typing.
      const internals = rl as unknown as { _writeToOutput: (text: string) => void };
      let asked = false;
      internals._writeToOutput = (text: string) => {
        if (!asked) {
          output.write(text);
          asked = text.includes(question);
        }
      };
    }
    rl.once('SIGINT', () => {
      rl.close();
      reject(new ProbeError('E_INTERRUPTED', 'interrupted at the prompt'));
    });
    rl.question(question, (answer) => {
      if (hidden) output.write('\n');
      rl.close();
      resolve(answer);
    });
  });
}

/** The `--password-file` flag, declared alike on every command that signs in. */
export const PASSWORD_FILE_OPTION = {
  type: 'string',
  describe: 'file holding the password for --user EMAIL (first line); else QWEN_PROBE_PASSWORD, else a prompt',
} as const;

/** `--login-timeout` of every command that can wait for a login by hand. */
export const LOGIN_TIMEOUT_OPTION = durationOption('how long to wait for a login by hand (--headed)', '5m', {
  plainUnit: 's',
  minMs: 1,
})('login-timeout');

/** `--cdp-port` of every command that starts Chromium. */
export const CDP_PORT_OPTION = integerOption(
  'also expose the browser on a DevTools port (0: any), for tools and tests',
  undefined,
  { min: 0, max: 65535 },
)('cdp-port');

/** How `--user` is described on every command that signs in. */
export const USER_FLAG_TEXT =
  'EMAIL to sign in as; the password comes from QWEN_PROBE_PASSWORD, --password-file or a prompt ' +
  '(EMAIL:PASSWORD still works, with a warning)';

/** Said when a password was typed on the command line, where `ps` shows it to every local user. */
export const PASSWORD_ON_COMMAND_LINE =
  'a password given in --user is visible to other local users in the process list; use --user EMAIL with ' +
  'QWEN_PROBE_PASSWORD, --password-file FILE or the prompt';

/** Where the password of `--user EMAIL` (without one) comes from. */
export interface PasswordSources {
  readonly passwordFile?: string | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Ask on the terminal when nothing else gives it (and there is a terminal). */
  readonly prompt: boolean;
  /** Where the command-line warning goes. */
  readonly warn?: ((line: string) => void) | undefined;
}

async function readPasswordFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProbeError(
      'E_INPUT',
      `--password-file ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code}`,
    );
  }
  const password = text.split(/\r?\n/, 1)[0] ?? '';
  if (password === '') throw new ProbeError('E_INPUT', `--password-file ${path}: its first line is empty`);
  return password;
}

/**
 * `--user EMAIL[:PASSWORD]` and its password: from the flag itself (with a warning), from
 * `--password-file`, from QWEN_PROBE_PASSWORD, or from a hidden prompt. Undefined without `--user`.
 */
export async function accountFromUserFlag(
  user: string | undefined,
  sources: PasswordSources,
): Promise<BrowserAccount | undefined> {
  if (user === undefined) {
    if (sources.passwordFile !== undefined)
      throw new ProbeError('E_USAGE', '--password-file needs --user EMAIL (the account it is the password of)');
    return undefined;
  }
  if (user.includes(':')) {
    const account = parseAccount(user);
    if (sources.passwordFile !== undefined)
      throw new ProbeError('E_USAGE', '--password-file and a password in --user EMAIL:PASSWORD: give only one');
    (sources.warn ?? ((line) => process.stderr.write(`${line}\n`)))(`warning: ${PASSWORD_ON_COMMAND_LINE}`);
    return account;
  }
  const email = user.trim();
  if (!email.includes('@')) throw new ProbeError('E_USAGE', `--user ${JSON.stringify(email)}: give an e-mail address`);
  if (sources.passwordFile !== undefined) return { email, password: await readPasswordFile(sources.passwordFile) };
  const fromEnv = (sources.env ?? process.env).QWEN_PROBE_PASSWORD;
  if (fromEnv) return { email, password: fromEnv };
  if (sources.prompt && process.stdin.isTTY) {
    const password = await ask(`password for ${email}: `, true);
    if (!password) throw new ProbeError('E_USAGE', 'no password given');
    return { email, password };
  }
  throw new ProbeError('E_USAGE', `--user ${email} needs a password`, {
    hint: 'set QWEN_PROBE_PASSWORD, add --password-file FILE, or run it in a terminal to be asked',
  });
}

/** `EMAIL:PASSWORD` for the client's `resolveCredentials`, from `--user` and its password sources. */
export async function userCredential(user: string | undefined, sources: PasswordSources): Promise<string | undefined> {
  const account = await accountFromUserFlag(user, sources);
  return account ? `${account.email}:${account.password}` : undefined;
}

/**
 * The account from the flag, the environment or the terminal; undefined when none can be had and
 * `prompt` is false (the caller then logs in by hand or uses a session).
 */
export async function resolveAccount(
  user: string | undefined,
  options: {
    env?: NodeJS.ProcessEnv;
    prompt: boolean;
    passwordFile?: string | undefined;
    warn?: ((line: string) => void) | undefined;
  },
): Promise<BrowserAccount | undefined> {
  if (user !== undefined || options.passwordFile !== undefined)
    return accountFromUserFlag(user, {
      passwordFile: options.passwordFile,
      env: options.env,
      prompt: options.prompt,
      warn: options.warn,
    });
  const env = options.env ?? process.env;
  if (env.QWEN_PROBE_EMAIL && env.QWEN_PROBE_PASSWORD)
    return { email: env.QWEN_PROBE_EMAIL, password: env.QWEN_PROBE_PASSWORD };
  if (!options.prompt) return undefined;
  if (!process.stdin.isTTY) {
    throw new ProbeError(
      'E_USAGE',
      'no account: give --user EMAIL (password from QWEN_PROBE_PASSWORD, --password-file or a prompt), set ' +
        'QWEN_PROBE_EMAIL and QWEN_PROBE_PASSWORD, or use --headed',
      { hint: 'the password prompt needs a terminal' },
    );
  }
  const email = (await ask('email: ')).trim();
  const password = await ask('password: ', true);
  if (!email || !password) throw new ProbeError('E_USAGE', 'both an email and a password are needed');
  return { email, password };
}

/**
 * Where `login` and `capture` get the account the browser logs in with: `--user EMAIL:PASSWORD`,
 * else QWEN_PROBE_EMAIL / QWEN_PROBE_PASSWORD, else a prompt on the terminal with the password
 * hidden. None of them is ever echoed, logged or put in an error message.
 */
import { createInterface } from 'node:readline';
import { ProbeError } from '../exchange/errors.js';

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

/**
 * The account from the flag, the environment or the terminal; undefined when none can be had and
 * `required` is false (the caller then logs in by hand or uses a session).
 */
export async function resolveAccount(
  user: string | undefined,
  options: { env?: NodeJS.ProcessEnv; prompt: boolean },
): Promise<BrowserAccount | undefined> {
  if (user) return parseAccount(user);
  const env = options.env ?? process.env;
  if (env.QWEN_PROBE_EMAIL && env.QWEN_PROBE_PASSWORD)
    return { email: env.QWEN_PROBE_EMAIL, password: env.QWEN_PROBE_PASSWORD };
  if (!options.prompt) return undefined;
  if (!process.stdin.isTTY) {
    throw new ProbeError(
      'E_USAGE',
      'no account: give --user EMAIL:PASSWORD, set QWEN_PROBE_EMAIL and QWEN_PROBE_PASSWORD, or use --headed',
      {
        hint: 'the password prompt needs a terminal',
      },
    );
  }
  const email = (await ask('email: ')).trim();
  const password = await ask('password: ', true);
  if (!email || !password) throw new ProbeError('E_USAGE', 'both an email and a password are needed');
  return { email, password };
}

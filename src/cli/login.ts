/**
 * `qwen-probe login`: logs in through Chromium (the form filled in for you, or by hand with
 * --headed) and saves a session file, mode 0600: Playwright's storage state, the raw JWT from
 * localStorage, its expiry, and the site's cookies. Prints who logged in and for how long the token
 * lasts; never prints the token or the password.
 *
 * Exit codes: 0 saved; 1 refused, unreachable, timed out or no browser; 2 bad flags.
 */
import { lstat } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import { readSessionFile, writeSessionFile } from '../client/session-file.js';
import { checkOutputPath } from '../exchange/output-file.js';
import { CDP_PORT_OPTION, LOGIN_TIMEOUT_OPTION, PASSWORD_FILE_OPTION, USER_FLAG_TEXT } from './browser-account.js';
import { durationOption } from './flag-values.js';
import { OVERWRITE_OPTION } from './output-flags.js';
import { exitCodesText } from './exit-codes.js';
import { normaliseTarget } from '../client/target.js';
import { closeQuietly, launchBrowser } from '../capture/browser-launch.js';
import { loginWithBrowser } from '../capture/browser-login.js';
import { loadSiteProfile, SITE_ERA_NAMES, type SiteEraChoice } from '../capture/site-profiles.js';
import { resolveAccount } from './browser-account.js';
import { processIo, runCommand, type CommandIo } from './run-command.js';
import { tokenLifeText } from './whoami.js';

/** Where sessions go unless --session says otherwise. */
export const DEFAULT_SESSION_PATH = '.qwen-probe/session.json';

/** The flags of `login`, after yargs. */
export interface LoginArgs {
  readonly target: string;
  readonly user?: string;
  readonly 'password-file'?: string;
  readonly headed?: boolean;
  readonly session?: string;
  readonly overwrite?: boolean;
  readonly selectors?: string;
  /** Which era of the site's page; `auto` (default): any era's login form. */
  readonly 'site-era'?: SiteEraChoice;
  /** Milliseconds for page loads and the form's answer (flags take `30s`). */
  readonly timeout?: number;
  /** Milliseconds a person may take to log in by hand (flags take `5m`). */
  readonly 'login-timeout'?: number;
  /** Also expose the browser on a DevTools port (0: any free one), printed as `cdp endpoint: URL`. */
  readonly 'cdp-port'?: number;
}

/** True when `path` holds a readable session file (which a new login may replace). */
async function isSessionFile(path: string): Promise<boolean> {
  // Only a small regular file is read: /dev/zero or /dev/full would never end.
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isFile() || info.size > 1024 * 1024) return false;
  return readSessionFile(path).then(
    () => true,
    () => false,
  );
}

/** The command body: returns the exit code; ProbeErrors become one line in runCommand. */
export async function login(args: LoginArgs, io: CommandIo = processIo): Promise<number> {
  const target = normaliseTarget(args.target);
  const path = args.session ?? DEFAULT_SESSION_PATH;
  // A session file is replaced by a new login (that is what logging in again means); anything
  // else at that path only with --overwrite. Checked before the browser starts.
  const replacing = await isSessionFile(path);
  await checkOutputPath(path, { flag: '--session', overwrite: args.overwrite === true || replacing });
  const profile = await loadSiteProfile(target, { selectorsFile: args.selectors, era: args['site-era'] });
  // --headed alone means "I will type it myself"; with --user the form is still filled for them.
  const account = await resolveAccount(args.user, {
    prompt: !args.headed,
    passwordFile: args['password-file'],
    warn: (line) => io.err(line),
  });
  const { browser, cdpEndpoint } = await launchBrowser({
    headed: args.headed === true,
    ...(args['cdp-port'] !== undefined ? { cdpPort: args['cdp-port'] } : {}),
  });
  if (cdpEndpoint) io.out(`cdp endpoint: ${cdpEndpoint}`);
  try {
    const { session } = await loginWithBrowser({
      target,
      browser,
      profile,
      ...(account ? { account } : {}),
      timeoutMs: args.timeout ?? 30_000,
      manualTimeoutMs: args['login-timeout'] ?? 300_000,
      onStatus: (line) => io.err(line),
    });
    await writeSessionFile(path, session);
    const who = session.user ? `${session.user.name} <${session.user.email}>` : (account?.email ?? 'unknown user');
    io.out(`logged in to ${target} as ${who}`);
    io.out(`token: ${tokenLifeText(session.token)}`);
    io.out(`cookies: ${Object.keys(session.cookies).join(', ') || '(none)'}`);
    io.out(`session saved to ${path} (mode 0600${replacing ? ', replacing the previous session' : ''})`);
    return 0;
  } finally {
    await closeQuietly(browser);
  }
}

/** The yargs module. */
export const loginCommand: CommandModule<object, LoginArgs> = {
  command: 'login',
  describe: 'log in through Chromium and save a session file (token, cookies, storage state)',
  builder: (yargs: Argv<object>) =>
    yargs
      .option('target', {
        type: 'string',
        demandOption: true,
        describe: 'site to log in to: https://chat.qwen.ai or the simulator URL',
      })
      .option('user', { type: 'string', describe: `${USER_FLAG_TEXT}; else QWEN_PROBE_EMAIL, else a prompt` })
      .option('password-file', PASSWORD_FILE_OPTION)
      .option('headed', {
        type: 'boolean',
        default: false,
        describe: 'show the browser; without --user you log in by hand (captcha, 2FA)',
      })
      .option('session', {
        type: 'string',
        default: DEFAULT_SESSION_PATH,
        describe: 'session file to write (mode 0600); an older session there is replaced',
      })
      .option('overwrite', {
        ...OVERWRITE_OPTION,
        describe: 'replace --session even when what is there is not a session file',
      })
      .option('selectors', {
        type: 'string',
        describe: 'JSON file overriding the page selectors (see docs/capture.md)',
      })
      .option('site-era', {
        type: 'string',
        choices: ['auto', ...SITE_ERA_NAMES],
        default: 'auto',
        describe: "which era of chat.qwen.ai's page (auto: any era's login form)",
      })
      .option(
        'timeout',
        durationOption('how long page loads and the login form may take', '30s', { plainUnit: 's', minMs: 1 })(
          'timeout',
        ),
      )
      .option('login-timeout', LOGIN_TIMEOUT_OPTION)
      .option('cdp-port', CDP_PORT_OPTION)
      .example(
        'QWEN_PROBE_PASSWORD=demo-password $0 login --target http://127.0.0.1:8787 --user demo@qwen-probe.test',
        'log in to the simulator',
      )
      .example('$0 login --target https://chat.qwen.ai --headed', 'log in by hand in a browser window')
      .epilog(exitCodesText('login')) as unknown as Argv<LoginArgs>,
  handler: (args) => runCommand(() => login(args)),
};

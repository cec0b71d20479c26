/**
 * `qwen-probe login`: logs in through Chromium (the form filled in for you, or by hand with
 * --headed) and saves a session file, mode 0600: Playwright's storage state, the raw JWT from
 * localStorage, its expiry, and the site's cookies. Prints who logged in and for how long the token
 * lasts; never prints the token or the password.
 *
 * Exit codes: 0 saved; 1 refused, unreachable, timed out or no browser; 2 bad flags.
 */
import type { Argv, CommandModule } from 'yargs';
import { writeSessionFile } from '../client/session-file.js';
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
  readonly headed?: boolean;
  readonly session?: string;
  readonly selectors?: string;
  /** Which era of the site's page; `auto` (default): any era's login form. */
  readonly 'site-era'?: SiteEraChoice;
  /** Seconds for page loads and the form's answer. */
  readonly timeout?: number;
  /** Seconds a person may take to log in by hand. */
  readonly 'login-timeout'?: number;
  /** Also expose the browser on a DevTools port (0: any free one), printed as `cdp endpoint: URL`. */
  readonly 'cdp-port'?: number;
}

/** The command body: returns the exit code; ProbeErrors become one line in runCommand. */
export async function login(args: LoginArgs, io: CommandIo = processIo): Promise<number> {
  const target = normaliseTarget(args.target);
  const profile = await loadSiteProfile(target, { selectorsFile: args.selectors, era: args['site-era'] });
  // --headed alone means "I will type it myself"; with --user the form is still filled for them.
  const account = await resolveAccount(args.user, { prompt: !args.headed });
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
      timeoutMs: (args.timeout ?? 30) * 1000,
      manualTimeoutMs: (args['login-timeout'] ?? 300) * 1000,
      onStatus: (line) => io.err(line),
    });
    const path = args.session ?? DEFAULT_SESSION_PATH;
    await writeSessionFile(path, session);
    const who = session.user ? `${session.user.name} <${session.user.email}>` : (account?.email ?? 'unknown user');
    io.out(`logged in to ${target} as ${who}`);
    io.out(`token: ${tokenLifeText(session.token)}`);
    io.out(`cookies: ${Object.keys(session.cookies).join(', ') || '(none)'}`);
    io.out(`session saved to ${path} (mode 0600)`);
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
      .option('user', {
        type: 'string',
        describe: 'EMAIL:PASSWORD to fill in; else QWEN_PROBE_EMAIL/QWEN_PROBE_PASSWORD, else a prompt',
      })
      .option('headed', {
        type: 'boolean',
        default: false,
        describe: 'show the browser; without --user you log in by hand (captcha, 2FA)',
      })
      .option('session', {
        type: 'string',
        default: DEFAULT_SESSION_PATH,
        describe: 'session file to write (mode 0600)',
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
      .option('timeout', {
        type: 'number',
        default: 30,
        describe: 'seconds for page loads and for the login form to answer',
      })
      .option('login-timeout', {
        type: 'number',
        default: 300,
        describe: 'seconds to wait for a login by hand (--headed)',
      })
      .option('cdp-port', {
        type: 'number',
        describe: 'also expose the browser on a DevTools port (0: any), for tools and tests',
      })
      .example(
        '$0 login --target http://127.0.0.1:8787 --user demo@qwen-probe.test:demo-password',
        'log in to the simulator',
      )
      .example('$0 login --target https://chat.qwen.ai --headed', 'log in by hand in a browser window')
      .epilog(
        'Exit codes: 0 session saved, 1 login refused / target unreachable / timeout / no Chromium, 2 bad flags.',
      ) as unknown as Argv<LoginArgs>,
  handler: (args) => runCommand(() => login(args)),
};

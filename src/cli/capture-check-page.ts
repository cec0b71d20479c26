/**
 * `qwen-probe capture --check-page`: loads the target's login page and (with a session, or after
 * logging in with --user) its chat page, and prints which of the site profile's selectors match and
 * how many elements each. Exit 0 when every required selector matched, 3 when one matched nothing
 * (its line names the nearest candidates of the same role), 1 when the session is signed out.
 */
import { ProbeError } from '../exchange/errors.js';
import { closeQuietly, launchBrowser } from '../capture/browser-launch.js';
import { contextForSession, loginWithBrowser } from '../capture/browser-login.js';
import { checkPage, type PageCheck, type SelectorCheck } from '../capture/check-page.js';
import { loadSiteProfile } from '../capture/site-profiles.js';
import { sessionOrAccount, type CaptureArgs } from './capture-support.js';
import type { CommandIo } from './run-command.js';

/** The exit code of a check that found a required selector matching nothing. */
export const CHECK_PAGE_MISSING_EXIT = 3;

function checkLine(check: SelectorCheck): string[] {
  const status =
    check.status === 'matched' ? 'ok' : check.status === 'not-checked' ? '-' : check.required ? 'MISSING' : 'absent';
  const note = check.note ? `  (${check.note})` : '';
  const lines = [
    `  ${status.padEnd(8)} ${check.key.padEnd(17)} ${String(check.count).padStart(3)}  ${check.css}${note}`,
  ];
  if (check.status === 'missing') {
    const nearest = check.candidates.map((c) => `${c.css} (${c.count})`).join(', ');
    lines.push(`  ${''.padEnd(8)} ${''.padEnd(17)}      nearest: ${nearest || 'no element of the same role'}`);
  }
  return lines;
}

/** The report, one line each: grouped by where each selector was checked. */
export function formatPageCheck(result: PageCheck, target: string): string[] {
  const { profile } = result;
  const how = result.eraChosenBy === 'the page' ? 'the era the page fits best' : 'the chosen era';
  const lines = [`page check of ${target}: ${profile.name} ${profile.era} (${how})`];
  const groupOf = (check: SelectorCheck) => (check.status === 'not-checked' ? 'not checked' : check.place);
  const groups = [...new Set(result.checks.map(groupOf))].sort(
    (a, b) => Number(a === 'not checked') - Number(b === 'not checked'),
  );
  for (const group of groups) {
    lines.push(`${group}:`);
    for (const check of result.checks.filter((c) => groupOf(c) === group)) lines.push(...checkLine(check));
  }
  const checked = result.checks.filter((c) => c.status !== 'not-checked').length;
  lines.push(
    result.missing.length === 0
      ? `result: every required selector matched (${checked} checked)`
      : `result: ${result.missing.length} required selector${result.missing.length === 1 ? '' : 's'} match nothing: ` +
          `${result.missing.map((c) => c.key).join(', ')} (exit ${CHECK_PAGE_MISSING_EXIT})`,
  );
  return lines;
}

/** The `--check-page` body: returns 0 or 3; a signed-out session is E_UPSTREAM_AUTH. */
export async function checkPageCommand(args: CaptureArgs, target: string, io: CommandIo): Promise<number> {
  if (args.session && args.user) throw new ProbeError('E_USAGE', 'give only one of --session and --user');
  const profiles = await loadSiteProfile(target, { selectorsFile: args.selectors, era: args['site-era'] });
  const { session, account } = await sessionOrAccount(args, io);
  const { browser } = await launchBrowser({ headed: args.headed });
  try {
    let context;
    if (session) {
      context = await contextForSession(browser, session, profiles, { onWarning: (l) => io.err(`warning: ${l}`) });
    } else if (account) {
      ({ context } = await loginWithBrowser({
        target,
        browser,
        profile: profiles,
        account,
        timeoutMs: args.timeout,
      }));
    }
    const result = await checkPage({ browser, context, target, profiles, timeoutMs: args.timeout });
    for (const line of formatPageCheck(result, target)) io.out(line);
    if (context && !result.chatReached) {
      throw new ProbeError('E_UPSTREAM_AUTH', `the chat page was not checked: ${result.chatNote ?? 'signed out'}`, {
        hint: 'log in again with `qwen-probe login`, or check with --user',
      });
    }
    return result.missing.length > 0 ? CHECK_PAGE_MISSING_EXIT : 0;
  } finally {
    await closeQuietly(browser);
  }
}

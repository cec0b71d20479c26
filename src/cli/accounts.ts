/**
 * `qwen-probe accounts --serve URL`: what a running `serve` says about its accounts
 * (`GET /admin/accounts`): state, quota left, streams in flight and the last failure, one line
 * each, with what to do about an account that is out. `--json` prints the answer as it came.
 */
import type { Argv, CommandModule } from 'yargs';
import { ProbeError } from '../exchange/errors.js';
import { exitCodesText } from './exit-codes.js';
import type { AccountView, AccountsView } from '../proxy/index.js';
import { processIo, runCommand, type CommandIo } from './run-command.js';

export interface AccountsArgs {
  serve: string;
  'api-key'?: string;
  json: boolean;
}

function serveUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProbeError(
      'E_USAGE',
      `--serve takes the URL serve printed (http://127.0.0.1:3000), not ${JSON.stringify(text)}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ProbeError('E_USAGE', `--serve must be an http or https URL, not ${url.protocol}//`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '')}`;
}

/** `3h 59m`, `42 s`. */
export function formatWait(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** The quota column: the least left over the models, of its limit, and the tier. */
function quotaText(account: AccountView): string {
  const models = Object.entries(account.quota?.models ?? {});
  if (models.length === 0) return '-';
  const [model, least] = models.reduce((a, b) => (b[1].left < a[1].left ? b : a));
  const of = least.limit !== undefined ? `/${least.limit}` : '';
  return `${least.left}${of}${models.length > 1 ? ` (${model})` : ''}`;
}

function stateText(account: AccountView, now: number): string {
  if (!account.until) return account.state;
  return `${account.state} (back in ${formatWait(Date.parse(account.until) - now)})`;
}

/** The table `accounts` prints. */
export function renderAccounts(view: AccountsView, now: number): string[] {
  const rows = view.accounts.map((a) => [
    a.label,
    stateText(a, now),
    quotaText(a),
    String(a.inFlight),
    a.lastFailure ? `${a.lastFailure.kind} ${formatWait(now - Date.parse(a.lastFailure.at))} ago` : '-',
  ]);
  const head = ['ACCOUNT', 'STATE', 'QUOTA LEFT', 'IN FLIGHT', 'LAST FAILURE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(head), ...rows.map(line)];
  for (const a of view.accounts) {
    if (a.state === 'ready') continue;
    if (a.lastFailure) out.push(`${a.label}: ${a.lastFailure.message}`);
    if (a.hint) out.push(`${a.label}: hint: ${a.hint}`);
  }
  out.push(
    `${view.accounts.length} account${view.accounts.length === 1 ? '' : 's'}, ` +
      `${view.accounts.filter((a) => a.state === 'ready').length} ready; state in ${view.state}` +
      (view.state === 'redis' ? `, shared by ${view.instances} instance${view.instances === 1 ? '' : 's'}` : ''),
  );
  return out;
}

export async function runAccounts(args: AccountsArgs, io: CommandIo = processIo): Promise<number> {
  const base = serveUrl(args.serve);
  const key = args['api-key'] ?? process.env.QWEN_PROBE_API_KEY;
  let response: Response;
  try {
    response = await fetch(`${base}/admin/accounts`, {
      headers: { accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new ProbeError('E_UPSTREAM_UNREACHABLE', `cannot reach serve at ${base}: ${cause}`, {
      hint: 'is `qwen-probe serve` running there?',
    });
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 200);
    try {
      const body = JSON.parse(text) as { error?: { message?: string } };
      message = body.error?.message ?? message;
    } catch {
      // Not JSON: the start of the body says enough.
    }
    throw new ProbeError(
      response.status === 401 || response.status === 403 ? 'E_UPSTREAM_AUTH' : 'E_UPSTREAM_PROTOCOL',
      `serve answered HTTP ${response.status}: ${message}`,
      response.status === 401
        ? { hint: 'pass the key serve was started with: --api-key KEY or QWEN_PROBE_API_KEY' }
        : {},
    );
  }
  if (args.json) {
    io.out(text);
    return 0;
  }
  for (const line of renderAccounts(JSON.parse(text) as AccountsView, Date.now())) io.out(line);
  return 0;
}

export const accountsCommand: CommandModule<object, AccountsArgs> = {
  command: 'accounts',
  describe: 'show the accounts of a running serve: state, quota left, streams in flight, last failure',
  builder: (yargs: Argv<object>) =>
    yargs
      .option('serve', { type: 'string', demandOption: true, describe: 'the URL of a running qwen-probe serve' })
      .option('api-key', { type: 'string', describe: 'a key serve was started with (also QWEN_PROBE_API_KEY)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the /admin/accounts answer as JSON' })
      .example('$0 accounts --serve http://127.0.0.1:3000', 'one line per account')
      .epilog(exitCodesText('accounts')) as unknown as Argv<AccountsArgs>,
  handler: (args) => runCommand(() => runAccounts(args)),
};

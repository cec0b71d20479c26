/**
 * The table of bad inputs: every command, every flag that takes a value, and output paths that are
 * devices, directories, unwritable, through a file, or already there. Each row runs the CLI's own
 * entry (`runCli`, what `main.ts` runs) in this process, and must give exactly one `error [E_…]`
 * line (a `hint:` may follow), nothing on stdout, the exit code its `--help` documents for bad
 * input (2), and leave no output behind: no file created, no existing file touched. None of these
 * commands may start, listen, launch Chromium or send a request: the usage error comes first. The
 * rows the issue reported run once more as real processes of the built command line's source.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = join(ROOT, 'captures/samples/browser-simulator-redacted.har');
const SAMPLE_BAD = join(ROOT, 'captures/samples/seed-v4-simulator-redacted.har');
/** Nothing listens here: a row that wrongly got as far as sending would fail with exit 1, not 2. */
const NOWHERE = 'http://127.0.0.1:9';

let tmp = '';
const EXISTING = 'existing.har';
const EXISTING_TEXT = '{"not":"to be lost"}\n';

/** One row: the arguments (`$T` is the temp folder), and what the error line must say. */
type Row = readonly [args: string, line: RegExp];

const ROWS: readonly Row[] = [
  ['', /name a command/],
  ['bogus-command', /Unknown argument: bogus-command/],
  // investigate
  ['investigate --bogus', /Unknown argument: bogus/],
  ['investigate --budget 2', /--budget must be a whole number from 3/],
  ['investigate --budget abc', /--budget must be a whole number/],
  ['investigate --delay -1', /--delay "-1": give a duration/],
  ['investigate --delay 5parsecs', /--delay "5parsecs": give a duration/],
  ['investigate --shape seed-v9', /unknown shape "seed-v9"/],
  ['investigate --out /dev/full', /--out \/dev\/full is a device/],
  ['investigate --out $T/existing.har', /is not a regular file|is a regular file|give a folder/],
  ['investigate --out $T/full-folder', /--out \S+full-folder already exists/],
  ['investigate --prompt ""', /--prompt needs a value/],
  ['investigate --target http://127.0.0.1:9 --password-file $T/pw', /--password-file needs --user EMAIL/],
  [
    'investigate --target http://127.0.0.1:9 --session $T/s.json --headed',
    /give only one of --user, --session and --headed/,
  ],
  ['investigate --out $T/o --out $T/p', /--out was given 2 times/],
  // login
  ['login', /Missing required argument: target/],
  [`login --target ${NOWHERE} --timeout abc`, /--timeout "abc": give a duration/],
  [`login --target ${NOWHERE} --timeout -1`, /--timeout "-1": give a duration/],
  [`login --target ${NOWHERE} --login-timeout 0s`, /--login-timeout 0s: must be from 1ms/],
  [`login --target ${NOWHERE} --cdp-port -1`, /--cdp-port must be a whole number from 0 to 65535, got "-1"/],
  [`login --target ${NOWHERE} --cdp-port 70000`, /--cdp-port must be a whole number from 0 to 65535/],
  [`login --target ${NOWHERE} --session /dev/full`, /--session \/dev\/full is a device/],
  [`login --target ${NOWHERE} --session $T`, /is a directory/],
  [`login --target ${NOWHERE} --session /etc/hostname/session.json`, /is a file, not a folder|is not a folder/],
  [`login --target ${NOWHERE} --session /proc/qwen-probe/session.json`, /cannot write in \/proc/],
  [`login --target ${NOWHERE} --session $T/existing.har`, /already exists/],
  [
    `login --target ${NOWHERE} --session $T/new.json --user nobody@example.test`,
    /--user nobody@example.test needs a password/,
  ],
  [
    `login --target ${NOWHERE} --session $T/new.json --user a@example.test --password-file $T/missing`,
    /--password-file \S+missing: no such file/,
  ],
  [`login --target ${NOWHERE} --session $T/new.json --user not-an-email`, /give an e-mail address/],
  [`login --target ${NOWHERE} --site-era 2024`, /Invalid values: Argument: site-era/],
  // whoami
  [`whoami --target ${NOWHERE} --timeout abc`, /--timeout "abc": give a duration/],
  [`whoami --target ${NOWHERE} --session $T/missing.json`, /session file not found/],
  // capture
  [`capture --target ${NOWHERE} --prompt ""`, /--prompt needs a value/],
  [`capture --target ${NOWHERE} --prompt hi --timeout abc`, /--timeout "abc": give a duration/],
  [`capture --target ${NOWHERE} --prompt hi --answer-timeout -5s`, /Unknown arguments: 5, s/],
  [`capture --target ${NOWHERE} --prompt hi --cdp-port abc`, /--cdp-port must be a whole number/],
  [`capture --target ${NOWHERE} --prompt hi --out /dev/full`, /--out \/dev\/full is a device/],
  [`capture --target ${NOWHERE} --prompt hi --out $T`, /is a directory/],
  [`capture --target ${NOWHERE} --prompt hi --out $T/existing.har`, /already exists/],
  [`capture --target ${NOWHERE} --prompt hi --include */api/*`, /--include "\*\/api\/\*": expected a hostname/],
  [`capture --target ${NOWHERE} --prompt hi --exclude *`, /leave out \S+\/api\/v2\/chat\/completions/],
  [
    `capture --target ${NOWHERE} --prompt hi --redact --keep-secrets`,
    /--redact and --keep-secrets cannot be used together/,
  ],
  [`capture --target ${NOWHERE} --prompt hi --user nobody@example.test --out $T/c.har`, /needs a password/],
  [`capture --target ${NOWHERE}`, /give at least one --prompt/],
  [`capture --target ${NOWHERE} --site-era 2024`, /Invalid values: Argument: site-era/],
  [`capture --target ${NOWHERE} --check-page --prompt hi`, /--check-page and --prompt cannot be used together/],
  [`capture --target ${NOWHERE} --check-page --out $T/c.har`, /--check-page and --out cannot be used together/],
  [`capture --target ${NOWHERE} --check-page --timeout abc`, /--timeout "abc": give a duration/],
  [`capture --target ${NOWHERE} --check-page --user nobody@example.test`, /needs a password/],
  // intercept
  ['intercept --port abc', /--port must be a whole number from 0 to 65535, got "abc"/],
  ['intercept --port -1', /--port must be a whole number from 0 to 65535, got "-1"/],
  ['intercept --port 70000', /--port must be a whole number/],
  ['intercept --workers 0', /--workers must be auto or a whole number/],
  ['intercept --port 0 --host 0.0.0.0', /refusing to listen on 0.0.0.0 without --allow-remote/],
  ['intercept --port 0 --proxy-auth nocolon', /--proxy-auth takes USER:PASS/],
  ['intercept --port 0 --out /dev/full', /--out \/dev\/full is a device/],
  ['intercept --port 0 --out $T', /is a directory/],
  ['intercept --port 0 --out $T/existing.har', /already exists/],
  ['intercept --port 0 --include */api --out $T/i.har', /expected a hostname/],
  ['intercept --port 0 --map nonsense --out $T/i.har', /--map/],
  // generate
  ['generate --shape seed-v9 --out $T/g.har', /unknown shape "seed-v9"/],
  ['generate --shape web --timeout abc --out $T/g.har', /--timeout "abc": give a duration/],
  ['generate --shape web --era nope --out $T/g.har', /unknown era "nope"/],
  ['generate --shape web --out /dev/full', /--out \/dev\/full is a device/],
  ['generate --shape web --out $T', /is a directory/],
  ['generate --shape web --out $T/existing.har', /already exists/],
  ['generate --shape web --send --redcat --out $T/g.har', /Unknown argument: redcat/],
  ['generate --shape web --user a@example.test:pw --out $T/g.har', /--user signs in over the network/],
  ['generate --shape web --send --token x --out $T/g.har', /--send needs --target/],
  ['generate --shape web --out $T/g.har --out $T/h.har', /--out was given 2 times/],
  // diff
  [`diff ${SAMPLE} ${SAMPLE_BAD} --bogus`, /Unknown argument: bogus/],
  [`diff ${SAMPLE} $T/missing.har`, /BAD \(\S+missing.har\): no such file/],
  // A folder with one .har stands for it (Playwright's attach folder); $T holds one that is no capture.
  [`diff ${SAMPLE} $T`, /BAD \(\S+\)( is a directory|: not HAR, mitmproxy flows or curl)/],
  [`diff ${SAMPLE} ${SAMPLE_BAD} --format pdf`, /Invalid values: Argument: format, Given: "pdf"/],
  [`diff ${SAMPLE} ${SAMPLE_BAD} --out /dev/full --format md`, /--out \/dev\/full is a device/],
  [`diff ${SAMPLE} ${SAMPLE_BAD} --out $T --format md`, /is a directory/],
  [`diff ${SAMPLE} ${SAMPLE_BAD} --out $T/existing.har --format json`, /already exists/],
  [`diff ${SAMPLE} ${SAMPLE_BAD} --out /proc/qwen-probe/d.md`, /cannot write in \/proc/],
  [`diff ${SAMPLE} ${SAMPLE_BAD} --endpoint bogus`, /--endpoint bogus: neither input has it/],
  ['diff - -', /only one of GOOD and BAD can be -/],
  // bisect
  [
    `bisect --good ${SAMPLE} --bad ${SAMPLE_BAD} --target ${NOWHERE} --budget 2`,
    /--budget must be a whole number from 3/,
  ],
  [`bisect --good ${SAMPLE} --bad ${SAMPLE_BAD} --target ${NOWHERE} --budget abc`, /--budget must be a whole number/],
  [`bisect --good ${SAMPLE} --bad ${SAMPLE_BAD} --target ${NOWHERE} --delay abc`, /--delay "abc": give a duration/],
  [
    `bisect --good ${SAMPLE} --bad ${SAMPLE_BAD} --target ${NOWHERE} --out $T/b.html`,
    /bisect writes .json, .md or .txt/,
  ],
  [`bisect --good ${SAMPLE} --bad ${SAMPLE_BAD} --target ${NOWHERE} --out $T/existing.har.json`, /already exists/],
  [
    `bisect --good ${SAMPLE} --bad ${SAMPLE_BAD} --target ${NOWHERE} --out /proc/qwen-probe/b.json`,
    /cannot write in \/proc/,
  ],
  [`bisect --good $T/missing.har --bad ${SAMPLE_BAD} --target ${NOWHERE}`, /GOOD \(\S+\): no such file/],
  [
    `bisect --good ${SAMPLE} --bad ${SAMPLE_BAD} --target ${NOWHERE} --endpoint bogus`,
    /--endpoint bogus: neither input has it/,
  ],
  // replay
  [`replay ${SAMPLE} --target ${NOWHERE} --entry 0`, /--entry must be a whole number from 1/],
  [`replay ${SAMPLE} --target ${NOWHERE} --entry abc`, /--entry must be a whole number/],
  [`replay ${SAMPLE} --target ${NOWHERE} --entry 99 --token x`, /--entry 99: the capture holds entries 1 to \d+/],
  [
    `replay ${SAMPLE} --target ${NOWHERE} --entry 1 --endpoint chats.new`,
    /--entry and --endpoint cannot be used together/,
  ],
  [`replay ${SAMPLE} --target ${NOWHERE} --set header:=x`, /--set "header:=x": name the field/],
  [`replay ${SAMPLE} --target ${NOWHERE} --set headr:x=1`, /unknown location "headr"/],
  [`replay ${SAMPLE} --target ${NOWHERE} --json --curl`, /--json and --curl cannot be used together/],
  [`replay ${SAMPLE} --target ${NOWHERE} --timeout abc`, /--timeout "abc": give a duration/],
  [`replay ${SAMPLE} --target ${NOWHERE} --out /dev/full`, /--out \/dev\/full is a device/],
  [`replay ${SAMPLE} --target ${NOWHERE} --out $T/existing.har`, /already exists/],
  [`replay ${SAMPLE} --target ${NOWHERE} --prompt ""`, /--prompt needs a value/],
  [`replay $T/missing.har --target ${NOWHERE}`, /missing.har/],
  // serve
  [`serve --target ${NOWHERE} --token x --port abc`, /--port must be a whole number from 0 to 65535, got "abc"/],
  [`serve --target ${NOWHERE} --token x --port 0 --idle-timeout 5`, /--idle-timeout 5: must be from 100ms/],
  [`serve --target ${NOWHERE} --token x --port 0 --models-ttl abc`, /--models-ttl "abc": give a duration/],
  [`serve --target ${NOWHERE} --token x --port 0 --cors-origin evil`, /--cors-origin "evil": give an origin/],
  [`serve --target ${NOWHERE} --token x --port 0 --host 0.0.0.0`, /refusing to listen on 0.0.0.0 without --api-key/],
  [`serve --target ${NOWHERE} --token x --port 0 --record /dev/full`, /--record \/dev\/full is a device/],
  [`serve --target ${NOWHERE} --token x --port 0 --record $T/existing.har`, /already exists/],
  [`serve --target ${NOWHERE} --token x --port 0 --shape nope`, /unknown shape "nope"/],
  [`serve --target ${NOWHERE} --port 0 --password-file $T/pw`, /--password-file goes with exactly one --user/],
  // simulate
  // accounts
  ['accounts', /Missing required argument: serve/],
  ['accounts --serve ftp://x', /--serve must be an http or https URL/],
  // watch
  ['watch --target http://127.0.0.1:9 --every nope', /--every "nope": give a duration with a unit/],
  ['watch --target http://127.0.0.1:9 --bogus', /Unknown argument: bogus/],
  ['simulate --port abc', /--port must be a whole number from 0 to 65535, got "abc"/],
  ['simulate --port 0 --latency -1', /--latency "-1": give a duration/],
  ['simulate --port 0 --chunk-interval abc', /--chunk-interval "abc": give a duration/],
  ['simulate --port 0 --profile nope', /unknown profile "nope"/],
  ['simulate --port 0 --fault bogus', /fault/],
  ['simulate --port 0 --user bad', /bad --user/],
  ['simulate --bogus-flag 3', /Unknown argument/],
  // learn, lint
  [`learn ${SAMPLE} --out /dev/full`, /--out \/dev\/full is a device/],
  [`learn ${SAMPLE} --out $T/existing.har`, /give a folder/],
  [`learn ${SAMPLE}`, /Missing required argument: out/],
  [`lint ${SAMPLE_BAD} --against ${SAMPLE} --out /dev/full --format md`, /--out \/dev\/full is a device/],
  [`lint ${SAMPLE_BAD} --against ${SAMPLE} --out $T/existing.har --format json`, /already exists/],
  [`learn ${SAMPLE} --out /proc/qwen-probe/p`, /cannot write in \/proc/],
  [`learn $T/missing.har --out $T/p`, /missing.har: no such file/],
  [`learn ${SAMPLE} --out $T/p --bogus`, /Unknown argument: bogus/],
  [`lint ${SAMPLE_BAD} --against ${SAMPLE} --format pdf`, /Invalid values: Argument: format/],
  [`lint ${SAMPLE_BAD} --against ${SAMPLE} --out $T/l.html`, /lint writes .txt, .md or .json/],
  [`lint ${SAMPLE_BAD} --against ${SAMPLE} --out $T --format md`, /is a directory/],
  [`lint ${SAMPLE_BAD} --against $T/missing`, /--against \S+missing: no such file or folder/],
  [`lint ${SAMPLE_BAD} --against ${SAMPLE} --out $T/l.md --out $T/m.md`, /--out was given 2 times/],
  // - (standard input) where nothing reads it
  [`replay - --target ${NOWHERE} --token x`, /- \(standard input\) given for capture: give a file/],
  [`bisect --good - --bad ${SAMPLE_BAD} --target ${NOWHERE}`, /- \(standard input\) given for good/],
  [`learn - --out $T/p`, /- \(standard input\) given for captures/],
  [`lint ${SAMPLE_BAD} --against -`, /- \(standard input\) given for against/],
  ['generate --shape web --out -', /- \(standard input\) given for out/],
  [`capture --target ${NOWHERE} --prompt -`, /- \(standard input\) given for prompt/],
  // demo
  ['demo --out /dev/full', /--out \/dev\/full is a device/],
  ['demo --out $T/existing.har', /give a folder/],
  ['demo --out $T/full-folder', /already exists/],
  ['demo --prompt ""', /--prompt needs a value/],
];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Splits a row's arguments like a shell would for these simple rows ("" is an empty argument). */
function argvOf(args: string): string[] {
  return (args.match(/""|\S+/g) ?? []).map((a) => (a === '""' ? '' : a.replaceAll('$T', tmp)));
}

/** Runs the command line in this process, collecting what it writes and the exit code it sets. */
async function runInProcess(argv: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const write = { out: process.stdout.write, err: process.stderr.write };
  const collect = (add: (text: string) => void) =>
    ((chunk: string | Uint8Array) => {
      add(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = collect((t) => (stdout += t));
  process.stderr.write = collect((t) => (stderr += t));
  process.exitCode = undefined;
  try {
    let timer: NodeJS.Timeout | undefined;
    // A row that starts a server or a browser instead of stopping never ends on its own.
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`qwen-probe ${argv.join(' ')} did not stop`)), 30_000);
    });
    await Promise.race([runCli(argv), stuck]).finally(() => clearTimeout(timer));
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
  const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

/** Runs the command line from source in a child process, as a user does. */
function runProcess(argv: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...argv], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', QWEN_PROBE_EMAIL: '', QWEN_PROBE_PASSWORD: '', QWEN_PROBE_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The row's checks: one error line, the documented exit code, nothing on stdout. */
function expectRefused(args: string, line: RegExp, result: Run): void {
  const command = args.split(' ')[0] ?? '';
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => l.startsWith('error ['));
  expect({ code: result.code, stdout: result.stdout }, result.stderr).toEqual({ code: 2, stdout: '' });
  expect(errors, result.stderr).toHaveLength(1);
  expect(errors[0]).toMatch(/^error \[E_(USAGE|INPUT|CAPTURE|CAPTURE_FORMAT)\]: /);
  expect(errors[0]).toMatch(line);
  // Besides the error: at most a hint (and its continuation lines), and a note for a plain-number duration.
  expect(lines.filter((l) => !l.startsWith('error [') && !/^(hint|note): /.test(l) && !/^ {6}/.test(l))).toEqual([]);
  if (command in EXIT_CODES) expect(EXIT_CODES[command]!.map(([code]) => code)).toContain(2);
}

/** Every file under `dir` with its size, for "nothing was written". */
async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    out.push(`${path.slice(dir.length)} ${entry.isFile() ? (await stat(path)).size : 'dir'}`);
  }
  return out.sort();
}

let before: { tmp: string[]; captures: string[]; reports: string[] };

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qp-bad-input-'));
  await writeFile(join(tmp, EXISTING), EXISTING_TEXT);
  await writeFile(join(tmp, `${EXISTING}.json`), EXISTING_TEXT);
  await writeFile(join(tmp, 'pw'), 'secret\n');
  await mkdir(join(tmp, 'full-folder'));
  await writeFile(join(tmp, 'full-folder', 'keep.txt'), 'keep');
  await mkdir(join(ROOT, 'captures'), { recursive: true });
  await mkdir(join(ROOT, 'reports'), { recursive: true });
  before = {
    tmp: await listing(tmp),
    captures: await listing(join(ROOT, 'captures')),
    reports: await listing(join(ROOT, 'reports')),
  };
});

afterAll(async () => {
  // No partial output anywhere: not in the temp folder, not in the default captures/ and reports/.
  if (!tmp) return;
  expect(await listing(tmp)).toEqual(before.tmp);
  expect(await readFile(join(tmp, EXISTING), 'utf8')).toBe(EXISTING_TEXT);
  expect(await listing(join(ROOT, 'captures'))).toEqual(before.captures);
  expect(await listing(join(ROOT, 'reports'))).toEqual(before.reports);
});

describe('every command refuses bad input with one line and exit 2, writing nothing', () => {
  beforeAll(() => {
    vi.stubEnv('QWEN_PROBE_EMAIL', '');
    vi.stubEnv('QWEN_PROBE_PASSWORD', '');
    vi.stubEnv('QWEN_PROBE_API_KEY', '');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('covers every command', () => {
    const commands = new Set(ROWS.map(([args]) => args.split(' ')[0]).filter((c) => c !== '' && c !== 'bogus-command'));
    expect([...commands].sort()).toEqual(Object.keys(EXIT_CODES).sort());
  });

  it.each(ROWS)('qwen-probe %s', async (args, line) => {
    expectRefused(args, line, await runInProcess(argvOf(args)));
  });
});

/** The rows the issue found running anyway (exit 0, a listening server, an unredacted JWT on disk). */
const AS_PROCESSES: readonly Row[] = [
  [`diff ${SAMPLE} ${SAMPLE_BAD} --bogus`, /Unknown argument: bogus/],
  ['simulate --bogus-flag 3', /Unknown argument/],
  ['intercept --port abc', /--port must be a whole number/],
  ['generate --shape web --send --redcat --out $T/g.har', /Unknown argument: redcat/],
];

describe.concurrent('the same as real processes', () => {
  it.each(AS_PROCESSES)('qwen-probe %s', async (args, line) => {
    expectRefused(args, line, await runProcess(argvOf(args)));
  });
});

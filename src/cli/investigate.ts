/**
 * `qwen-probe investigate`: the main job, end to end. Log in with the browser, capture a chat,
 * generate (or load) the library's requests and record their failure, diff, bisect, replay the
 * repaired request, and write the story to reports/investigation-<time>/. Without --target it starts
 * the bundled simulator (profile qwen-2025-10) and uses its demo account: nothing to configure.
 *
 * Exit codes: 0 culprits found and the repaired request works; 1 not solved (each step says why);
 * 2 bad input; 130 Ctrl-C (the report holds what was learned).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { Exchange } from '../exchange/exchange.js';
import { ProbeError } from '../exchange/errors.js';
import { openCaptureWriter } from '../exchange/capture-writer.js';
import { readCapture } from '../exchange/capture-reader.js';
import { sendFresh } from '../client/probe-request.js';
import { runShapeTurn } from '../client/run-shape.js';
import { normaliseTarget } from '../client/target.js';
import { SHAPE_NAMES, SHAPES, isShapeName, systemIdClock } from '../upstream/shapes.js';
import { judgeQwenResponse } from '../upstream/stream-reader.js';
import { explainFailure, failureName } from '../upstream/upstream-failure.js';
import { repairedRequest } from '../bisect/bisect-captures.js';
import { DEFAULT_BUDGET } from '../bisect/bisect-requests.js';
import { curlScript } from '../replay/curl-export.js';
import { renderDiffJson } from '../report/diff-json.js';
import { renderBisectJson, toBisectJson } from '../report/bisect-json.js';
import { culpritLine } from '../report/bisect-text.js';
import { renderInvestigationMarkdown } from '../report/investigation-markdown.js';
import { renderInvestigationHtml } from '../report/investigation-html.js';
import type { InvestigationReport } from '../report/investigation-model.js';
import { startSimulator, type RunningSimulator } from '../simulator/index.js';
import { planCaptures } from '../bisect/bisect-captures.js';
import { runBisectPlan } from '../bisect/run-bisect-plan.js';
import { bisectProgressPrinter } from './bisect.js';
import { closeQuietly, launchBrowser } from '../capture/browser-launch.js';
import { contextForSession, loginWithBrowser } from '../capture/browser-login.js';
import { startBrowserRecorder } from '../capture/browser-recorder.js';
import { captureChat } from '../capture/capture-chat.js';
import { applyNetLogHeaderOrder } from '../capture/net-log.js';
import { loadSiteProfile } from '../capture/site-profiles.js';
import { readSessionFile } from '../client/session-file.js';
import { goodFailsHint } from '../bisect/explain-bisect.js';
import type { InvestigationStep } from '../report/investigation-model.js';
import { resolveAccount } from './browser-account.js';
import { timestampForFile } from './file-names.js';
import { interruptSignal, processIo, runCommand, type CommandIo } from './run-command.js';

/** The flags of `investigate`, after yargs. */
export interface InvestigateArgs {
  readonly target?: string;
  readonly user?: string;
  readonly session?: string;
  readonly headed?: boolean;
  readonly shape?: string;
  readonly 'library-capture'?: string;
  readonly prompt?: string;
  readonly out?: string;
  readonly budget?: number;
  readonly delay?: number;
  readonly json?: boolean;
}

/** Numbered progress lines, one step at a time, and the steps as the report lists them. */
class InvestigationLog {
  readonly steps: InvestigationStep[] = [];
  /** `toStderr`: step lines go to stderr, so that `--json` leaves stdout to the JSON alone. */
  constructor(
    private readonly io: CommandIo,
    private readonly toStderr = false,
  ) {}

  record(name: string, status: InvestigationStep['status'], detail: string, ms: number): void {
    this.steps.push({ name, status, detail, ms });
    const line =
      `[${this.steps.length}] ${name}: ` +
      `${status === 'done' ? '' : `${status}: `}${detail}${ms > 0 ? ` (${(ms / 1000).toFixed(1)} s)` : ''}`;
    if (this.toStderr) this.io.err(line);
    else this.io.out(line);
  }

  /** A line of detail under the current step. */
  note(line: string): void {
    this.io.err(`    ${line}`);
  }

  skip(name: string, why: string): void {
    this.record(name, 'skipped', why, 0);
  }

  /** Runs one step; a step that throws is recorded as failed, then the error goes on. */
  async step<T>(name: string, work: () => Promise<{ value: T; detail: string; failed?: boolean }>): Promise<T> {
    this.io.err(`… ${name}`);
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    try {
      const { value, detail, failed } = await work();
      this.record(name, failed ? 'failed' : 'done', detail, ms());
      return value;
    } catch (error) {
      this.record(name, 'failed', error instanceof Error ? error.message : String(error), ms());
      throw error;
    }
  }
}

/** What the browser phase hands on: its recording, the session it logged in with, and its answer. */
interface BrowserChat {
  readonly exchanges: readonly Exchange[];
  readonly token: string;
  readonly cookies: Readonly<Record<string, string>>;
  readonly answer?: string;
}

/** Logs in with Chromium (form, session file, or by hand) and records one chat turn. */
async function browserChat(options: {
  target: string;
  prompt: string;
  log: InvestigationLog;
  user?: string;
  session?: string;
  headed: boolean;
  signal?: AbortSignal;
}): Promise<BrowserChat> {
  const profile = await loadSiteProfile(options.target);
  // The NetLog gives the request headers' wire order (CDP sorts them); it holds secrets, so it is private and removed.
  const netLogDir = await mkdtemp(join(tmpdir(), 'qwen-probe-netlog-'));
  const netLogPath = join(netLogDir, 'netlog.json');
  const { browser } = await launchBrowser({ headed: options.headed, netLogPath }).catch(async (error: unknown) => {
    await rm(netLogDir, { recursive: true, force: true });
    throw error;
  });
  try {
    const login = await options.log.step('log in with the browser', async () => {
      if (options.session) {
        const session = await readSessionFile(options.session);
        const context = await contextForSession(browser, session, profile);
        return {
          value: { context, page: await context.newPage(), session },
          detail: `session from ${options.session}`,
        };
      }
      const account = await resolveAccount(options.user, { prompt: false });
      if (!account && !options.headed)
        throw new ProbeError(
          'E_USAGE',
          'investigate --target needs --user EMAIL:PASSWORD, --session FILE or --headed',
          { hint: 'or set QWEN_PROBE_EMAIL and QWEN_PROBE_PASSWORD' },
        );
      const result = await loginWithBrowser({
        target: options.target,
        browser,
        profile,
        ...(account ? { account } : {}),
        onStatus: (line) => options.log.note(line),
      });
      return {
        value: result,
        detail: `logged in as ${result.session.user?.email ?? account?.email ?? 'the account in the window'}`,
      };
    });
    const recorder = await startBrowserRecorder(login.context, { origin: options.target });
    const turns = await options.log.step('capture a chat in the browser', async () => {
      let done: Awaited<ReturnType<typeof captureChat>>;
      try {
        done = await captureChat({
          page: login.page,
          target: options.target,
          profile,
          recorder,
          prompts: [options.prompt],
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } finally {
        await recorder.stop();
      }
      const turn = done[0];
      if (options.signal?.aborted)
        throw new ProbeError('E_INTERRUPTED', "interrupted during the browser's chat; nothing was bisected yet");
      if (turn?.outcome !== 'answered') {
        throw new ProbeError(
          'E_UPSTREAM_PROTOCOL',
          `the browser's own chat did not work: ${turn?.reason ?? 'no turn was recorded'}`,
          { hint: goodFailsHint(turn?.authFailure ? 'auth' : undefined) },
        );
      }
      return {
        value: done,
        detail: `answered in ${(turn.ms / 1000).toFixed(1)} s, ${recorder.exchanges.length} exchanges recorded`,
      };
    });
    const exchanges = await recorder.stop();
    await closeQuietly(browser); // completes the NetLog
    return {
      exchanges: await applyNetLogHeaderOrder(exchanges, netLogPath),
      token: login.session.token,
      cookies: login.session.cookies,
      ...(turns[0]?.answer !== undefined ? { answer: turns[0].answer } : {}),
    };
  } finally {
    await closeQuietly(browser);
    await rm(netLogDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Writes exchanges as a redacted (shareable) capture: the report folder may be attached to an issue. */
async function writeCapture(path: string, exchanges: readonly Exchange[], comment: string): Promise<void> {
  const writer = await openCaptureWriter(path, { redacted: true, overwrite: true, comment });
  try {
    for (const exchange of exchanges) await writer.append(exchange);
  } finally {
    await writer.close();
  }
}

function completionOf(exchanges: readonly Exchange[]): Exchange | undefined {
  return [...exchanges].reverse().find((e) => (e.endpoint ?? '').startsWith('chat.completions'));
}

/** The command body; returns the exit code. */
export async function investigate(
  args: InvestigateArgs,
  io: CommandIo = processIo,
  signal?: AbortSignal,
): Promise<number> {
  const shapeName = args.shape ?? 'seed-v4';
  if (args['library-capture'] === undefined && !isShapeName(shapeName))
    throw new ProbeError(
      'E_USAGE',
      `unknown shape ${JSON.stringify(shapeName)}; valid shapes: ${SHAPE_NAMES.join(', ')}`,
    );
  if ([args.user, args.session, args.headed ? 'headed' : undefined].filter(Boolean).length > 1)
    throw new ProbeError('E_USAGE', 'give only one of --user, --session and --headed');
  if (args.target === undefined && (args.session || args.headed))
    throw new ProbeError(
      'E_USAGE',
      '--session and --headed need --target; without it the bundled simulator and its demo account are used',
    );
  const prompt = args.prompt ?? 'Hello!';
  const started = new Date();
  const dir = args.out ?? join('reports', `investigation-${timestampForFile(started)}`);
  await mkdir(dir, { recursive: true });
  const log = new InvestigationLog(io, args.json === true);
  const files: InvestigationReport['files'][number][] = [];
  let sim: RunningSimulator | undefined;
  let report: InvestigationReport | undefined;
  try {
    if (args.target === undefined) {
      sim = await log.step('start the bundled simulator', async () => {
        const s = await startSimulator({ port: 0, profile: 'qwen-2025-10' });
        return { value: s, detail: `${s.url}, profile ${s.profile.name}, demo account ${s.demoUser.email}` };
      });
    }
    const target = normaliseTarget(args.target ?? sim!.url);
    const account = sim ? `${sim.demoUser.email}:${sim.demoUser.password}` : args.user;
    const chat = await browserChat({
      target,
      prompt,
      log,
      ...(account ? { user: account } : {}),
      ...(args.session ? { session: args.session } : {}),
      headed: args.headed === true,
      ...(signal ? { signal } : {}),
    });
    await writeCapture(
      join(dir, 'browser.har'),
      chat.exchanges,
      `qwen-probe investigate: the browser's chat with ${target}`,
    );
    files.push({ name: 'browser.har', description: "the browser's working chat (redacted HAR)" });

    let library: readonly Exchange[];
    let libraryName: string;
    if (args['library-capture'] !== undefined) {
      libraryName = args['library-capture'];
      library = await log.step("load the library's requests", async () => {
        const capture = await readCapture(args['library-capture']!);
        return {
          value: capture.exchanges,
          detail: `${capture.exchanges.length} exchanges from ${args['library-capture']}`,
        };
      });
      log.skip('send them and record the failure', "the capture already holds the library's responses");
    } else {
      libraryName = shapeName;
      const shape = SHAPES[shapeName as keyof typeof SHAPES];
      log.record("generate the library's requests", 'done', `${shape.name}: ${shape.summary}`, 0);
      library = await log.step('send them and record the failure', async () => {
        const turn = await runShapeTurn(
          shape,
          { baseUrl: target, token: chat.token, cookies: chat.cookies, prompt, idClock: systemIdClock },
          {},
        );
        return {
          value: turn.exchanges,
          detail: turn.result.ok
            ? "the library's request worked"
            : `failed: ${turn.result.failure ? failureName(turn.result.failure) : 'no answer'}`,
        };
      });
    }
    await writeCapture(
      join(dir, 'library.har'),
      library,
      `qwen-probe investigate: the library's requests (${libraryName})`,
    );
    files.push({
      name: 'library.har',
      description: `the library's requests (${libraryName}) and their answers (redacted HAR)`,
    });
    const failed = completionOf(library);
    const verdict = failed ? judgeQwenResponse(failed.response, failed.error) : undefined;
    const libraryFailure = verdict
      ? {
          ...(failed?.response ? { status: failed.response.status } : {}),
          name: verdict.ok ? 'works' : verdict.failure ? failureName(verdict.failure) : 'no answer',
          explanation: verdict.ok
            ? 'It streamed an answer.'
            : verdict.failure
              ? explainFailure(verdict.failure)
              : 'The stream carried no answer text.',
        }
      : undefined;

    const { diff, plan } = await log.step('diff', async () => {
      const planned = planCaptures(chat.exchanges, library);
      return {
        value: planned,
        detail:
          `${planned.diff.explanation} Bisecting ${planned.plan.pair.key}: ${planned.plan.changes.length} ` +
          `differences.`,
      };
    });
    const result = await log.step('bisect', async () => {
      const out = await runBisectPlan(plan, [...chat.exchanges, ...library], {
        target,
        credentials: chat,
        budget: args.budget ?? DEFAULT_BUDGET,
        delayMs: args.delay ?? 0,
        ...(signal ? { signal } : {}),
        onProgress: bisectProgressPrinter((line) => io.err(`    ${line}`)),
      });
      return { value: out, detail: out.explanation, failed: out.verdict !== 'found' };
    });
    await writeFile(join(dir, 'diff.json'), renderDiffJson(diff));
    await writeFile(
      join(dir, 'bisect.json'),
      renderBisectJson(result, { ...(plan.endpoint !== undefined ? { endpoint: plan.endpoint } : {}) }),
    );
    files.push(
      { name: 'diff.json', description: 'every difference between the two requests, ranked and explained' },
      { name: 'bisect.json', description: 'the bisect: verdict, culprits, required fields, every probe' },
    );

    let repaired: InvestigationReport['repaired'];
    if (result.verdict === 'found' && !signal?.aborted) {
      repaired = await log.step('replay the repaired request', async () => {
        const chatRequest = [...chat.exchanges, ...library].find((e) => e.endpoint === 'chats.new')?.request;
        const fresh = await sendFresh(repairedRequest(plan, result.culprits), plan.endpoint, {
          target,
          token: chat.token,
          cookies: chat.cookies,
          ...(chatRequest ? { chatRequest } : {}),
          ...(signal ? { signal } : {}),
        });
        await writeCapture(
          join(dir, 'repaired.har'),
          fresh.exchanges,
          'qwen-probe investigate: the repaired request, sent once more',
        );
        files.push({
          name: 'repaired.har',
          description: 'the repaired request as sent, and its answer (redacted HAR)',
        });
        const sent = fresh.exchanges.at(-1)!;
        const created = fresh.exchanges.length > 1 ? fresh.exchanges[0] : undefined;
        const curl = curlScript(sent.request, {
          token: chat.token,
          ...(created && fresh.chatId ? { chatRequest: created.request, chatId: fresh.chatId } : {}),
        });
        const value = {
          outcome: fresh.outcome,
          ...(fresh.failure ? { failure: fresh.failure } : {}),
          explanation: fresh.explanation,
          ...(sent.response ? { status: sent.response.status } : {}),
          answer: fresh.result?.answer ?? '',
          ...(fresh.result?.reasoning ? { reasoning: fresh.result.reasoning } : {}),
          curl,
        };
        return {
          value,
          detail:
            fresh.outcome === 'works'
              ? `works: ${JSON.stringify((fresh.result?.answer ?? '').slice(0, 60))}`
              : `${fresh.outcome}: ${fresh.failure ?? ''}`,
          failed: fresh.outcome !== 'works',
        };
      });
    } else
      log.skip(
        'replay the repaired request',
        result.verdict === 'found' ? 'interrupted' : `no culprits to apply (${result.verdict})`,
      );

    const solved = result.verdict === 'found' && repaired?.outcome === 'works';
    const summary = solved
      ? `${result.explanation} The repaired request streamed an answer.`
      : result.verdict === 'found'
        ? `${result.explanation} Yet the repaired request did not work when sent again: ` +
          `${repaired?.explanation ?? 'it was not sent'}`
        : result.explanation;
    files.push(
      { name: 'report.md', description: 'this story in Markdown' },
      { name: 'report.html', description: 'this story as one self-contained page' },
    );
    report = {
      startedAt: started.toISOString(),
      target,
      ...(sim ? { simulatorProfile: sim.profile.name } : {}),
      library: libraryName,
      prompt,
      steps: log.steps,
      ...(chat.answer !== undefined ? { browserAnswer: chat.answer } : {}),
      ...(libraryFailure ? { libraryFailure } : {}),
      diff,
      bisectedPair: plan.pair.key,
      bisect: result,
      ...(repaired ? { repaired } : {}),
      files,
      solved,
      summary,
    };
    await writeFile(join(dir, 'report.md'), renderInvestigationMarkdown(report));
    await writeFile(join(dir, 'report.html'), renderInvestigationHtml(report));
  } finally {
    await sim?.close();
  }
  const bisectJson = toBisectJson(report.bisect!);
  if (args.json) {
    io.out(
      JSON.stringify(
        {
          solved: report.solved,
          summary: report.summary,
          verdict: bisectJson.verdict,
          culprits: bisectJson.culprits,
          transitions: bisectJson.transitions,
          probes: bisectJson.probes,
          repaired: report.repaired?.outcome,
          report: join(dir, 'report.html'),
          steps: report.steps,
        },
        null,
        2,
      ),
    );
  } else {
    io.out('');
    io.out(report.summary);
    for (const c of report.bisect!.culprits) io.out(`  ${culpritLine(c)}`);
    if (report.repaired?.outcome === 'works') io.out(`answer: ${JSON.stringify(report.repaired.answer.slice(0, 100))}`);
    io.out(`report: ${join(dir, 'report.html')} (also report.md, diff.json, bisect.json and the captures)`);
  }
  if (signal?.aborted) throw new ProbeError('E_INTERRUPTED', `interrupted; what was learned is in ${dir}`);
  return report.solved ? 0 : 1;
}

export const investigateCommand: CommandModule<object, InvestigateArgs> = {
  command: 'investigate',
  describe:
    "the whole investigation: browser capture, the library's failing request, diff, bisect, repaired replay, report",
  builder: (yargs: Argv<object>) =>
    yargs
      .option('target', {
        type: 'string',
        describe:
          'site to investigate; default: start the bundled simulator (profile qwen-2025-10) with its demo account',
      })
      .option('user', {
        type: 'string',
        describe: 'EMAIL:PASSWORD for the browser login (else QWEN_PROBE_EMAIL/QWEN_PROBE_PASSWORD)',
      })
      .option('session', { type: 'string', describe: 'session file saved by `qwen-probe login`' })
      .option('headed', { type: 'boolean', default: false, describe: 'show the browser and log in by hand' })
      .option('shape', {
        type: 'string',
        describe: `the library's request shape (default seed-v4): ${SHAPE_NAMES.join(', ')}`,
      })
      .option('library-capture', {
        type: 'string',
        describe: "a capture of the library's failing requests, instead of --shape",
      })
      .option('prompt', { type: 'string', describe: 'the user message (default "Hello!")' })
      .option('out', { type: 'string', describe: 'report folder (default reports/investigation-<time>/)' })
      .option('budget', { type: 'number', default: DEFAULT_BUDGET, describe: 'most bisect probes' })
      .option('delay', {
        type: 'number',
        default: 0,
        describe: 'milliseconds between bisect probes (be gentle with a live service)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the outcome as JSON' })
      .example('$0 investigate', 'the whole story against the bundled simulator: nothing to configure')
      .example(
        '$0 investigate --target https://chat.qwen.ai --session session.json --shape seed-v3 --delay 2000',
        'against the real site, gently',
      )
      .epilog(
        'Exit codes: 0 culprits found and the repaired request works, 1 not solved, 2 bad input, 130 Ctrl-C (the ' +
          'report keeps what was learned).',
      ) as unknown as Argv<InvestigateArgs>,
  handler: (args) =>
    runCommand(async () => {
      const stop = interruptSignal('stopping: writing the report with what was learned (Ctrl-C again to quit at once)');
      try {
        return await investigate(args, processIo, stop.signal);
      } finally {
        stop.dispose();
      }
    }),
};

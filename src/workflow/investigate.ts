/**
 * The investigation, end to end, as a library function: start the bundled simulator when no target is
 * given, log in with the browser and capture a chat, get the library's failing requests, diff, bisect,
 * replay the repaired request, and write the story to a folder. Each step is a function of its own
 * (browser-chat.ts, library-requests.ts, diff-and-bisect.ts, replay-repaired.ts) that returns its
 * result and tells its progress through `onEvent`; nothing here prints. `qwen-probe investigate`
 * parses flags, calls this and prints the events.
 *
 *     const { report } = await investigate({ library: { kind: 'shape', shape: 'seed-v4' }, out: 'reports/x' });
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BisectPlan, FindingChange } from '../bisect/bisect-captures.js';
import type { BisectResult } from '../bisect/bisect-result.js';
import { normaliseTarget } from '../client/target.js';
import type { DiffResult } from '../diff/diff-result.js';
import { renderBisectJson } from '../report/bisect-json.js';
import { renderDiffJson } from '../report/diff-json.js';
import type {
  InvestigationFile,
  InvestigationReport,
  InvestigationStep,
  RepairedRequest,
} from '../report/investigation-model.js';
import { startSimulator, type RunningSimulator } from '../simulator/index.js';
import { browserChat, type AccountSource } from './browser-chat.js';
import { bisectStep, diffStep } from './diff-and-bisect.js';
import { endStep, runStep, type InvestigationListener } from './investigation-event.js';
import { REPORT_FILES, writeRedactedCapture, writeReports } from './investigation-files.js';
import { libraryFailure, libraryRequests, type LibrarySource } from './library-requests.js';
import { replayRepaired } from './replay-repaired.js';

/** What to investigate and where to write the story. */
export interface InvestigateOptions {
  /** The site; without it the bundled simulator (profile qwen-2025-10) is started, with its demo account. */
  readonly target?: string | undefined;
  /** The account the browser logs in with (against the simulator: its demo account). */
  readonly account?: AccountSource | undefined;
  /** A session file saved by `login`, instead of logging in (needs `target`). */
  readonly session?: string | undefined;
  /** Show the browser; without an account a person logs in by hand (needs `target`). */
  readonly headed?: boolean | undefined;
  /** The library's failing requests: a shape to generate and send, or a capture of them. */
  readonly library: LibrarySource;
  /** The user message (default "Hello!"). */
  readonly prompt?: string | undefined;
  /** The folder for the captures and reports; created (when missing) with the first file. */
  readonly out: string;
  /** Most bisect probes (default 64). */
  readonly budget?: number | undefined;
  /** Milliseconds between bisect probes (default 0). */
  readonly delayMs?: number | undefined;
  /** Stops the investigation (Ctrl-C): the bisect ends with what it learned and the report is still written. */
  readonly signal?: AbortSignal | undefined;
  readonly onEvent?: InvestigationListener | undefined;
}

/** What an investigation found, as its report tells it, with the typed results of its main steps. */
export interface Investigation {
  /** The folder holding the captures, diff.json, bisect.json, report.md and report.html. */
  readonly dir: string;
  readonly report: InvestigationReport;
  readonly diff: DiffResult;
  readonly plan: BisectPlan;
  readonly bisect: BisectResult<FindingChange>;
}

/** Runs the whole investigation; see the module comment. A step that throws stops it, after its event. */
export async function investigate(options: InvestigateOptions): Promise<Investigation> {
  const prompt = options.prompt ?? 'Hello!';
  const started = new Date();
  const dir = options.out;
  const steps: InvestigationStep[] = [];
  const onEvent: InvestigationListener = (event) => {
    if (event.kind === 'step-end') steps.push(event.step);
    options.onEvent?.(event);
  };
  const files: InvestigationFile[] = [];
  let sim: RunningSimulator | undefined;
  try {
    if (options.target === undefined) sim = await startBundledSimulator(onEvent);
    const target = normaliseTarget(options.target ?? sim!.url);
    const chat = await browserChat({
      target,
      prompt,
      account: sim ? sim.demoUser : options.account,
      session: options.session,
      headed: options.headed,
      signal: options.signal,
      onEvent,
    });
    // Created with its first file: a run that fails before (no browser, unreachable target) leaves no empty folder.
    await mkdir(dir, { recursive: true });
    await writeRedactedCapture(
      join(dir, 'browser.har'),
      chat.exchanges,
      `qwen-probe investigate: the browser's chat with ${target}`,
    );
    files.push({ name: 'browser.har', description: "the browser's working chat (redacted HAR)" });

    const library = await libraryRequests(options.library, {
      target,
      token: chat.token,
      cookies: chat.cookies,
      prompt,
      onEvent,
    });
    await writeRedactedCapture(
      join(dir, 'library.har'),
      library.exchanges,
      `qwen-probe investigate: the library's requests (${library.name})`,
    );
    files.push({
      name: 'library.har',
      description: `the library's requests (${library.name}) and their answers (redacted HAR)`,
    });
    const failure = libraryFailure(library.exchanges);

    const both = [...chat.exchanges, ...library.exchanges];
    const { diff, plan } = await diffStep(chat.exchanges, library.exchanges, onEvent);
    const result = await bisectStep(plan, both, {
      target,
      token: chat.token,
      cookies: chat.cookies,
      budget: options.budget,
      delayMs: options.delayMs,
      signal: options.signal,
      onEvent,
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

    let repaired: RepairedRequest | undefined;
    if (result.verdict === 'found' && !options.signal?.aborted) {
      const replayed = await replayRepaired(plan, result.culprits, {
        target,
        token: chat.token,
        cookies: chat.cookies,
        exchanges: both,
        dir,
        signal: options.signal,
        onEvent,
      });
      repaired = replayed.repaired;
      files.push(replayed.file);
    } else {
      const why = result.verdict === 'found' ? 'interrupted' : `no culprits to apply (${result.verdict})`;
      endStep(onEvent, 'replay the repaired request', 'skipped', why);
    }

    files.push(...REPORT_FILES);
    const report: InvestigationReport = {
      startedAt: started.toISOString(),
      target,
      ...(sim ? { simulatorProfile: sim.profile.name } : {}),
      library: library.name,
      prompt,
      steps,
      ...(chat.answer !== undefined ? { browserAnswer: chat.answer } : {}),
      ...(failure ? { libraryFailure: failure } : {}),
      diff,
      bisectedPair: plan.pair.key,
      bisect: result,
      ...(repaired ? { repaired } : {}),
      files,
      solved: result.verdict === 'found' && repaired?.outcome === 'works',
      summary: summarise(result, repaired),
    };
    await writeReports(dir, report);
    return { dir, report, diff, plan, bisect: result };
  } finally {
    await sim?.close();
  }
}

/** Step "start the bundled simulator": a fresh one on a free port, profile qwen-2025-10. */
export function startBundledSimulator(onEvent?: InvestigationListener | undefined): Promise<RunningSimulator> {
  return runStep('start the bundled simulator', onEvent, async () => {
    const sim = await startSimulator({ port: 0, profile: 'qwen-2025-10' });
    return { value: sim, detail: `${sim.url}, profile ${sim.profile.name}, demo account ${sim.demoUser.email}` };
  });
}

/** One or two sentences: the bisect's own, and whether the repaired request then worked. */
function summarise(result: BisectResult<FindingChange>, repaired: RepairedRequest | undefined): string {
  if (result.verdict !== 'found') return result.explanation;
  if (repaired?.outcome === 'works') return `${result.explanation} The repaired request streamed an answer.`;
  return (
    `${result.explanation} Yet the repaired request did not work when sent again: ` +
    `${repaired?.explanation ?? 'it was not sent'}`
  );
}

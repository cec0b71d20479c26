/**
 * `qwen-probe demo`: the seed report's failing request and the browser's working one, side by side,
 * against the bundled simulator. Needs nothing but this repository: it starts the simulator on a free
 * port, signs in with its demo account, sends both shapes and keeps both captures.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { openCaptureWriter } from '../exchange/capture-writer.js';
import { resolveCredentials } from '../client/credentials.js';
import { exchangeLine, verdictLine } from '../client/describe-exchange.js';
import { runShapeTurn } from '../client/run-shape.js';
import { SHAPES, systemIdClock, type ShapeName } from '../upstream/shapes.js';
import { startSimulator } from '../simulator/index.js';
import { processIo, runCommand, type CommandIo } from './run-command.js';
import { timestampForFile } from './file-names.js';
import { checkOutputPath } from '../exchange/output-file.js';
import { nonEmpty } from './flag-values.js';
import { OVERWRITE_OPTION } from './output-flags.js';
import { exitCodesText } from './exit-codes.js';

interface DemoArgs {
  readonly prompt: string;
  readonly out?: string;
  readonly overwrite?: boolean;
  readonly profile?: string;
}

/** Runs the demo; returns 0 when the seed shape failed and the web shape answered, as they should. */
export async function runDemo(args: DemoArgs, io: CommandIo = processIo): Promise<number> {
  const outDir = args.out ?? join('captures', `demo-${timestampForFile(new Date())}`);
  await checkOutputPath(outDir, { flag: '--out', overwrite: args.overwrite, kind: 'folder' });
  const simulator = await startSimulator({ port: 0, ...(args.profile ? { profile: args.profile } : {}) });
  try {
    io.out(`simulator: ${simulator.url} (profile ${simulator.profile.name}: ${simulator.profile.description})`);
    const { email, password } = simulator.demoUser;
    const credentials = await resolveCredentials({ target: simulator.url, user: `${email}:${password}` });
    io.out(`signed in as ${email}`);
    await mkdir(outDir, { recursive: true });

    const verdicts: Record<string, boolean> = {};
    for (const name of ['seed-v4', 'web'] as const satisfies readonly ShapeName[]) {
      const shape = SHAPES[name];
      io.out('');
      io.out(`${name}: ${shape.summary}`);
      // Redacted: the demo's captures are made to be looked at and shared.
      const writer = await openCaptureWriter(join(outDir, `${name}.har`), {
        source: 'library',
        redacted: true,
        overwrite: args.overwrite === true,
      });
      try {
        const turn = await runShapeTurn(
          shape,
          {
            baseUrl: simulator.url,
            token: credentials.token,
            cookies: credentials.cookies,
            prompt: args.prompt,
            idClock: systemIdClock,
          },
          {},
          { onExchange: (exchange) => io.out(`  ${exchangeLine(exchange)}`) },
        );
        for (const exchange of turn.exchanges) await writer.append(exchange);
        io.out(`  ${verdictLine(turn.result)}`);
        verdicts[name] = turn.result.ok;
      } finally {
        await writer.close();
      }
    }
    io.out('');
    io.out(`captures: ${join(outDir, 'seed-v4.har')} and ${join(outDir, 'web.har')}`);
    io.out(`next: qwen-probe diff ${join(outDir, 'web.har')} ${join(outDir, 'seed-v4.har')}`);
    return verdicts['seed-v4'] === false && verdicts.web === true ? 0 : 1;
  } finally {
    await simulator.close();
  }
}

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo',
  describe:
    "send the seed report's failing request and the browser's working one to the bundled simulator, side by side",
  builder: (y) =>
    y
      .option('prompt', {
        type: 'string',
        default: 'Hello!',
        describe: 'the user message both requests send',
        coerce: nonEmpty('prompt'),
      })
      .option('out', { type: 'string', describe: 'folder for the two captures (default captures/demo-<time>/)' })
      .option('overwrite', { ...OVERWRITE_OPTION, describe: 'write into --out even when it already holds files' })
      .option('profile', { type: 'string', describe: 'simulator profile name or JSON file (default qwen-2025-10)' })
      .example('$0 demo', 'seed-v4 gets Internal_Server_Error, the web shape gets an answer')
      .epilog(exitCodesText('demo')) as never,
  handler: (args) => runCommand(() => runDemo(args)),
};

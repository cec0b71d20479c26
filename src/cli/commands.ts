/**
 * Every command of the CLI, in the order `--help` lists them: the main job first, then the steps of an
 * investigation in the order a person takes them. Add a command here and in its own file.
 *
 * Commands load lazily: `qwen-probe serve` imports the proxy only, not Playwright, mockttp or the
 * simulator, so it starts faster and a long-running server carries about half the memory. The full
 * list is loaded for the top-level `--help` and for anything that is not a known command name.
 */
import type { CommandModule } from 'yargs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- yargs command modules differ in their argument types
type AnyCommand = CommandModule<any, any>;

const LOADERS: Readonly<Record<string, () => Promise<AnyCommand>>> = {
  investigate: async () => (await import('./investigate.js')).investigateCommand,
  login: async () => (await import('./login.js')).loginCommand,
  whoami: async () => (await import('./whoami.js')).whoamiCommand,
  capture: async () => (await import('./capture.js')).captureCommand,
  intercept: async () => (await import('./intercept.js')).interceptCommand,
  generate: async () => (await import('./generate.js')).generateCommand,
  diff: async () => (await import('./diff.js')).diffCommand,
  learn: async () => (await import('./learn.js')).learnCommand,
  lint: async () => (await import('./lint.js')).lintCommand,
  watch: async () => (await import('./watch.js')).watchCommand,
  bisect: async () => (await import('./bisect.js')).bisectCommand,
  replay: async () => (await import('./replay.js')).replayCommand,
  serve: async () => (await import('./serve.js')).serveCommand,
  accounts: async () => (await import('./accounts.js')).accountsCommand,
  simulate: async () => (await import('./simulate.js')).simulateCommand,
  demo: async () => (await import('./demo.js')).demoCommand,
};

/** Command names in `--help` order. */
export const COMMAND_NAMES: readonly string[] = Object.keys(LOADERS);

/** The commands `argv` needs: the one it names, or all of them (help, typos, no command). */
export async function loadCommands(argv: readonly string[]): Promise<AnyCommand[]> {
  const first = argv.find((arg) => !arg.startsWith('-'));
  const loader = first === undefined ? undefined : LOADERS[first];
  if (loader) return [await loader()];
  return Promise.all(COMMAND_NAMES.map((name) => LOADERS[name]!()));
}

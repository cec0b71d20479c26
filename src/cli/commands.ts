/**
 * Every command of the CLI, in the order `--help` lists them: the main job first, then the steps of an
 * investigation in the order a person takes them. Add a command here and in its own file.
 */
import type { CommandModule } from 'yargs';
import { simulateCommand } from './simulate.js';
import { generateCommand } from './generate.js';
import { demoCommand } from './demo.js';
import { interceptCommand } from './intercept.js';
import { serveCommand } from './serve.js';
import { diffCommand } from './diff.js';
import { loginCommand } from './login.js';
import { whoamiCommand } from './whoami.js';
import { captureCommand } from './capture.js';
import { replayCommand } from './replay.js';
import { bisectCommand } from './bisect.js';
import { investigateCommand } from './investigate.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- yargs command modules differ in their argument types
export const commands: CommandModule<any, any>[] = [
  investigateCommand,
  loginCommand,
  whoamiCommand,
  captureCommand,
  interceptCommand,
  generateCommand,
  diffCommand,
  bisectCommand,
  replayCommand,
  serveCommand,
  simulateCommand,
  demoCommand,
];

/**
 * How every command reads the values of its flags, so that one flag means one thing everywhere and
 * a bad value stops the command before it does anything (exit 2, one line):
 * - durations take a unit (`500ms`, `30s`, `2m`, `1h`); a plain number keeps the unit it had before
 *   units existed, with a note that says so;
 * - numbers are checked against their range (no `NaN`, no `-1` port);
 * - a flag that takes one value refuses to be given twice, and a text flag refuses to be empty.
 * Each helper returns a yargs `coerce` function: yargs sends what it throws to the failure handler.
 */
import type { Arguments, Argv, Options } from 'yargs';
import { ProbeError } from '../exchange/errors.js';

/** What a user types for "read standard input". */
export const STDIN_ARGUMENT = '-';
/**
 * What `main` hands yargs instead of a lone `-`, which yargs would otherwise read as an empty flag.
 * It holds a NUL, which no real command-line argument can.
 */
export const stdinMarker = '\u0000stdin';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The unit a plain number had before durations took units. */
export type PlainUnit = 'ms' | 's';

/** Flags whose deprecation note was printed: once per flag is enough. */
const noted = new Set<string>();

/**
 * Reads `30s`, `500ms`, `2m`, `1.5h` as milliseconds; a plain number is read in `plainUnit` (what
 * the flag meant before) with a note on stderr. Refuses anything negative, `NaN` or over `maxMs`.
 */
export function parseDuration(
  flag: string,
  value: unknown,
  options: { readonly plainUnit: PlainUnit; readonly minMs?: number; readonly maxMs?: number },
  note: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): number {
  const text = single(flag, value).trim();
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(text);
  const example = options.plainUnit === 'ms' ? '500ms' : '30s';
  if (!match)
    throw new ProbeError(
      'E_USAGE',
      `--${flag} ${JSON.stringify(text)}: give a duration with a unit, e.g. ${example}, 2m (ms, s, m or h)`,
    );
  const unit = (match[2] ?? options.plainUnit).toLowerCase();
  if (match[2] === undefined && !noted.has(flag)) {
    noted.add(flag);
    note(
      `note: --${flag} ${text} is read as ${text}${options.plainUnit}; plain numbers are deprecated, write ` +
        `${text}${options.plainUnit}`,
    );
  }
  const ms = Math.round(Number(match[1]) * UNIT_MS[unit]!);
  const min = options.minMs ?? 0;
  const max = options.maxMs ?? 24 * 3_600_000;
  if (ms < min || ms > max)
    throw new ProbeError('E_USAGE', `--${flag} ${text}: must be from ${formatDuration(min)} to ${formatDuration(max)}`);
  return ms;
}

/** `1500` -> `1.5s`, `120000` -> `2m`: a duration as the flags take it. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000}s`;
  if (ms >= 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A duration flag (value in milliseconds after parsing); `fallback` is what it is when not given. */
export function durationOption(
  describe: string,
  fallback: string | undefined,
  options: { readonly plainUnit: PlainUnit; readonly minMs?: number; readonly maxMs?: number },
): (flag: string) => Options {
  return (flag) => ({
    type: 'string',
    describe: `${describe} (a duration: 500ms, 30s, 2m)`,
    ...(fallback !== undefined ? { default: fallback } : {}),
    coerce: (value: unknown) => parseDuration(flag, value, options),
  });
}

/** A whole-number flag from `min` to `max`; refuses `abc`, `1.5`, `-1` and a repeat. */
export function integerOption(
  describe: string,
  fallback: number | undefined,
  range: { readonly min: number; readonly max: number },
): (flag: string) => Options {
  return (flag) => ({
    type: 'string',
    describe,
    ...(fallback !== undefined ? { default: String(fallback) } : {}),
    coerce: (value: unknown) => parseInteger(flag, value, range),
  });
}

/** Reads a whole number in range; see `integerOption`. */
export function parseInteger(
  flag: string,
  value: unknown,
  range: { readonly min: number; readonly max: number },
): number {
  const text = single(flag, value).trim();
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || n < range.min || n > range.max)
    throw new ProbeError(
      'E_USAGE',
      `--${flag} must be a whole number from ${range.min} to ${range.max}, got ${JSON.stringify(text)}`,
    );
  return n;
}

/** The one value of a flag; a flag given twice is refused (`--timeout 5s --timeout 9s`: which one?). */
export function single(flag: string, value: unknown): string {
  if (Array.isArray(value)) {
    if (value.length !== 1)
      throw new ProbeError('E_USAGE', `--${flag} was given ${value.length} times; it takes one value`);
    return String(value[0]);
  }
  return String(value);
}

/** A text flag that must not be empty (`--prompt ''` would wait for an answer to nothing). */
export function nonEmpty(flag: string): (value: unknown) => unknown {
  return (value) => {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values)
      if (typeof v !== 'string' || v.trim() === '')
        throw new ProbeError('E_USAGE', `--${flag} needs a value; it was given empty`);
    return value;
  };
}

/**
 * Global middleware: a flag that takes one value, given twice (`--out a --out b`), is refused
 * rather than silently becoming a list or losing one of the two.
 */
export function refuseRepeatedFlags(argv: Arguments, yargs: Argv): void {
  const options = (
    yargs as unknown as { getOptions(): { array: string[]; key: Record<string, unknown> } }
  ).getOptions();
  const lists = new Set(options.array);
  for (const [key, value] of Object.entries(argv)) {
    if (key === '_' || key === '$0' || !Array.isArray(value) || lists.has(key)) continue;
    if (!(key in options.key) || (key.includes('-') === false && /[A-Z]/.test(key))) continue;
    throw new ProbeError('E_USAGE', `--${key} was given ${value.length} times; it takes one value`);
  }
}

/**
 * The arguments that read standard input when given `-`, by command. Everywhere else a `-` would
 * reach the file system as a strange path (or a prompt as a strange text), so it is refused.
 */
export const STDIN_READERS: Readonly<Record<string, readonly string[]>> = { diff: ['good', 'bad'] };

/** Global middleware: `-` only where `STDIN_READERS` says the command reads standard input. */
export function refuseStdinElsewhere(argv: Arguments): void {
  const command = String(argv._[0] ?? '');
  const readers = STDIN_READERS[command] ?? [];
  for (const [key, value] of Object.entries(argv)) {
    if (key === '$0' || readers.includes(key)) continue;
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (!values.includes(stdinMarker)) continue;
    const what = key === '_' ? 'an argument' : key;
    throw new ProbeError('E_USAGE', `- (standard input) given for ${what}: give a file`, {
      hint: 'only diff reads standard input, for GOOD or BAD',
    });
  }
}

/** Refuses flags that cannot go together; `pairs` name the flags as typed. */
export function refuseTogether(
  argv: Readonly<Record<string, unknown>>,
  pairs: readonly (readonly [string, string])[],
): void {
  const given = (name: string) => argv[name] !== undefined && argv[name] !== false;
  for (const [a, b] of pairs)
    if (given(a) && given(b)) throw new ProbeError('E_USAGE', `--${a} and --${b} cannot be used together`);
}

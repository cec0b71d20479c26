/**
 * The few error classes of qwen-probe. Each carries a stable `code` that scripts and the CLI rely on;
 * the CLI prints `error [CODE]: message` on one line and exits with `exitCode`. Expected outcomes (a
 * 500 from upstream, a diff with findings) are values, not errors: these are for things that stop work.
 */
export type ProbeErrorCode =
  | 'E_USAGE' // bad flags or arguments
  | 'E_INPUT' // a file or value that cannot be read or understood
  | 'E_CAPTURE_FORMAT' // a capture file that is not HAR or not ours
  | 'E_CAPTURE' // a capture in none of the formats commands read (HAR, mitmproxy flows, curl...), or damaged
  | 'E_UPSTREAM_UNREACHABLE'
  | 'E_UPSTREAM_AUTH'
  | 'E_UPSTREAM_PROTOCOL' // the upstream said something the protocol model cannot read
  | 'E_BROWSER' // Chromium missing, crashed, or a page never became ready
  | 'E_TIMEOUT'
  | 'E_INTERRUPTED'
  | 'E_INTERNAL';

/**
 * The one mapping from error code to process exit code: 2 for bad input, 130 for an interruption
 * (Ctrl-C, as shells report SIGINT), 1 for everything else (something could not be reached or done).
 */
const EXIT_CODES: Readonly<Partial<Record<ProbeErrorCode, number>>> = {
  E_USAGE: 2,
  E_INPUT: 2,
  E_CAPTURE_FORMAT: 2,
  E_CAPTURE: 2,
  E_INTERRUPTED: 130,
};

/** The exit code the CLI uses for an error of this code. */
export function exitCodeFor(code: ProbeErrorCode): number {
  return EXIT_CODES[code] ?? 1;
}

export class ProbeError extends Error {
  readonly code: ProbeErrorCode;
  /** A hint the CLI prints after the message, e.g. how to install Chromium. */
  readonly hint?: string | undefined;
  /** Process exit code the CLI uses for this error: `exitCodeFor(code)`. */
  readonly exitCode: number;

  constructor(code: ProbeErrorCode, message: string, options: { hint?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProbeError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = exitCodeFor(code);
  }
}

export function isProbeError(value: unknown): value is ProbeError {
  return value instanceof ProbeError;
}

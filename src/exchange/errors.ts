/**
 * The few error classes of qwen-probe. Each carries a stable `code` that scripts and the CLI rely on;
 * the CLI prints `error [CODE]: message` on one line and exits with `exitCode`. Expected outcomes (a
 * 500 from upstream, a diff with findings) are values, not errors: these are for things that stop work.
 */
export type ProbeErrorCode =
  | 'E_USAGE' // bad flags or arguments
  | 'E_INPUT' // a file or value that cannot be read or understood
  | 'E_CAPTURE_FORMAT' // a capture file that is not HAR or not ours
  | 'E_UPSTREAM_UNREACHABLE'
  | 'E_UPSTREAM_AUTH'
  | 'E_UPSTREAM_PROTOCOL' // the upstream said something the protocol model cannot read
  | 'E_BROWSER' // Chromium missing, crashed, or a page never became ready
  | 'E_TIMEOUT'
  | 'E_INTERRUPTED'
  | 'E_INTERNAL';

export class ProbeError extends Error {
  readonly code: ProbeErrorCode;
  /** A hint the CLI prints after the message, e.g. how to install Chromium. */
  readonly hint?: string | undefined;
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number;

  constructor(
    code: ProbeErrorCode,
    message: string,
    options: { hint?: string | undefined; cause?: unknown; exitCode?: number | undefined } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProbeError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode =
      options.exitCode ?? (code === 'E_USAGE' || code === 'E_INPUT' || code === 'E_CAPTURE_FORMAT' ? 2 : 1);
  }
}

export function isProbeError(value: unknown): value is ProbeError {
  return value instanceof ProbeError;
}

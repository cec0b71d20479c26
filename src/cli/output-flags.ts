/**
 * The flags every command that writes shares, declared once so they read alike in every `--help`:
 * `--overwrite` (an existing output is never replaced without it), and for captures `--redact` (the
 * default) and `--keep-secrets`. Captures are redacted by default, as Chrome's DevTools sanitizes the
 * HAR files it exports: a capture is made to be diffed and shared, and every command that sends
 * requests again takes `--session` or `--token`, so nothing needs the captured token.
 */
import { ProbeError } from '../exchange/errors.js';

export const OVERWRITE_OPTION = {
  type: 'boolean',
  default: false,
  describe: 'replace the output if it exists (without it, an existing output is an error)',
} as const;

export const REDACT_OPTION = {
  type: 'boolean',
  describe: 'redact tokens, cookies and passwords before writing (the default; file mode 0644)',
} as const;

export const KEEP_SECRETS_OPTION = {
  type: 'boolean',
  default: false,
  describe: 'write tokens and cookies as they are (file mode 0600): only for your own eyes',
} as const;

/** The redaction flags as typed. */
export interface RedactionFlags {
  readonly redact?: boolean | undefined;
  readonly 'keep-secrets'?: boolean | undefined;
}

/** True when the capture is to be redacted; `--redact --keep-secrets` is a contradiction. */
export function redactionChoice(args: RedactionFlags): boolean {
  if (args['keep-secrets'] === true && args.redact === true)
    throw new ProbeError('E_USAGE', '--redact and --keep-secrets cannot be used together');
  return args['keep-secrets'] !== true && args.redact !== false;
}

/** What the "wrote …" line adds about secrets. */
export function secretsNote(redacted: boolean): string {
  return redacted ? ' (redacted)' : ' (with secrets, mode 0600)';
}

/**
 * What each command's exit code means, as data: every `--help` prints its row, the README lists the
 * same, and the bad-input test checks commands against it. One meaning per code across commands:
 * 0 the command did its job and the answer is yes, 1 the answer is no (a failure upstream, requests
 * that differ) or something could not be reached, 2 bad input (flags, files, output paths), 130
 * Ctrl-C. One more, kept apart so that scripts can tell it from a failure: 3 for `capture
 * --check-page` finding a page the recorder can no longer drive, and for `watch --once` seeing drift. Nothing
 * else.
 */

/** Exit codes, by command: code and meaning. */
export const EXIT_CODES: Readonly<Record<string, readonly (readonly [number, string])[]>> = {
  investigate: [
    [0, 'culprits found and the repaired request works'],
    [1, 'not solved, or the target could not be reached'],
    [2, 'bad input'],
    [130, 'Ctrl-C (the report keeps what was learned)'],
  ],
  login: [
    [0, 'session saved'],
    [1, 'login refused, target unreachable, timeout or no Chromium'],
    [2, 'bad input'],
  ],
  whoami: [
    [0, 'the target accepts the session'],
    [1, 'refused or unreachable'],
    [2, 'bad input (flags, session file)'],
  ],
  capture: [
    [0, 'every turn answered (or an interactive session ended)'],
    [1, 'a turn failed, or the site or browser could not be used (the capture keeps what happened)'],
    [2, 'bad input'],
    [3, '--check-page found a required selector matching nothing'],
    [130, 'Ctrl-C'],
  ],
  intercept: [
    [0, 'stopped by Ctrl-C or SIGTERM, capture complete'],
    [1, 'the proxy failed (workers kept crashing)'],
    [2, 'bad input (flags, port in use, output path)'],
  ],
  generate: [
    [0, 'capture written (also when the upstream answered with a failure: that is the finding)'],
    [1, 'target unreachable'],
    [2, 'bad input'],
  ],
  diff: [
    [0, 'the requests match modulo volatile values'],
    [1, 'they differ'],
    [2, 'trouble: bad input, unreadable files, bad flags, an output that cannot be written'],
  ],
  bisect: [
    [0, 'culprits found'],
    [1, 'other verdicts, or target unreachable'],
    [2, 'bad input'],
    [130, 'Ctrl-C (what was learned is written first)'],
  ],
  replay: [
    [0, 'every request worked'],
    [1, 'one failed, or the target was unreachable'],
    [2, 'bad input'],
    [130, 'Ctrl-C'],
  ],
  serve: [
    [0, 'stopped by Ctrl-C or SIGTERM'],
    [1, 'a session could not sign in, or the target was unreachable at start'],
    [2, 'bad input (flags, port in use)'],
  ],
  watch: [
    [0, 'no change (--once), or stopped by Ctrl-C'],
    [1, 'target unreachable (--once)'],
    [2, 'bad input'],
    [3, 'drift: the site changed since the last round (--once)'],
    [130, 'Ctrl-C'],
  ],
  accounts: [
    [0, 'the accounts are listed'],
    [1, 'serve could not be reached or refused the key'],
    [2, 'bad input'],
  ],
  simulate: [
    [0, 'stopped by Ctrl-C or SIGTERM'],
    [2, 'bad input (flags, profile, port in use)'],
  ],
  learn: [
    [0, 'protocol written'],
    [2, 'bad input (unreadable capture, no API exchanges, an --out that is not a folder)'],
  ],
  lint: [
    [0, "every request looks like the browser's"],
    [1, 'something differs'],
    [2, 'trouble: bad input, an output that cannot be written'],
  ],
  demo: [
    [0, 'the seed request failed and the web one answered, as they should'],
    [1, 'anything else'],
    [2, 'bad input'],
  ],
};

/** `Exit codes: 0 …, 1 …, 2 ….` for a command's `--help`. */
export function exitCodesText(command: string): string {
  const codes = EXIT_CODES[command];
  if (!codes) throw new Error(`no exit codes listed for ${command}`);
  return `Exit codes: ${codes.map(([code, meaning]) => `${code} ${meaning}`).join('; ')}.`;
}

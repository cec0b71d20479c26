/**
 * mockttp reports a request it could not finish with a bare `console.error("Failed to handle
 * request:", message)`, a line in no format of ours, printed even when the client merely went away
 * (`aborted`), which the recorder already records as a cut exchange. While a proxy runs, those lines
 * go to the proxy's own `onError` (printed as `warning: …`) and the client-went-away ones go nowhere.
 * Every other console.error line passes through untouched.
 */

/** What mockttp prints before the reason. */
const MOCKTTP_PREFIX = 'Failed to handle request';

/** Reasons that only mean "the client went away": already in the capture as a cut exchange. */
const CLIENT_GONE = /^(aborted|socket hang up|ECONNRESET|EPIPE|write after end|Client aborted)/i;

const listeners = new Set<(message: string) => void>();
let original: typeof console.error | undefined;

/** Routes mockttp's failure lines to `onError` until the returned function is called. */
export function routeMockttpErrors(onError: (message: string) => void): () => void {
  listeners.add(onError);
  if (!original) {
    original = console.error;
    const passThrough = original;
    console.error = (...args: unknown[]) => {
      const [first, ...rest] = args;
      if (typeof first !== 'string' || !first.startsWith(MOCKTTP_PREFIX)) return passThrough(...args);
      const reason = rest.map((r) => (r instanceof Error ? r.message : String(r))).join(' ');
      if (CLIENT_GONE.test(reason.trim())) return;
      for (const listener of listeners) listener(`mockttp could not handle a request: ${reason || first}`);
    };
  }
  return () => {
    listeners.delete(onError);
    if (listeners.size === 0 && original) {
      console.error = original;
      original = undefined;
    }
  };
}

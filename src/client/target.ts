/** The target origin (`--target`) and how to explain that it could not be reached. */
import { ProbeError } from '../exchange/errors.js';
import type { ExchangeError } from '../exchange/exchange.js';

/** Parses a `--target` value into its base URL without a trailing slash; E_USAGE when unusable. */
export function normaliseTarget(target: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new ProbeError(
      'E_USAGE',
      `--target must be a URL such as https://chat.qwen.ai or http://127.0.0.1:8787, not ${JSON.stringify(target)}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ProbeError('E_USAGE', `--target must be http or https, not ${url.protocol}`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

const HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing listens there: is the target running? For a local stand-in run `qwen-probe simulate`',
  ENOTFOUND: 'the host name does not resolve: check --target',
  ETIMEDOUT: 'the target did not answer in time: check --target and the network',
  TLS: 'the TLS handshake failed: check the URL scheme and certificates',
};

/** One sentence plus a hint for a request that got no HTTP response. */
export function describeTransportError(
  target: string,
  error: ExchangeError | undefined,
): { message: string; hint?: string } {
  const code = error?.code ?? 'EOTHER';
  return {
    message: `cannot reach ${target}: ${code}${error?.message ? ` (${error.message})` : ''}`,
    hint: HINTS[code] ?? 'check --target and that the target is up',
  };
}

/**
 * The front end's version constants (`version`, `bx-v`) as the page and its main script bundle carry
 * them. The patterns are data: when the site's build changes how it writes them, a pattern is added
 * here, not code. chat.qwen.ai's bundle writes `version:"0.2.87"` into the header setup and baxia's
 * `bx-v` as `"bx-v":"2.5.37"`; the simulator's page carries both in its config JSON.
 */
import { sendRequest } from '../../net/index.js';
import { WEB_CLIENT } from '../../upstream/browser-headers.js';
import type { Exchange } from '../../exchange/exchange.js';
import type { WatchFrontEnd } from '../../report/index.js';

/** A constant and the patterns that find it; the first capture group is its value. */
export interface VersionPattern {
  readonly constant: 'version' | 'bxV';
  readonly patterns: readonly RegExp[];
}

export const VERSION_PATTERNS: readonly VersionPattern[] = [
  {
    constant: 'version',
    patterns: [/"webClient"\s*:\s*\{[^}]*?"version"\s*:\s*"(\d+(?:\.\d+){1,3})"/, /\bversion\s*:\s*"(0\.\d+\.\d+)"/],
  },
  {
    constant: 'bxV',
    patterns: [/"bxV"\s*:\s*"(\d+(?:\.\d+){1,3})"/, /["']bx-v["']\s*[:,]\s*["'](\d+(?:\.\d+){1,3})["']/],
  },
];

/** The page's main script bundle: the first `<script src>` whose file looks like an app entry. */
export const MAIN_BUNDLE_PATTERN = /<script[^>]+src="([^"]*\/(?:index|main|app|umi)[.-][^"]*\.js)"/i;

/** Reads the constants from the texts (page first, then the bundle): the first match of each wins. */
export function extractFrontEndVersions(texts: readonly { url: string; text: string }[]): WatchFrontEnd {
  const found: { version?: string; bxV?: string } = {};
  const from = new Set<string>();
  for (const { constant, patterns } of VERSION_PATTERNS) {
    for (const { url, text } of texts) {
      const value = patterns.map((p) => p.exec(text)?.[1]).find((v) => v !== undefined);
      if (value !== undefined) {
        found[constant] = value;
        from.add(url);
        break;
      }
    }
  }
  return { ...found, from: [...from] };
}

/** The page (and bundle) exchanges of a round, and the constants they show. */
export interface FrontEndProbe {
  readonly exchanges: readonly Exchange[];
  readonly frontEnd?: WatchFrontEnd;
  /** Why the target could not be reached (no HTTP answer for the page). */
  readonly unreachable?: string;
}

const PAGE_HEADERS = [
  { name: 'Accept', value: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
  { name: 'User-Agent', value: WEB_CLIENT.userAgent },
];

/** Loads the page and its main bundle and reads the constants; never throws for network failures. */
export async function probeFrontEnd(target: string, timeoutMs: number): Promise<FrontEndProbe> {
  const options = { source: 'library' as const, totalTimeoutMs: timeoutMs, connectTimeoutMs: timeoutMs };
  const page = await sendRequest({ method: 'GET', url: `${target}/`, headers: PAGE_HEADERS }, options);
  if (!page.response)
    return {
      exchanges: [page],
      unreachable: `the page: ${page.error?.code ?? 'no answer'} ${page.error?.message ?? ''}`.trim(),
    };
  const texts = [{ url: page.request.url, text: page.response.body ?? '' }];
  const exchanges = [page];
  const bundle = MAIN_BUNDLE_PATTERN.exec(page.response.body ?? '')?.[1];
  if (bundle !== undefined) {
    const url = new URL(bundle, `${target}/`).toString();
    const script = await sendRequest({ method: 'GET', url, headers: PAGE_HEADERS.slice(1) }, options);
    exchanges.push(script);
    if (script.response) texts.push({ url, text: script.response.body ?? '' });
  }
  return { exchanges, frontEnd: extractFrontEndVersions(texts) };
}

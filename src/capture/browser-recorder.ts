/**
 * The recorder as a library: `startBrowserRecorder(pageOrContext, options)` attaches a CDP session
 * to each page and turns its network traffic into Exchanges as they complete, until `stop()`.
 * By default only the target origin's /api/ paths are kept; `include`/`exclude` patterns change that.
 */
import { hostMatcher, includeHosts } from './intercept/host-rules.js';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import type { Exchange, SseEvent } from '../exchange/exchange.js';
import { isApiPath } from '../upstream/endpoints.js';
import { ASSEMBLER_EVENTS, CdpExchangeAssembler } from './cdp-recorder.js';

/** What to record and whom to tell. */
export interface RecorderOptions {
  /** Target URL or origin: by default only its /api/ paths are recorded. Without it, any origin's /api/. */
  readonly origin?: string;
  /** URL patterns to record instead of the default (`*` matches anything; no `*` means "contains"). */
  readonly include?: readonly string[];
  /** URL patterns never to record, applied after `include`. */
  readonly exclude?: readonly string[];
  /** Each exchange as soon as it is complete (or failed, or cut by `stop`). */
  readonly onExchange?: (exchange: Exchange) => void;
  /** Each event-stream event as it arrives, for live progress. */
  readonly onStreamEvent?: (exchangeId: string, url: string, event: SseEvent) => void;
}

/** A running recorder. */
export interface BrowserRecorder {
  /** Exchanges completed so far, in completion order. */
  readonly exchanges: readonly Exchange[];
  /** Requests recorded but not complete yet (open streams among them). */
  readonly openCount: number;
  /** Adds a listener for completed exchanges; returns its removal. */
  subscribe(listener: (exchange: Exchange) => void): () => void;
  /**
   * Stops recording: open requests are saved as cut with what arrived, the CDP sessions detach,
   * and every exchange is returned, ordered by start time. Calling it twice returns the same list.
   */
  stop(): Promise<Exchange[]>;
}

function matcher(pattern: string): (url: string) => boolean {
  if (!pattern.includes('*')) return (url) => url.includes(pattern);
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return (url) => regex.test(url);
}

/**
 * The record-or-not decision for a URL, from the options above. `include` takes hosts (`host`,
 * `*.domain`, `*`), as `intercept --include` does: every request to them is recorded. `exclude`
 * takes URL patterns (`*` is any run of characters; without one, a substring).
 */
export function urlFilter(options: Pick<RecorderOptions, 'origin' | 'include' | 'exclude'>): (url: string) => boolean {
  const origin = options.origin ? new URL(options.origin).origin : undefined;
  const includes =
    options.include && options.include.length > 0 ? hostMatcher(includeHosts(options.include)) : undefined;
  const excludes = (options.exclude ?? []).map(matcher);
  const byDefault = (url: string) => (origin === undefined || url.startsWith(`${origin}/`)) && isApiPath(url);
  return (url) => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return false;
    const wanted = includes ? includes(hostnameOf(url)) : byDefault(url);
    return wanted && !excludes.some((m) => m(url));
  };
}

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return '';
  }
}

// CDP's defaults keep ~10 MB per resource; long answers and model lists must not be evicted
// before we read them. The DevTools message limit is 256 MB, so the total stays below it.
const NETWORK_BUFFERS = {
  maxTotalBufferSize: 200 * 1024 * 1024,
  maxResourceBufferSize: 64 * 1024 * 1024,
  maxPostDataSize: 16 * 1024 * 1024,
};

interface Attached {
  readonly session: CDPSession;
  readonly assembler: CdpExchangeAssembler;
}

function isPage(target: Page | BrowserContext): target is Page {
  return typeof (target as Page).context === 'function';
}

/**
 * Starts recording a page, or every page of a context (present and future). Start it before the
 * page navigates, or the first requests are missed.
 */
export async function startBrowserRecorder(
  target: Page | BrowserContext,
  options: RecorderOptions = {},
): Promise<BrowserRecorder> {
  const keep = urlFilter(options);
  const exchanges: Exchange[] = [];
  const listeners = new Set<(exchange: Exchange) => void>();
  if (options.onExchange) listeners.add(options.onExchange);
  const attached = new Map<Page, Attached>();
  let stopped: Promise<Exchange[]> | undefined;

  const record = (exchange: Exchange) => {
    exchanges.push(exchange);
    for (const listener of listeners) listener(exchange);
  };

  const attach = async (page: Page): Promise<void> => {
    if (attached.has(page) || stopped) return;
    const session = await page.context().newCDPSession(page);
    const assembler = new CdpExchangeAssembler({
      commands: {
        streamResourceContent: (requestId) => session.send('Network.streamResourceContent', { requestId }),
        getResponseBody: (requestId) => session.send('Network.getResponseBody', { requestId }),
        getRequestPostData: (requestId) => session.send('Network.getRequestPostData', { requestId }),
      },
      shouldRecord: (url) => keep(url),
      onExchange: record,
      ...(options.onStreamEvent ? { onStreamEvent: options.onStreamEvent } : {}),
    });
    for (const method of ASSEMBLER_EVENTS) {
      // CDPSession.on is typed per event; the assembler reads the params it needs itself.
      (session as unknown as { on(event: string, fn: (params: unknown) => void): void }).on(method, (params) =>
        assembler.handle(method, params),
      );
    }
    attached.set(page, { session, assembler });
    // A closed page will send nothing more: what it had open is saved as cut right away.
    page.once('close', () => void assembler.finish(500));
    await session.send('Network.enable', NETWORK_BUFFERS);
  };

  const onPage = (page: Page) => void attach(page).catch(() => undefined);
  if (isPage(target)) await attach(target);
  else {
    for (const page of target.pages()) await attach(page);
    target.on('page', onPage);
  }

  const stop = async (): Promise<Exchange[]> => {
    if (!isPage(target)) target.off('page', onPage);
    await Promise.all([...attached.values()].map((a) => a.assembler.finish()));
    await Promise.all([...attached.values()].map((a) => a.session.detach().catch(() => undefined)));
    return [...exchanges].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  };

  return {
    get exchanges() {
      return exchanges;
    },
    get openCount() {
      return [...attached.values()].reduce((sum, a) => sum + a.assembler.openCount, 0);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped ??= stop();
      return stopped;
    },
  };
}

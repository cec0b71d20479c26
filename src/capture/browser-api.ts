/**
 * The browser recorder's public API, for `investigate` and other in-process callers:
 *
 *     const { browser } = await launchBrowser();
 *     const { context, page } = await loginWithBrowser({ target, browser, profile, account });
 *     const recorder = await startBrowserRecorder(context, { origin: target, onExchange });
 *     const turns = await captureChat({ page, target, profile, recorder, prompts: ['Hello'] });
 *     const exchanges = await recorder.stop();
 *
 * For the request headers' wire order, launch with `launchBrowser({ netLogPath })` and, after
 * closing the browser, `applyNetLogHeaderOrder(exchanges, netLogPath)`.
 */
export { launchBrowser, chromiumPath, closeQuietly, CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH } from './browser-launch.js';
export type { LaunchBrowserOptions, LaunchedBrowser } from './browser-launch.js';
export { loginWithBrowser, contextForSession, sessionFromPage, readToken, openPage } from './browser-login.js';
export type { BrowserLoginOptions, BrowserLoginResult } from './browser-login.js';
export { startBrowserRecorder, urlFilter } from './browser-recorder.js';
export type { BrowserRecorder, RecorderOptions } from './browser-recorder.js';
export { captureChat, openChat, sendTurn } from './capture-chat.js';
export type { CaptureChatOptions, ChatTurn } from './capture-chat.js';
export {
  SITE_PROFILES,
  loadSiteProfile,
  mergeSiteProfile,
  profileForTarget,
  siteProfileFileSchema,
} from './site-profiles.js';
export type { SiteProfile, SiteProfileName, SiteSelectors } from './site-profiles.js';
export { CdpExchangeAssembler, ASSEMBLER_EVENTS } from './cdp-recorder.js';
export type { AssemblerOptions } from './cdp-recorder.js';
export {
  applyNetLogHeaderOrder,
  applyWireOrder,
  orderHeadersByWire,
  parseNetLog,
  readNetLog,
  netLogArgs,
} from './net-log.js';
export type { NetLogRequest } from './net-log.js';

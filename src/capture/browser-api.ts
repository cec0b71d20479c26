/**
 * The browser recorder's public API, for `investigate` and other in-process callers:
 *
 *     const { browser } = await launchBrowser();
 *     const profile = await loadSiteProfile(target); // chat.qwen.ai's eras; the page decides which
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
export {
  loginWithBrowser,
  contextForSession,
  sessionFromPage,
  readToken,
  openPage,
  thinSessionWarning,
} from './browser-login.js';
export type { BrowserLoginOptions, BrowserLoginResult } from './browser-login.js';
export { startBrowserRecorder, urlFilter } from './browser-recorder.js';
export type { BrowserRecorder, RecorderOptions } from './browser-recorder.js';
export { captureChat, openChat, sendTurn } from './capture-chat.js';
export type { CaptureChatOptions, ChatTurn, OpenChatOptions, SendTurnOptions } from './capture-chat.js';
export { THINKING_MODES } from './chat-page.js';
export type { ThinkingMode } from './chat-page.js';
export { checkPage } from './check-page.js';
export type { CheckPageOptions, PageCheck, SelectorCheck } from './check-page.js';
export { SELECTOR_ROLES } from './selector-roles.js';
export {
  CHAT_QWEN_ERAS,
  SITE_ERA_NAMES,
  SITE_PROFILES,
  eraCandidates,
  loadSiteProfile,
  loginProfile,
  mergeSiteProfile,
  siteEra,
  siteEras,
  siteProfileFileSchema,
} from './site-profiles.js';
export type { SiteEraChoice, SiteEraName, SiteProfileName, SiteProfiles } from './site-profiles.js';
export type { SelectorKey, SelectorSource, SiteProfile, SiteSelectors, SiteWidgets } from './site-profile.js';
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

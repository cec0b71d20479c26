/**
 * The simulator's 2025 chat page: plain HTML with inline CSS and JS, no build step. Login at `/auth`
 * (or whenever localStorage has no token), chat at `/` and `/c/<chat_id>`, as on chat.qwen.ai. Its
 * elements carry the names of the `chat.qwen.ai` site profile's 2025 era (`textarea#chat-input`,
 * `button#send-message-button`, the `chat-input-feature-btn` thinking button, ...), so the recorder
 * drives it as it would the site. PAGE_SELECTORS is the contract with the e2e tests. The requests
 * are the protocol half's (page-client-script.ts), which the 2026 page shares.
 */
import { WEB_CLIENT } from '../../upstream/browser-headers.js';
import { ERAS, type EraName, type FrontEndChoices } from '../../upstream/eras.js';
import { chatsNewBody2026, completionBody2026 } from '../../upstream/front-end-2026.js';
import { WEB_DEFAULT_MODEL, webCompletionBody, webFeatureConfig } from '../../upstream/shapes.js';
import type { ProfileDrift } from '../profile-schema.js';
import { PAGE_CLIENT_SCRIPT } from './page-client-script.js';
import { PAGE_SCRIPT } from './page-script.js';

/**
 * Element selectors of the page. An assistant message (`assistantMessage`) has `data-status`
 * `streaming` | `done` | `error` and holds `reasoning`, `answer` and `error` children; `#status`
 * reads `ready`, `streaming`, `done` or `error: …`; `body[data-ready="true"]` once models are loaded.
 */
export const PAGE_SELECTORS = {
  loginView: '#login-view',
  loginForm: '#login-form',
  loginEmail: '#login-email',
  loginPassword: '#login-password',
  loginSubmit: '#login-submit',
  loginError: '#login-error',
  chatView: '#chat-view',
  chatReady: 'body[data-ready="true"]',
  modelSelect: '#model-select',
  /** A button (`aria-pressed`, class `active` when on), as on the 2025 site. */
  thinkingToggle: '#thinking-toggle',
  chatInput: '#chat-input',
  sendButton: '#send-message-button',
  stopIcon: 'i.icon-StopIcon',
  newChat: '#new-chat',
  logout: '#logout',
  messages: '#messages',
  userMessage: '.message.user',
  assistantMessage: '.message.assistant',
  reasoning: '.reasoning',
  answer: '.answer',
  error: '.error',
  status: '#status',
} as const;

/** What the page is for: its era, and where the sources disagree, the profile's pick. */
export interface PageEra {
  readonly era: EraName;
  readonly choices?: FrontEndChoices | undefined;
  /** What drifts changed for the page (src/simulator/drift/): constants, headers, names, paths. */
  readonly drift?: ProfileDrift | undefined;
}

/**
 * The config after the drifts: the bumped constants, and what the page script applies to every
 * request (`CONFIG.drift`: extra headers, renamed completion fields, the completion's path).
 */
function withPageDrift(config: Record<string, unknown>, drift: ProfileDrift | undefined): Record<string, unknown> {
  if (!drift) return config;
  const webClient = { ...(config['webClient'] as Record<string, unknown>), ...drift.client };
  const completionPath = drift.movedEndpoints?.find((m) => m.endpoint === 'chat.completions')?.to;
  return {
    ...config,
    webClient,
    drift: {
      headers: drift.headers ?? {},
      renamedFields: drift.renamedFields ?? [],
      ...(completionPath ? { completionPath } : {}),
    },
  };
}

/**
 * What the page script reads: the TS constants the era's `web` shape is built from. The bodies are
 * templates with placeholder values: the page only assigns existing keys, so the keys and their
 * order stay exactly those of the shape's builders.
 */
export function pageConfig(page: PageEra = { era: 'qwen-2025-10' }): Record<string, unknown> {
  return withPageDrift(eraPageConfig(page), page.drift);
}

function eraPageConfig(page: PageEra): Record<string, unknown> {
  const era = ERAS[page.era];
  // `auto` is the 2026 page's Auto mode: thinking on, the server decides (protocol.md §8.1).
  const featureConfig = {
    on: webFeatureConfig(true),
    off: webFeatureConfig(false),
    auto: { ...webFeatureConfig(true), thinking_mode: 'Auto' },
  };
  if (era.frontEnd === 'family-b') {
    return {
      webClient: WEB_CLIENT,
      featureConfig,
      bodyTemplate: webCompletionBody({
        chatId: '',
        model: '',
        prompt: '',
        thinking: false,
        parentId: null,
        fid: '',
        childId: '',
        nowMs: 0,
      }),
      defaultModel: WEB_DEFAULT_MODEL,
      signinPath: '/api/v1/auths/signin',
    };
  }
  const choices = page.choices ?? era.choices;
  return {
    webClient: era.client,
    featureConfig,
    bodyTemplate: completionBody2026({
      chatId: '',
      model: '',
      prompt: '',
      parentId: null,
      fid: '',
      childId: '',
      nowMs: 0,
      featureConfig: webFeatureConfig(false),
      bodyVersion: era.client.bodyVersion,
      choices,
    }),
    chatsNewTemplate: chatsNewBody2026('', 0),
    defaultModel: era.defaultModel,
    signinPath: '/api/v2/auths/signin',
    // How the 2026-08 front end differs beyond its bodies (protocol.md §9.11, §9.19).
    frontEnd: {
      bearer: false,
      completionAccept: 'application/json',
      newChatPath: '/c/new-chat',
      modelsPath: '/api/v2/models/',
      completionTimestamp: choices.completionTimestamp,
      messageModel: choices.messageModel,
    },
  };
}

/** JSON that is safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const STYLE = `
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; background: #f6f6f8; color: #1d1d1f; }
  header { display: flex; justify-content: space-between; align-items: center; padding: 10px 18px; background: #615ced; color: #fff; }
  header small { opacity: .8; }
  #status { font-size: 13px; }
  main { max-width: 860px; margin: 0 auto; padding: 16px; }
  form, .toolbar, .composer { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  #login-form { flex-direction: column; align-items: stretch; max-width: 320px; margin: 40px auto; }
  #login-error, .error { color: #b00020; }
  #messages { display: flex; flex-direction: column; gap: 10px; margin: 16px 0; min-height: 200px; }
  .message { padding: 10px 14px; border-radius: 10px; white-space: pre-wrap; }
  .message.user { align-self: flex-end; background: #e3e1ff; }
  .message.assistant { align-self: flex-start; background: #fff; border: 1px solid #ddd; }
  .reasoning { color: #666; font: 13px/1.4 ui-monospace, monospace; margin: 0 0 6px; white-space: pre-wrap; }
  .reasoning:empty, .error:empty { display: none; }
  textarea { flex: 1; min-height: 60px; font: inherit; }
  .chat-input-feature-btn.active { background: #615ced; color: #fff; }
`;

/** The whole page; `signing` is the signing script of the 2026 eras (signing-script.ts), placed before the app. */
export function renderPage(page: PageEra = { era: 'qwen-2025-10' }, signing?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Qwen Chat (qwen-probe simulator)</title>
<style>${STYLE}</style>
</head>
<body data-view="loading">
<header><strong>Qwen Chat <small>qwen-probe simulator</small></strong><span id="status">loading</span></header>
<main>
<section id="login-view" hidden>
  <form id="login-form">
    <h2>Sign in</h2>
    <input id="login-email" type="email" placeholder="Email" autocomplete="username" required>
    <input id="login-password" type="password" placeholder="Password" autocomplete="current-password" required>
    <button id="login-submit" type="submit">Sign in</button>
    <p id="login-error" role="alert"></p>
  </form>
</section>
<section id="chat-view" hidden>
  <div class="toolbar">
    <button id="new-chat" class="sidebar-new-chat-icon" type="button">New chat</button>
    <select id="model-select" name="model" aria-label="Model"></select>
    <button id="thinking-toggle" class="chat-input-feature-btn" type="button" aria-pressed="false"><i class="icon-line-deepthink-01"></i> Thinking</button>
    <button id="logout" type="button">Sign out</button>
  </div>
  <div id="messages" aria-live="polite"></div>
  <div class="composer">
    <textarea id="chat-input" placeholder="Message Qwen"></textarea>
    <button id="send-message-button" type="button">Send</button>
    <i class="icon-StopIcon" hidden></i>
  </div>
</section>
</main>
<script id="sim-config" type="application/json">${scriptJson(pageConfig(page))}</script>
${signing === undefined ? '' : `<script id="sim-signing">${signing}</script>\n`}<script>${PAGE_CLIENT_SCRIPT}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

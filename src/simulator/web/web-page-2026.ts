/**
 * The simulator's 2026 page: what chat.qwen.ai serves since it left Open WebUI (2025-12-07). The
 * server sends a shell (a bare textarea, wiped when the app hydrates), the page's config, the
 * signing script of the era when it has one (a hook: a script that wraps `window.fetch`, placed
 * before the app's scripts), the protocol half (page-client-script.ts) and the 2026 view
 * (page-2026-script.ts). `PAGE_2026_SELECTORS` is the contract with tests; the recorder drives the
 * page with the `chat.qwen.ai` site profile's 2026 era, which names the same elements.
 */
import { PAGE_CLIENT_SCRIPT } from './page-client-script.js';
import { PAGE_2026_SCRIPT } from './page-2026-script.js';
import { scriptJson } from './web-page.js';

/** Element selectors of the 2026 page (the site's own class names). */
export const PAGE_2026_SELECTORS = {
  shellInput: 'textarea.shell-input',
  imeDecoy: 'textarea.ime-text-area',
  composer: 'textarea.message-input-textarea',
  sendButton: '.chat-prompt-send-button button.send-button[aria-label="Send"]',
  stopButton: 'button.stop-button[aria-label="Stop"]',
  modelTrigger: '.header-left .ant-dropdown-trigger[aria-label="Select Model"]',
  modelOption: '.wms-list__item[role="option"]',
  thinking: '.qwen-select-thinking',
  thinkingValue: '.qwen-select-thinking .ant-select-selection-item',
  thinkingOption: '.ant-select-dropdown .ant-select-item-option',
  userMessage: '.qwen-chat-message-user',
  assistantMessage: '.qwen-chat-message-assistant',
  answer: '.response-message-content.phase-answer .qwen-markdown',
  reasoning: '.response-message-content.phase-thinking .qwen-markdown',
  error: '.qwen-messsage-status-description',
  actionBar: '.qwen-chat-package-comp-new-action-control-icons',
  dualMessage: '.qwen-chat-message-dual-message',
  welcomeModal: '.ant-modal',
  headerLogin: '.header-right .header-login-btn',
  loginEmail: 'input[type="email"][name="email"]',
  loginPassword: 'input[type="password"][name="password"]',
  loginSubmit: 'button.login-btn[type="submit"]',
  loginError: '.ant-message-error',
  ready: 'body[data-ready="true"]',
} as const;

/** Page faults: changes to the page as a redesign would make them. */
export const PAGE_FAULT_EFFECTS = {
  /** The composer's class `message-input-textarea` becomes `chat-input-textarea`. */
  'renamed-composer': 'the composer textarea is renamed',
} as const;

/** How the 2026 page behaves; the timings are the simulator's picks (the sources give none). */
export interface Page2026Settings {
  /** The composer's `maxlength`. */
  readonly maxLength: number;
  /** How long the shell shows before the app hydrates. */
  readonly hydrateMs: number;
  /** How long the header says "Log in" before the page asks `GET /api/v1/auths/` (about 1.8 s on the site). */
  readonly authDelayMs: number;
  /** How long a freshly mounted send button stays disabled by its class. */
  readonly sendEnableMs: number;
  /** Active page faults (`PAGE_FAULT_EFFECTS`). */
  readonly faults: readonly string[];
}

/** The defaults: short enough for tests, long enough that the traps are there to fall into. */
export const PAGE_2026_DEFAULTS: Page2026Settings = {
  maxLength: 10_000,
  hydrateMs: 250,
  authDelayMs: 400,
  sendEnableMs: 150,
  faults: [],
};

const STYLE = `
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; background: #fff; color: #1d1d1f; }
  .ime-text-area {
    position: fixed; top: 0; left: 0; width: 2px; height: 2px; opacity: 0; border: 0; padding: 0; resize: none;
  }
  .qwen-chat-layout { display: flex; min-height: 100vh; }
  .sidebar { width: 180px; background: #f6f6f8; padding: 12px; }
  .sidebar-entry-fixed-list-content { cursor: pointer; padding: 6px 8px; border-radius: 6px; }
  .chat-container { flex: 1; display: flex; flex-direction: column; max-width: 860px; margin: 0 auto; padding: 0 16px; }
  .chat-header { display: flex; justify-content: space-between; align-items: center; padding: 10px 0; }
  .ant-dropdown-trigger {
    cursor: pointer; padding: 4px 10px; border-radius: 6px; background: #f0f0f5; display: inline-block;
  }
  .chat-messages { flex: 1; display: flex; flex-direction: column; gap: 10px; margin: 16px 0; min-height: 200px; }
  .qwen-chat-message { padding: 10px 14px; border-radius: 10px; white-space: pre-wrap; }
  .qwen-chat-message-user { align-self: flex-end; background: #e3e1ff; }
  .qwen-chat-message-assistant { align-self: flex-start; background: #fff; border: 1px solid #ddd; }
  .qwen-chat-message-dual-message { display: flex; gap: 10px; }
  .qwen-chat-message-dual-message .qwen-chat-message-assistant { flex: 1; }
  .phase-thinking { color: #666; font-size: 13px; margin-bottom: 6px; }
  .qwen-messsage-status-description { color: #b00020; }
  .chat-message-input { border: 1px solid #ddd; border-radius: 16px; padding: 8px 12px; margin-bottom: 16px; }
  .message-input-textarea, .chat-input-textarea, .shell-input {
    width: 100%; min-height: 48px; border: 0; outline: none; font: inherit; resize: none;
  }
  .chat-message-input-toolbar { display: flex; justify-content: space-between; align-items: center; }
  .ant-select { cursor: pointer; padding: 2px 10px; border: 1px solid #ddd; border-radius: 6px; }
  .send-button, .stop-button {
    width: 32px; height: 32px; border-radius: 16px; border: 0; background: #615ced; color: #fff; cursor: pointer;
  }
  .send-button.disabled { background: #c9c8f5; cursor: not-allowed; }
  .icon-send::before { content: '\\2191'; } .icon-stop::before { content: '\\25A0'; }
  .ant-dropdown, .ant-select-dropdown {
    position: absolute; z-index: 1000; background: #fff; border: 1px solid #ddd; border-radius: 8px;
    box-shadow: 0 6px 16px rgba(0,0,0,.08); padding: 4px;
  }
  .wms-list { list-style: none; margin: 0; padding: 0; min-width: 220px; }
  .wms-list__item, .ant-select-item-option { padding: 6px 10px; border-radius: 6px; cursor: pointer; }
  .wms-list__item-desc { font-size: 12px; color: #888; }
  .wms-list__item[aria-selected="true"], .ant-select-item-option-selected { background: #f0f0f5; }
  .ant-modal-mask { position: fixed; inset: 0; background: rgba(0,0,0,.45); }
  .ant-modal-wrap { position: fixed; inset: 0; display: flex; align-items: center; justify-content: center; }
  .ant-modal { background: #fff; border-radius: 12px; padding: 24px; width: 380px; }
  .ant-modal-title { font-size: 20px; font-weight: 600; }
  .ant-message { position: fixed; top: 16px; left: 0; right: 0; text-align: center; }
  .ant-message-error {
    display: inline-block; background: #fff; border: 1px solid #f5c2c7; padding: 6px 12px; border-radius: 6px;
    color: #b00020;
  }
  .login-container { max-width: 340px; margin: 60px auto; }
  .login-form { display: flex; flex-direction: column; gap: 10px; }
`;

/**
 * The whole page. `config` is what the 2025 page reads too (pageConfig), with `page` settings added;
 * `signing` is the era's signing script, if it has one: it must run before the app's first fetch.
 */
export function renderPage2026(config: Record<string, unknown>, settings: Page2026Settings, signing?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Qwen Chat</title>
<style>${STYLE}</style>
</head>
<body>
<div id="root"><div class="app-shell">
  <textarea class="shell-input" placeholder="How can I help you today?"></textarea>
</div></div>
<script id="sim-config" type="application/json">${scriptJson({ ...config, page: settings })}</script>
${signing === undefined ? '' : `<script id="sim-signing">${signing}</script>\n`}<script>${PAGE_CLIENT_SCRIPT}</script>
<script>${PAGE_2026_SCRIPT}</script>
</body>
</html>
`;
}

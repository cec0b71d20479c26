/**
 * chat.qwen.ai's Open WebUI page, until 2025-12-07 (docs/protocol.md §11). Where no public code
 * names a 2025 element, the selector is qwen-probe's guess from the Open WebUI heritage (status
 * `unconfirmed`), and the simulator's 2025 page carries it, so the same data drives both.
 */
import { sourced, type SiteEraData } from '../site-profile.js';

const GUESS = "qwen-probe's guess from Open WebUI (no public code names it)";

export const CHAT_QWEN_2025: SiteEraData = {
  name: 'chat.qwen.ai',
  era: '2025',
  description: "chat.qwen.ai's Open WebUI page (until 2025-12-07): a login form for signed-out visitors",
  loginPath: sourced('/auth?action=signin', '2025', 'FreeQwenApi src/config.js @88e534a (§11.1)'),
  chatPath: '/',
  tokenKey: sourced('token', '2025', 'FreeQwenApi; qwengate (§11.4)'),
  authCheckPath: '/api/v1/auths/',
  widgets: { model: 'select', thinking: 'toggle' },
  thinkingLabels: { fast: 'Fast', auto: 'Auto', thinking: 'Thinking' },
  captcha: { titles: ['Verification'], paths: ['/_____tmd_____/punish'] },
  sessionCookies: [],
  selectors: {
    loginEmail: sourced('input[type="email"], input[name="email"]', '2025', 'unnamed public code (§11.2)'),
    loginPassword: sourced('input[type="password"]', '2025', 'unnamed public code (§11.2)'),
    loginSubmit: sourced('button[type="submit"]', '2025', 'unnamed public code (§11.3)'),
    loginError: sourced('[role="alert"], .toast-error', '2025', GUESS, 'unconfirmed'),
    modelSelect: sourced(
      'select[name="model"], #model-selector',
      '2025',
      `${GUESS}; the page had button#model-selector-0-button (CWC 85f583e), a menu this era does not drive`,
      'unconfirmed',
    ),
    thinkingToggle: sourced(
      'button.chat-input-feature-btn:has(i.icon-line-deepthink-01)',
      '2025',
      'CWC 2e82873 (class `active` when on, §11.12)',
    ),
    chatInput: sourced('textarea#chat-input', '2025-08', 'lzwjava/pyscripts 8cde0cb (§11.5)'),
    chatReady: sourced('textarea#chat-input', '2025-08', 'lzwjava/pyscripts 8cde0cb (§11.5)'),
    sendButton: sourced('button#send-message-button', '2025-12-07', 'CWC 85f583e (until that date, §11.6)'),
    stopButton: sourced('i.icon-StopIcon', '2025', 'CWC (§11.7)'),
    newChat: sourced('.sidebar-new-chat-icon', '2025', 'unnamed public code (§11.10; unused)'),
    assistantMessage: sourced('.chat-assistant, [data-role="assistant"]', '2025', GUESS, 'unconfirmed'),
    answerText: sourced('.markdown-prose, .markdown', '2025', GUESS, 'unconfirmed'),
    answerError: sourced('.text-red-500, [role="alert"]', '2025', GUESS, 'unconfirmed'),
  },
};

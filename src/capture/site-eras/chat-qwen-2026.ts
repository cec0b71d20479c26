/**
 * chat.qwen.ai's own page, from 2025-12-07 on: React with Ant Design widgets, after the site left
 * its Open WebUI DOM (docs/protocol.md §11, §12; the shared page notes). Source keys are those of
 * docs/protocol.md §1.4: CWC = robertpiosik/CodeWebChat, OnFlip = khudayarovich/onflip-agent
 * `src/providers/qwen/browser.ts` and `session.ts` at 04782ea, CheapClaw = lijialin03/CheapClaw
 * `model_clients/qwen/selectors.yaml` at 8cdf921, ACP = defeat11/antigravity-acp
 * `src/web/widgets/qwen-composer.ts` at e804f85.
 */
import { sourced, type SiteEraData } from '../site-profile.js';

const ONFLIP = 'OnFlip browser.ts @04782ea';

export const CHAT_QWEN_2026: SiteEraData = {
  name: 'chat.qwen.ai',
  era: '2026',
  description:
    "chat.qwen.ai's own React + Ant Design page (since 2025-12-07): a decoy IME textarea, a send button mounted " +
    'late and disabled by a class, dropdown pickers, /c/guest for signed-out visitors',
  loginPath: sourced('/auth?action=signin', '2025 to 2026-04', 'FreeQwenApi src/config.js @88e534a; qwengate (§11.1)'),
  chatPath: '/',
  tokenKey: sourced('token', '2026', 'OnFlip session.ts @04782ea (a bare JWT); FreeQwenApi; qwengate (§11.4)'),
  authCheckPath: '/api/v1/auths/',
  widgets: { model: 'dropdown', thinking: 'choice' },
  thinkingLabels: { fast: 'Fast', auto: 'Auto', thinking: 'Thinking' },
  // "Send. Present but `.disabled` until the composer has something in it" (OnFlip): Playwright's
  // actionability check reads such a button as enabled and clicks it for nothing.
  sendDisabledClass: 'disabled',
  signedOut: { paths: ['/c/guest'], modalText: 'Welcome to Qwen' },
  captcha: { titles: ['Verification'], paths: ['/_____tmd_____/punish'] },
  // qwengate HANDOFF.md (2026-06-18): a token-only session gets FAIL_SYS_USER_VALIDATE (§12.5, §9.4).
  sessionCookies: ['cna', 'ssxmod_itna', 'tfstk', 'isg', 'acw_tc'],
  selectors: {
    loginEmail: sourced(
      'input[type="email"], input[name="email"]',
      '2025',
      'unnamed public code (§11.2); the 2026 form is not confirmed',
      'unconfirmed',
    ),
    loginPassword: sourced(
      'input[type="password"]',
      '2025',
      'unnamed public code (§11.2); the 2026 form is not confirmed',
      'unconfirmed',
    ),
    loginSubmit: sourced(
      'button[type="submit"]',
      '2025',
      '2026 clients fall back to Enter (qwengate loginHelpers.ts fillLoginForm, §11.3); the recorder does too',
      'unconfirmed',
    ),
    loginError: sourced(
      '.ant-message-error, [role="alert"]',
      '2026',
      'Ant Design convention (§12.2); no public code reads it',
      'unconfirmed',
    ),
    modelSelect: sourced(
      '.header-left .ant-dropdown-trigger, [aria-label="Select Model"]',
      '2025-12-07',
      `CWC 85f583e; ${ONFLIP} (§11.11)`,
    ),
    modelOption: sourced('.wms-list__item[role="option"]', '2026-09', `${ONFLIP} setModel (rows with aria-selected)`),
    thinkingToggle: sourced(
      '.qwen-select-thinking',
      'mid-2026',
      'ACP qwen-composer.ts @e804f85 (the root that opens the list, §11.12)',
    ),
    thinkingOption: sourced(
      '.ant-select-dropdown .ant-select-item-option',
      'mid-2026',
      'ACP qwen-composer.ts @e804f85 (the [role=option] nodes are zero-width mirrors, not the rows)',
    ),
    thinkingValue: sourced(
      '.qwen-select-thinking .ant-select-selection-item',
      'mid-2026',
      'ACP qwen-composer.ts @e804f85',
    ),
    chatInput: sourced(
      'textarea.message-input-textarea',
      '2026',
      `${ONFLIP}; CheapClaw selectors.yaml @8cdf921; ACP (never textarea.ime-text-area, first in DOM order, §11.5)`,
    ),
    chatReady: sourced(
      'textarea.message-input-textarea',
      '2026',
      'ACP (the shell textarea before hydration wipes what is typed into it, §11.5)',
    ),
    sendButton: sourced(
      '.chat-prompt-send-button button.send-button[aria-label="Send"]',
      '2025-12-07',
      `CWC 85f583e; ${ONFLIP} (mounted once the composer holds text, §11.6)`,
    ),
    stopButton: sourced('button.stop-button[aria-label="Stop"]', '2026', `CWC; ${ONFLIP} (§11.7)`),
    newChat: sourced(
      '.sidebar-entry-fixed-list-content',
      '2026',
      `${ONFLIP} (hidden when the sidebar collapses; unused: the recorder opens / instead, §11.10)`,
    ),
    assistantMessage: sourced('.qwen-chat-message-assistant', '2026', `${ONFLIP}; CheapClaw (§11.9)`),
    userMessage: sourced('.qwen-chat-message-user', '2026', `${ONFLIP}; CheapClaw selectors.yaml @8cdf921`),
    answerText: sourced(
      '.response-message-content.phase-answer .qwen-markdown',
      '2026',
      'CheapClaw; unnamed public code (§11.9)',
    ),
    answerError: sourced(
      '.qwen-messsage-status-description',
      '2026',
      "unnamed public code; the site's own misspelling (§11.9)",
    ),
    answerDone: sourced(
      '.qwen-chat-package-comp-new-action-control-icons, .message-hoc-container',
      '2026',
      'CWC; CheapClaw; unnamed (the action bar appears when the answer is finished, §11.8)',
    ),
    dualMessage: sourced('.qwen-chat-message-dual-message', '2026', 'the shared page notes (OnFlip, CheapClaw, §12.7)'),
    welcomeModal: sourced(
      '.ant-modal',
      '2026',
      `${ONFLIP} SERVICE_MESSAGES ("Welcome to Qwen" over the chat; the class is Ant Design's)`,
      'unconfirmed',
    ),
  },
};

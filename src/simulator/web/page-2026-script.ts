/**
 * The view of the 2026 page, as plain ES2020 text: chat.qwen.ai's own React + Ant Design page as
 * public automation code meets it (docs/protocol.md §11, §12; the class names are the site's, the
 * behaviour is what those drivers had to work around):
 *
 * - the server sends a shell with a bare textarea; the app replaces it when it hydrates, wiping
 *   whatever was typed into it;
 * - `textarea.ime-text-area` comes first in DOM order and empties itself (an IME staging field);
 * - Enter sends; the send button is mounted only once the composer holds text, and a CSS class
 *   (`disabled`), not the attribute, disables it for a moment after mounting and while the text is blank;
 * - the model picker and the thinking choice (Fast / Auto / Thinking) are Ant Design dropdowns that
 *   open on `mousedown` (pointer events), so an in-page `click()` opens nothing;
 * - a signed-out visitor, or one whose token the page's `GET /api/v1/auths/` refuses (the token stays
 *   in localStorage), gets a "Welcome to Qwen" modal and `/c/guest`, where nothing is answered; the
 *   header shows "Log in" until that request answers;
 * - the composer has a `maxlength`; two answers in one stream are shown side by side.
 *
 * Page faults (`CONFIG.page.faults`) change the page as a redesign would: `renamed-composer`.
 */
export const PAGE_2026_SCRIPT = String.raw`
(function () {
  'use strict';
  var CONFIG = JSON.parse(document.getElementById('sim-config').textContent);
  var PAGE = CONFIG.page;
  var client = window.qwenPageClient(CONFIG);
  var renamed = (PAGE.faults || []).indexOf('renamed-composer') >= 0;
  var COMPOSER_CLASS = renamed ? 'chat-input-textarea' : 'message-input-textarea';
  var LABELS = { fast: 'Fast', auto: 'Auto', thinking: 'Thinking' };
  var state = {
    models: [],
    model: CONFIG.defaultModel,
    mode: 'auto',
    user: null,
    guest: false,
    busy: false,
    chat: { id: null, parentId: null },
  };
  var el = {};

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'className') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c) node.append(c);
    });
    return node;
  }
  function sleep(ms) {
    return new Promise(function (r) {
      setTimeout(r, ms);
    });
  }
  function modelOf(id) {
    return state.models.find(function (m) {
      return m.id === id;
    });
  }
  function nameOf(id) {
    var m = modelOf(id);
    return (m && m.name) || id;
  }
  function canThink() {
    return client.canThink(state.models, state.model);
  }
  function forcesThinking() {
    return client.forcesThinking(state.models, state.model);
  }
  // A model that cannot think is Fast; one that always thinks (qwen3.8, §9.15) is never Fast.
  function effectiveMode() {
    if (!canThink()) return 'fast';
    return forcesThinking() && state.mode === 'fast' ? 'thinking' : state.mode;
  }

  // ---- dropdown portals ------------------------------------------------------------------------
  var openMenu = null;
  function closeMenu() {
    if (openMenu) {
      openMenu.remove();
      openMenu = null;
    }
  }
  function place(menu, anchor) {
    var box = anchor.getBoundingClientRect();
    menu.style.left = Math.round(box.left + window.scrollX) + 'px';
    menu.style.top = Math.round(box.bottom + window.scrollY + 4) + 'px';
  }
  document.addEventListener('mousedown', function (ev) {
    if (openMenu && !openMenu.contains(ev.target) && !ev.target.closest('.ant-dropdown-trigger, .qwen-select-thinking'))
      closeMenu();
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') closeMenu();
  });

  function openModelMenu() {
    if (openMenu) {
      closeMenu();
      return;
    }
    var list = h('ul', { className: 'wms-list', role: 'listbox' });
    state.models.forEach(function (m) {
      var item = h(
        'li',
        { className: 'wms-list__item', role: 'option', 'aria-selected': String(m.id === state.model) },
        [
          h('div', { className: 'wms-list__item-name', text: m.name || m.id }),
          h('div', {
            className: 'wms-list__item-desc',
            text: (m.info && m.info.meta && m.info.meta.description) || '',
          }),
        ],
      );
      item.addEventListener('click', function () {
        state.model = m.id;
        closeMenu();
        renderHeader();
        renderToolbar();
      });
      list.append(item);
    });
    openMenu = h('div', { className: 'ant-dropdown ant-dropdown-placement-bottomLeft' }, [list]);
    document.body.append(openMenu);
    place(openMenu, el.modelTrigger);
  }

  function openThinkingMenu() {
    if (openMenu) {
      closeMenu();
      return;
    }
    var modes = ['fast', 'auto', 'thinking'];
    // The accessibility mirror: zero-size [role=option] nodes, not what a person clicks (ACP).
    var mirror = h(
      'div',
      { role: 'listbox', className: 'ant-select-a11y', style: 'height:0;width:0;overflow:hidden' },
      modes.map(function (m) {
        return h('div', { role: 'option', 'aria-label': LABELS[m], 'aria-selected': String(m === state.mode) });
      }),
    );
    var rows = h(
      'div',
      { className: 'rc-virtual-list' },
      modes.map(function (m) {
        // A model that cannot think offers Fast only; one that always thinks offers all but Fast.
        var disabled = m === 'fast' ? forcesThinking() : !canThink();
        var row = h(
          'div',
          {
            className:
              'ant-select-item ant-select-item-option' +
              (m === effectiveMode() ? ' ant-select-item-option-selected' : '') +
              (disabled ? ' ant-select-item-option-disabled' : ''),
            title: LABELS[m],
            'aria-disabled': String(disabled),
          },
          [h('div', { className: 'ant-select-item-option-content', text: LABELS[m] })],
        );
        row.addEventListener('mousedown', function (ev) {
          ev.preventDefault();
        });
        row.addEventListener('click', function () {
          if (disabled) return;
          state.mode = m;
          closeMenu();
          renderToolbar();
        });
        return row;
      }),
    );
    openMenu = h('div', { className: 'ant-select-dropdown ant-select-dropdown-placement-bottomLeft' }, [mirror, rows]);
    document.body.append(openMenu);
    place(openMenu, el.thinking);
  }

  // ---- the app ---------------------------------------------------------------------------------
  function renderHeader() {
    el.modelText.textContent = nameOf(state.model);
    el.headerRight.textContent = '';
    if (state.user) el.headerRight.append(h('span', { className: 'user-name', text: state.user.name }));
    else {
      var login = h('button', { className: 'header-login-btn', type: 'button', text: 'Log in' });
      login.addEventListener('click', function () {
        location.assign('/auth?action=signin');
      });
      el.headerRight.append(login);
    }
  }

  function renderToolbar() {
    el.thinkingValue.textContent = LABELS[effectiveMode()];
    el.thinkingValue.setAttribute('title', LABELS[effectiveMode()]);
  }

  var enableTimer = null;
  function renderSendArea() {
    var area = el.sendArea;
    var text = el.composer.value;
    if (state.busy) {
      if (!area.querySelector('.stop-button')) {
        area.textContent = '';
        area.append(
          h('button', { className: 'stop-button', type: 'button', 'aria-label': 'Stop' }, [
            h('span', { className: 'anticon icon-stop' }),
          ]),
        );
      }
      return;
    }
    if (text === '') {
      area.textContent = '';
      return;
    }
    var button = area.querySelector('.send-button');
    if (!button) {
      area.textContent = '';
      // Mounted disabled by its class; the app enables it once its input settles.
      button = h('button', { className: 'send-button disabled', type: 'button', 'aria-label': 'Send' }, [
        h('span', { className: 'anticon icon-send' }),
      ]);
      button.addEventListener('click', function () {
        if (!button.classList.contains('disabled')) send();
      });
      area.append(button);
    }
    clearTimeout(enableTimer);
    if (text.trim() === '') button.classList.add('disabled');
    else
      enableTimer = setTimeout(function () {
        if (el.composer.value.trim() !== '') button.classList.remove('disabled');
      }, PAGE.sendEnableMs);
  }

  function addUser(text) {
    var msg = h('div', { className: 'qwen-chat-message qwen-chat-message-user' }, [
      h('div', { className: 'chat-user-message', text: text }),
    ]);
    el.messages.append(msg);
    return msg;
  }

  function addAssistant(parent) {
    var msg = h('div', { className: 'qwen-chat-message qwen-chat-message-assistant' });
    (parent || el.messages).append(msg);
    msg.scrollIntoView({ block: 'end' });
    return msg;
  }

  function setPhase(msg, phase, text) {
    var part = msg.querySelector('.response-message-content.phase-' + phase);
    if (!part) {
      part = h('div', { className: 'response-message-content phase-' + phase }, [
        h('div', { className: 'qwen-markdown' }),
      ]);
      if (phase === 'thinking' && msg.firstChild) msg.insertBefore(part, msg.firstChild);
      else msg.append(part);
    }
    part.querySelector('.qwen-markdown').textContent = text;
  }

  function finish(msg) {
    msg.append(
      h('div', { className: 'message-hoc-container' }, [
        h('div', { className: 'qwen-chat-package-comp-new-action-control-icons' }, [
          h('button', { type: 'button', 'aria-label': 'Copy', className: 'anticon icon-copy' }),
          h('button', { type: 'button', 'aria-label': 'Regenerate', className: 'anticon icon-refresh' }),
        ]),
      ]),
    );
  }

  function fail(msg, text) {
    var status = h('div', { className: 'qwen-messsage-status-description', text: text });
    var punish = /(\S*\/_____tmd_____\/punish\?\S*)/.exec(text);
    if (punish)
      status.append(h('a', { className: 'captcha-link', href: punish[1], text: ' Verify that you are human' }));
    msg.append(status);
  }

  // A second response.created: the page shows the answers side by side (an A/B screen).
  function makeDual(turn) {
    if (!turn.dual) {
      turn.dual = h('div', { className: 'qwen-chat-message-dual-message' });
      el.messages.insertBefore(turn.dual, turn.msgs[0]);
      turn.dual.append(turn.msgs[0]);
      turn.msgs[0].setAttribute('data-response-index', '0');
    }
    var msg = addAssistant(turn.dual);
    msg.setAttribute('data-response-index', String(turn.msgs.length));
    turn.msgs.push(msg);
  }

  async function send() {
    var prompt = el.composer.value;
    if (state.busy || !prompt.trim()) return;
    el.composer.value = '';
    addUser(prompt);
    if (state.guest) {
      renderSendArea();
      return;
    } // nobody answers a guest
    state.busy = true;
    renderSendArea();
    var turn = { msgs: [addAssistant()], dual: null };
    try {
      await client.send(
        state.chat,
        { prompt: prompt, model: state.model, mode: effectiveMode() },
        function (kind, index, value) {
          if (kind === 'chat') history.pushState({}, '', '/c/' + value);
          else if (kind === 'response' && index > 0) makeDual(turn);
          else if (kind === 'reasoning' && turn.msgs[index]) setPhase(turn.msgs[index], 'thinking', value);
          else if (kind === 'answer' && turn.msgs[index]) setPhase(turn.msgs[index], 'answer', value);
        },
      );
      turn.msgs.forEach(finish);
    } catch (e) {
      fail(turn.msgs[0], e.message);
    } finally {
      state.busy = false;
      renderSendArea();
    }
  }

  function welcomeModal() {
    var login = h('button', { className: 'ant-btn ant-btn-primary', type: 'button', text: 'Log in' });
    login.addEventListener('click', function () {
      location.assign('/auth?action=signin');
    });
    var stay = h('button', { className: 'ant-btn', type: 'button', text: 'Stay logged out' });
    var root = h('div', { className: 'ant-modal-root' }, [
      h('div', { className: 'ant-modal-mask' }),
      h('div', { className: 'ant-modal-wrap' }, [
        h('div', { className: 'ant-modal', role: 'dialog', 'aria-modal': 'true' }, [
          h('div', { className: 'ant-modal-content' }, [
            h('div', { className: 'ant-modal-header' }, [
              h('div', { className: 'ant-modal-title', text: 'Welcome to Qwen' }),
            ]),
            h('div', {
              className: 'ant-modal-body',
              text: 'Log in to unlock chat history, more models and file uploads.',
            }),
            h('div', { className: 'ant-modal-footer' }, [stay, login]),
          ]),
        ]),
      ]),
    ]);
    stay.addEventListener('click', function () {
      root.remove();
    });
    document.body.append(root);
  }

  function toGuest() {
    state.guest = true;
    history.replaceState({}, '', '/c/guest');
    welcomeModal();
  }

  function hydrate() {
    var root = document.getElementById('root');
    root.textContent = '';
    var ime = h('textarea', { className: 'ime-text-area', tabindex: '-1', 'aria-hidden': 'true' });
    // An IME staging field: what lands in it is committed elsewhere, and it empties itself.
    ime.addEventListener('input', function () {
      setTimeout(function () {
        ime.value = '';
      }, 0);
    });
    el.modelText = h('span', { className: 'model-selector-text' });
    el.modelTrigger = h(
      'div',
      { className: 'ant-dropdown-trigger model-selector', role: 'button', tabindex: '0', 'aria-label': 'Select Model' },
      [el.modelText, h('span', { className: 'anticon anticon-down' })],
    );
    el.modelTrigger.addEventListener('mousedown', function (ev) {
      ev.preventDefault();
      openModelMenu();
    });
    el.headerRight = h('div', { className: 'header-right' });
    el.messages = h('div', { className: 'chat-messages', 'aria-live': 'polite' });
    el.composer = h('textarea', {
      className: COMPOSER_CLASS,
      maxlength: String(PAGE.maxLength),
      rows: '1',
      placeholder: 'How can I help you today?',
    });
    el.composer.addEventListener('input', renderSendArea);
    el.composer.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        send();
      }
    });
    el.thinkingValue = h('span', { className: 'ant-select-selection-item' });
    el.thinking = h(
      'div',
      { className: 'ant-select ant-select-single qwen-select-thinking', 'aria-label': 'Thinking mode' },
      [
        h('div', { className: 'ant-select-selector' }, [el.thinkingValue]),
        h('span', { className: 'ant-select-arrow' }),
      ],
    );
    el.thinking.addEventListener('mousedown', function (ev) {
      ev.preventDefault();
      openThinkingMenu();
    });
    el.sendArea = h('div', { className: 'chat-prompt-send-button' });
    var newChat = h('div', { className: 'sidebar-entry-fixed-list-content', role: 'button', text: 'New Chat' });
    newChat.addEventListener('click', function () {
      location.assign('/');
    });
    root.append(
      ime,
      h('div', { className: 'qwen-chat-layout' }, [
        h('aside', { className: 'sidebar' }, [newChat]),
        h('main', { className: 'chat-container' }, [
          h('header', { className: 'chat-header' }, [
            h('div', { className: 'header-left' }, [el.modelTrigger]),
            el.headerRight,
          ]),
          el.messages,
          h('div', { className: 'chat-message-input' }, [
            h('div', { className: 'message-input-container' }, [el.composer]),
            h('div', { className: 'chat-message-input-toolbar' }, [el.thinking, el.sendArea]),
          ]),
        ]),
      ]),
    );
    renderHeader();
    renderToolbar();
  }

  async function openChatFromPath() {
    var m = /^\/c\/([^/]+)$/.exec(location.pathname);
    if (!m || m[1] === 'guest') return;
    try {
      var detail = await client.chatDetail(m[1]);
      state.chat.id = detail.data.id;
      state.chat.parentId = detail.data.currentId;
      (detail.data.chat.messages || []).forEach(function (msg) {
        if (msg.role === 'user') addUser(msg.content);
        else {
          var a = addAssistant();
          if (msg.reasoning) setPhase(a, 'thinking', msg.reasoning);
          setPhase(a, 'answer', msg.content || '');
          finish(a);
        }
      });
    } catch (e) {
      history.replaceState({}, '', '/');
    }
  }

  async function showChat() {
    state.models = await client.models().catch(function () {
      return [];
    });
    if (!modelOf(state.model) && state.models[0]) state.model = state.models[0].id;
    await sleep(PAGE.hydrateMs);
    hydrate();
    if (!client.token()) {
      toGuest();
      return;
    }
    // The header says "Log in" until the page knows who it is (judge by the request, not the header).
    await sleep(PAGE.authDelayMs);
    try {
      state.user = await client.me();
    } catch (e) {
      if (e.status === 401) {
        toGuest();
        return;
      }
      throw e;
    }
    renderHeader();
    await openChatFromPath();
    document.body.dataset.ready = 'true';
  }

  function toast(text) {
    var notice = h('div', { className: 'ant-message-notice' }, [
      h('div', { className: 'ant-message-notice-content' }, [
        h('div', { className: 'ant-message-custom-content ant-message-error', role: 'alert' }, [
          h('span', { text: text }),
        ]),
      ]),
    ]);
    var holder =
      document.querySelector('.ant-message') || document.body.appendChild(h('div', { className: 'ant-message' }));
    holder.append(notice);
  }

  function showLogin() {
    var root = document.getElementById('root');
    root.textContent = '';
    var email = h('input', {
      className: 'ant-input',
      type: 'email',
      name: 'email',
      placeholder: 'Enter Your Email',
      autocomplete: 'username',
    });
    var password = h('input', {
      className: 'ant-input',
      type: 'password',
      name: 'password',
      placeholder: 'Enter Your Password',
      autocomplete: 'current-password',
    });
    var submit = h('button', { className: 'ant-btn ant-btn-primary login-btn', type: 'submit', text: 'Log in' });
    var form = h('form', { className: 'login-form' }, [
      h('div', { className: 'ant-form-item' }, [email]),
      h('div', { className: 'ant-form-item' }, [password]),
      submit,
    ]);
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      submit.disabled = true;
      try {
        await client.signin(email.value, password.value);
        localStorage.setItem('userRole', 'user');
        history.replaceState({}, '', '/');
        await showChat();
      } catch (e) {
        toast(e.message);
      } finally {
        submit.disabled = false;
      }
    });
    root.append(
      h('div', { className: 'login-page' }, [
        h('div', { className: 'login-container' }, [h('h2', { text: 'Log in to Qwen' }), form]),
      ]),
    );
  }

  async function start() {
    if (location.pathname === '/auth') {
      await sleep(PAGE.hydrateMs);
      showLogin();
      return;
    }
    await showChat();
  }
  start();
})();
`;

/**
 * The view of the simulator's 2025 page, as plain ES2020 text. It is a string, not a serialised TS
 * function, because the TS toolchain (tsx/esbuild keepNames) would inject helpers that do not exist
 * in the page. The requests are the protocol half's (page-client-script.ts, `window.qwenPageClient`),
 * built from the TS constants of the era's `web` shape that web-page.ts writes into the page; this
 * script is the DOM: login form, model `<select>`, the thinking button, messages with `data-status`.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var CONFIG = JSON.parse(document.getElementById('sim-config').textContent);
  var client = window.qwenPageClient(CONFIG);
  function $(id) {
    return document.getElementById(id);
  }
  var chat = { id: null, parentId: null, busy: false, models: [] };

  function setStatus(text) {
    $('status').textContent = text;
  }

  function showView(name) {
    $('login-view').hidden = name !== 'login';
    $('chat-view').hidden = name !== 'chat';
    document.body.dataset.view = name;
  }

  function addMessage(role, text) {
    var el = document.createElement('div');
    el.className = 'message ' + role;
    if (role === 'user') {
      el.textContent = text;
    } else {
      // The class names of the site profile's 2025 era (chat-assistant, markdown-prose, text-red-500).
      el.classList.add('chat-assistant');
      var reasoning = document.createElement('pre');
      reasoning.className = 'reasoning';
      var answer = document.createElement('div');
      answer.className = 'answer markdown-prose';
      var error = document.createElement('div');
      error.className = 'error text-red-500';
      reasoning.textContent = (text && text.reasoning) || '';
      answer.textContent = (text && text.content) || '';
      el.append(reasoning, answer, error);
      el.dataset.status = text ? 'done' : 'streaming';
    }
    $('messages').append(el);
    el.scrollIntoView({ block: 'end' });
    return el;
  }

  function thinkingOn() {
    return $('thinking-toggle').getAttribute('aria-pressed') === 'true';
  }

  function setThinking(on) {
    var toggle = $('thinking-toggle');
    toggle.setAttribute('aria-pressed', String(on));
    toggle.classList.toggle('active', on);
  }

  function busy(on) {
    chat.busy = on;
    $('send-message-button').disabled = on;
    document.querySelector('.icon-StopIcon').hidden = !on;
  }

  async function send() {
    var input = $('chat-input');
    var prompt = input.value;
    if (chat.busy || !prompt.trim()) return;
    busy(true);
    input.value = '';
    addMessage('user', prompt);
    var el = addMessage('assistant');
    setStatus('streaming');
    var model = $('model-select').value;
    var toggle = $('thinking-toggle');
    var thinking = client.forcesThinking(chat.models, model) || (thinkingOn() && !toggle.disabled);
    try {
      // A dual response (protocol.md §9.14) brings two answers: this page keeps the first only.
      await client.send(
        chat,
        { prompt: prompt, model: model, mode: thinking ? 'thinking' : 'fast' },
        function (kind, index, value) {
          if (kind === 'chat') history.pushState({}, '', '/c/' + value);
          else if (kind === 'reasoning' && index === 0) el.querySelector('.reasoning').textContent = value;
          else if (kind === 'answer' && index === 0) el.querySelector('.answer').textContent = value;
        },
      );
      el.dataset.status = 'done';
      setStatus('done');
    } catch (e) {
      el.dataset.status = 'error';
      el.querySelector('.error').textContent = e.message;
      var punish = client.captchaUrl(e.message);
      if (punish) {
        var link = document.createElement('a');
        link.className = 'captcha-link';
        link.href = punish;
        link.textContent = ' Verify that you are human';
        el.querySelector('.error').append(link);
      }
      setStatus('error: ' + e.message);
    } finally {
      busy(false);
    }
  }

  function syncThinkingToggle() {
    var id = $('model-select').value;
    var forced = client.forcesThinking(chat.models, id);
    var toggle = $('thinking-toggle');
    toggle.disabled = !client.canThink(chat.models, id) || forced;
    setThinking(forced ? true : toggle.disabled ? false : thinkingOn());
  }

  function newChat() {
    chat.id = null;
    chat.parentId = null;
    $('messages').textContent = '';
    history.pushState({}, '', '/');
    setStatus('ready');
  }

  async function openChatFromPath() {
    var m = /^\/c\/([^/]+)$/.exec(location.pathname);
    if (!m) return;
    try {
      var detail = await client.chatDetail(m[1]);
      chat.id = detail.data.id;
      chat.parentId = detail.data.currentId;
      (detail.data.chat.messages || []).forEach(function (msg) {
        addMessage(msg.role, msg.role === 'user' ? msg.content : msg);
      });
    } catch (e) {
      newChat();
    }
  }

  async function showChat() {
    setStatus('loading models');
    chat.models = await client.models();
    var select = $('model-select');
    select.textContent = '';
    chat.models.forEach(function (m) {
      var opt = document.createElement('option');
      opt.value = m.id;
      opt.textContent = m.name || m.id;
      select.append(opt);
    });
    if (
      chat.models.some(function (m) {
        return m.id === CONFIG.defaultModel;
      })
    )
      select.value = CONFIG.defaultModel;
    syncThinkingToggle();
    // The chat shows once it can take a prompt (its models loaded), as the site's did.
    showView('chat');
    await openChatFromPath();
    setStatus('ready');
    document.body.dataset.ready = 'true';
  }

  async function login(ev) {
    ev.preventDefault();
    $('login-error').textContent = '';
    $('login-submit').disabled = true;
    try {
      await client.signin($('login-email').value, $('login-password').value);
      if (location.pathname === '/auth') history.replaceState({}, '', '/');
      await showChat();
    } catch (e) {
      $('login-error').textContent = e.message;
      setStatus('error: ' + e.message);
    } finally {
      $('login-submit').disabled = false;
    }
  }

  function logout() {
    localStorage.removeItem('token');
    document.body.dataset.ready = 'false';
    newChat();
    showView('login');
  }

  async function start() {
    $('login-form').addEventListener('submit', login);
    $('send-message-button').addEventListener('click', send);
    $('thinking-toggle').addEventListener('click', function () {
      if (!$('thinking-toggle').disabled) setThinking(!thinkingOn());
    });
    $('new-chat').addEventListener('click', newChat);
    $('logout').addEventListener('click', logout);
    $('model-select').addEventListener('change', syncThinkingToggle);
    $('chat-input').addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        send();
      }
    });
    if (!client.token() || location.pathname === '/auth') {
      showView('login');
      setStatus('signed out');
      return;
    }
    try {
      await client.me();
      await showChat();
    } catch (e) {
      if (e.status === 401) localStorage.removeItem('token');
      showView('login');
      setStatus(e.status === 401 ? 'signed out' : 'error: ' + e.message);
    }
  }
  start();
})();
`;

/**
 * The browser code of the simulator's chat page, as plain ES2020 text. It is a string, not a
 * serialised TS function, because the TS toolchain (tsx/esbuild keepNames) would inject helpers
 * that do not exist in the page. It reads its settings from the JSON blob that web-page.ts writes
 * from the TS constants (WEB_CLIENT, webFeatureConfig, webCompletionBody), so the requests it sends
 * cannot drift from the `web` shape in src/upstream/shapes.ts.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var CONFIG = JSON.parse(document.getElementById('sim-config').textContent);
  function $(id) { return document.getElementById(id); }
  var chat = { id: null, parentId: null, busy: false, models: [] };

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  async function sha256hex(text) {
    if (!crypto.subtle) throw new Error('this page needs a secure context (open it on 127.0.0.1 or localhost)');
    var digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    return Array.prototype.map.call(new Uint8Array(digest), function (x) { return (x + 256).toString(16).slice(1); }).join('');
  }
  function token() { return localStorage.getItem('token'); }
  function setStatus(text) { $('status').textContent = text; }

  // The headers the React client sets itself; Chromium adds Origin, Referer, UA, sec-* and cookies.
  function apiHeaders(accept, opts) {
    opts = opts || {};
    var h = { 'Accept': accept };
    if (token()) h['Authorization'] = 'Bearer ' + token();
    h['bx-v'] = CONFIG.webClient.bxV;
    if (opts.json) h['Content-Type'] = 'application/json';
    h['source'] = CONFIG.webClient.source;
    h['timezone'] = new Date().toString().replace(/\s*\(.*\)$/, '');
    h['version'] = CONFIG.webClient.version;
    h['x-request-id'] = uuid();
    if (opts.stream) h['X-Accel-Buffering'] = 'no';
    return h;
  }

  function describeFailure(status, text) {
    var value = null;
    try { value = JSON.parse(text); } catch (e) { value = null; }
    if (value && value.data && value.data.code) {
      var details = Array.isArray(value.data.details) ? value.data.details.join('; ') : String(value.data.details || '');
      return value.data.code + ': ' + details + ' (HTTP ' + status + ')';
    }
    if (value && Array.isArray(value.ret)) return 'WAF: ' + value.ret.join(', ') + ' (HTTP ' + status + ')';
    if (/aliyun_waf/i.test(text)) return 'WAF: blocked by the Aliyun WAF page (HTTP ' + status + ')';
    return 'HTTP ' + status + ': ' + text.slice(0, 120);
  }

  async function getJson(path) {
    var res = await fetch(path, { headers: apiHeaders('application/json, text/plain, */*') });
    var text = await res.text();
    if (!res.ok) { var err = new Error(describeFailure(res.status, text)); err.status = res.status; throw err; }
    return JSON.parse(text);
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
      var reasoning = document.createElement('pre'); reasoning.className = 'reasoning';
      var answer = document.createElement('div'); answer.className = 'answer';
      var error = document.createElement('div'); error.className = 'error';
      reasoning.textContent = text && text.reasoning || '';
      answer.textContent = text && text.content || '';
      el.append(reasoning, answer, error);
      el.dataset.status = text ? 'done' : 'streaming';
    }
    $('messages').append(el);
    el.scrollIntoView({ block: 'end' });
    return el;
  }

  function renderSummary(titles, thoughts) {
    return titles.map(function (t, i) { return '**' + t + '**\n' + (thoughts[i] || ''); }).join('\n\n');
  }

  async function readStream(res, el) {
    var reader = res.body.getReader();
    var decoder = new TextDecoder();
    var buf = '', answer = '', think = '', finished = false, titles = [], thoughts = [];
    function onData(data) {
      if (data === '[DONE]') return;
      var ev;
      try { ev = JSON.parse(data); } catch (e) { throw new Error('malformed event: ' + data.slice(0, 80)); }
      if (ev['response.created']) { chat.parentId = ev['response.created'].response_id; return; }
      if (ev.success === false || ev.error) throw new Error(describeFailure(200, data));
      var delta = ev.choices && ev.choices[0] && ev.choices[0].delta;
      if (!delta) return;
      if (delta.phase === 'thinking_summary') {
        var extra = delta.extra || {};
        if (extra.summary_title) titles = extra.summary_title.content || titles;
        if (extra.summary_thought) thoughts = extra.summary_thought.content || thoughts;
        el.querySelector('.reasoning').textContent = renderSummary(titles, thoughts);
      } else if (delta.phase === 'think') {
        think += delta.content || '';
        el.querySelector('.reasoning').textContent = think;
      } else {
        answer += delta.content || '';
        el.querySelector('.answer').textContent = answer;
        if (delta.status === 'finished') finished = true;
      }
    }
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) break;
      buf += decoder.decode(chunk.value, { stream: true });
      var idx;
      while ((idx = buf.indexOf('\n\n')) >= 0) {
        var block = buf.slice(0, idx); buf = buf.slice(idx + 2);
        var lines = block.split('\n').filter(function (l) { return l.indexOf('data:') === 0; });
        if (lines.length) onData(lines.map(function (l) { return l.slice(5).replace(/^ /, ''); }).join('\n'));
      }
    }
    if (!finished) throw new Error('the stream ended before its finished event');
  }

  function completionBody(prompt, model, thinking) {
    var body = JSON.parse(JSON.stringify(CONFIG.bodyTemplate));
    var seconds = Math.floor(Date.now() / 1000);
    var msg = body.messages[0];
    body.chat_id = chat.id; body.model = model; body.parent_id = chat.parentId;
    msg.fid = uuid(); msg.parentId = chat.parentId; msg.childrenIds = [uuid()]; msg.content = prompt;
    msg.timestamp = seconds; msg.models = [model];
    msg.feature_config = thinking ? CONFIG.featureConfig.on : CONFIG.featureConfig.off;
    msg.parent_id = chat.parentId;
    body.timestamp = seconds;
    return body;
  }

  async function send() {
    var input = $('chat-input');
    var prompt = input.value;
    if (chat.busy || !prompt.trim()) return;
    chat.busy = true; $('send-button').disabled = true;
    input.value = '';
    addMessage('user', prompt);
    var el = addMessage('assistant');
    setStatus('streaming');
    var model = $('model-select').value;
    var toggle = $('thinking-toggle');
    var thinking = toggle.checked && !toggle.disabled;
    try {
      if (!chat.id) {
        var created = await fetch('/api/v2/chats/new', {
          method: 'POST', headers: apiHeaders('application/json, text/plain, */*', { json: true }),
          body: JSON.stringify({ title: 'New Chat', models: [model], chat_mode: 'normal', chat_type: 't2t', timestamp: Date.now() }),
        });
        var createdText = await created.text();
        var createdJson = null;
        try { createdJson = JSON.parse(createdText); } catch (e) { createdJson = null; }
        if (!created.ok || !createdJson || !createdJson.success) throw new Error(describeFailure(created.status, createdText));
        chat.id = createdJson.data.id;
        history.pushState({}, '', '/c/' + chat.id);
      }
      var res = await fetch('/api/v2/chat/completions?chat_id=' + encodeURIComponent(chat.id), {
        method: 'POST', headers: apiHeaders('text/event-stream', { json: true, stream: true }),
        body: JSON.stringify(completionBody(prompt, model, thinking)),
      });
      if ((res.headers.get('content-type') || '').indexOf('text/event-stream') !== 0) throw new Error(describeFailure(res.status, await res.text()));
      await readStream(res, el);
      el.dataset.status = 'done';
      setStatus('done');
    } catch (e) {
      el.dataset.status = 'error';
      el.querySelector('.error').textContent = e.message;
      setStatus('error: ' + e.message);
    } finally {
      chat.busy = false; $('send-button').disabled = false;
    }
  }

  function syncThinkingToggle() {
    var model = chat.models.find(function (m) { return m.id === $('model-select').value; });
    var caps = model && model.info && model.info.meta && model.info.meta.capabilities || {};
    var toggle = $('thinking-toggle');
    toggle.disabled = !caps.thinking;
    if (toggle.disabled) toggle.checked = false;
  }

  function newChat() {
    chat.id = null; chat.parentId = null;
    $('messages').textContent = '';
    history.pushState({}, '', '/');
    setStatus('ready');
  }

  async function openChatFromPath() {
    var m = /^\/c\/([^/]+)$/.exec(location.pathname);
    if (!m) return;
    try {
      var detail = await getJson('/api/v2/chats/' + encodeURIComponent(m[1]));
      chat.id = detail.data.id; chat.parentId = detail.data.currentId;
      (detail.data.chat.messages || []).forEach(function (msg) { addMessage(msg.role, msg.role === 'user' ? msg.content : msg); });
    } catch (e) {
      newChat();
    }
  }

  async function showChat() {
    showView('chat');
    setStatus('loading models');
    var models = await getJson('/api/models');
    chat.models = models.data || [];
    var select = $('model-select');
    select.textContent = '';
    chat.models.forEach(function (m) {
      var opt = document.createElement('option'); opt.value = m.id; opt.textContent = m.name || m.id; select.append(opt);
    });
    if (chat.models.some(function (m) { return m.id === CONFIG.defaultModel; })) select.value = CONFIG.defaultModel;
    syncThinkingToggle();
    await openChatFromPath();
    setStatus('ready');
    document.body.dataset.ready = 'true';
  }

  async function login(ev) {
    ev.preventDefault();
    $('login-error').textContent = '';
    $('login-submit').disabled = true;
    try {
      var res = await fetch('/api/v1/auths/signin', {
        method: 'POST', headers: { 'Accept': 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: $('login-email').value.trim(), password: await sha256hex($('login-password').value) }),
      });
      var text = await res.text();
      if (!res.ok) throw new Error(describeFailure(res.status, text));
      localStorage.setItem('token', JSON.parse(text).token);
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
    $('send-button').addEventListener('click', send);
    $('new-chat').addEventListener('click', newChat);
    $('logout').addEventListener('click', logout);
    $('model-select').addEventListener('change', syncThinkingToggle);
    $('chat-input').addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); send(); }
    });
    if (!token() || location.pathname === '/auth') { showView('login'); setStatus('signed out'); return; }
    try {
      await getJson('/api/v1/auths/');
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

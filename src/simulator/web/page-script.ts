/**
 * The browser code of the simulator's chat page, as plain ES2020 text. It is a string, not a
 * serialised TS function, because the TS toolchain (tsx/esbuild keepNames) would inject helpers
 * that do not exist in the page. It reads its settings from the JSON blob that web-page.ts writes
 * from the TS constants (WEB_CLIENT, webFeatureConfig, webCompletionBody; in the 2026-08 era the
 * bodies of front-end-2026.ts and `CONFIG.frontEnd`), so the requests it sends cannot drift from the
 * era's `web` shape in src/upstream/shapes.ts. Signing is not its business: in the 2026 eras the
 * signing script (signing-script.ts) wraps `fetch` underneath it.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var CONFIG = JSON.parse(document.getElementById('sim-config').textContent);
  // Present in the 2026-08 front end's era: cookie-only auth, new paths and bodies.
  var FE = CONFIG.frontEnd || null;
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
    if (token() && !(FE && FE.bearer === false)) h['Authorization'] = 'Bearer ' + token();
    h['bx-v'] = CONFIG.webClient.bxV;
    if (opts.json) h['Content-Type'] = 'application/json';
    h['source'] = CONFIG.webClient.source;
    h['timezone'] = new Date().toString().replace(/\s*\(.*\)$/, '');
    h['version'] = CONFIG.webClient.version;
    h['x-request-id'] = uuid();
    if (opts.stream) h['X-Accel-Buffering'] = 'no';
    return h;
  }

  // The punish URL of a captcha answer, so the page can offer the slider (protocol.md §9.6).
  function captchaUrl(text) {
    var m = /(\S*\/_____tmd_____\/punish\?\S*)/.exec(text || '');
    return m ? m[1] : null;
  }

  function describeFailure(status, text) {
    var value = null;
    try { value = JSON.parse(text); } catch (e) { value = null; }
    if (value && value.data && value.data.code) {
      var details = Array.isArray(value.data.details) ? value.data.details.join('; ') : String(value.data.details || '');
      return value.data.code + ': ' + details + ' (HTTP ' + status + ')';
    }
    if (value && Array.isArray(value.ret)) {
      var url = value.data && value.data.url ? ' ' + value.data.url : '';
      return 'WAF: ' + value.ret.join(', ') + ' (HTTP ' + status + ')' + url;
    }
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
    var buf = '', answer = '', think = '', finished = false, titles = [], thoughts = [], kept = null;
    function onData(data) {
      if (data === '[DONE]') return;
      var ev;
      try { ev = JSON.parse(data); } catch (e) { throw new Error('malformed event: ' + data.slice(0, 80)); }
      // A dual response (protocol.md §9.14) brings a second response.created: keep the first answer only.
      if (ev['response.created']) {
        if (kept === null) { kept = ev['response.created'].response_id; chat.parentId = kept; }
        return;
      }
      if (kept !== null && ev.response_id && ev.response_id !== kept) return;
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
    var now = Date.now();
    var seconds = Math.floor(now / 1000);
    var msg = body.messages[0];
    body.chat_id = chat.id; body.model = model; body.parent_id = chat.parentId;
    msg.fid = uuid(); msg.parentId = chat.parentId; msg.childrenIds = [uuid()]; msg.content = prompt;
    msg.timestamp = seconds; msg.models = [model];
    var features = thinking ? CONFIG.featureConfig.on : CONFIG.featureConfig.off;
    msg.feature_config = 'instructions' in msg.feature_config ? Object.assign({}, features, { instructions: null }) : features;
    msg.parent_id = chat.parentId;
    body.timestamp = seconds;
    if (FE) {
      body.chatId = chat.id; body.parentId = chat.parentId;
      msg.model = FE.messageModel === 'empty' ? '' : model;
      if (FE.completionTimestamp === 'ms') body.timestamp = now;
    }
    return body;
  }

  function chatsNewBody(model) {
    if (!CONFIG.chatsNewTemplate) return { title: 'New Chat', models: [model], chat_mode: 'normal', chat_type: 't2t', timestamp: Date.now() };
    var body = JSON.parse(JSON.stringify(CONFIG.chatsNewTemplate));
    body.models = [model]; body.timestamp = Date.now();
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
    var thinking = forcesThinking(model) || (toggle.checked && !toggle.disabled);
    try {
      if (!chat.id) {
        // The 2026 front end opens /c/new-chat first, so chats/new goes out with that Referer (§9.11).
        if (FE && FE.newChatPath) history.pushState({}, '', FE.newChatPath);
        var created = await fetch('/api/v2/chats/new', {
          method: 'POST', headers: apiHeaders('application/json, text/plain, */*', { json: true }),
          body: JSON.stringify(chatsNewBody(model)),
        });
        var createdText = await created.text();
        var createdJson = null;
        try { createdJson = JSON.parse(createdText); } catch (e) { createdJson = null; }
        if (!created.ok || !createdJson || !createdJson.success) throw new Error(describeFailure(created.status, createdText));
        chat.id = createdJson.data.id;
        history.pushState({}, '', '/c/' + chat.id);
      }
      var res = await fetch('/api/v2/chat/completions?chat_id=' + encodeURIComponent(chat.id), {
        method: 'POST', headers: apiHeaders(FE ? FE.completionAccept : 'text/event-stream', { json: true, stream: true }),
        body: JSON.stringify(completionBody(prompt, model, thinking)),
      });
      if ((res.headers.get('content-type') || '').indexOf('text/event-stream') !== 0) throw new Error(describeFailure(res.status, await res.text()));
      await readStream(res, el);
      el.dataset.status = 'done';
      setStatus('done');
    } catch (e) {
      el.dataset.status = 'error';
      el.querySelector('.error').textContent = e.message;
      var punish = captchaUrl(e.message);
      if (punish) {
        var link = document.createElement('a');
        link.className = 'captcha-link'; link.href = punish; link.textContent = ' Verify that you are human';
        el.querySelector('.error').append(link);
      }
      setStatus('error: ' + e.message);
    } finally {
      chat.busy = false; $('send-button').disabled = false;
    }
  }

  function metaOf(id) {
    var model = chat.models.find(function (m) { return m.id === id; });
    return model && model.info && model.info.meta || {};
  }
  // think_skip.enable false: the model always thinks, and refuses thinking_enabled:false (§9.15).
  function forcesThinking(id) {
    var skip = metaOf(id).think_skip;
    return Boolean(skip && skip.enable === false);
  }

  function syncThinkingToggle() {
    var id = $('model-select').value;
    var caps = metaOf(id).capabilities || {};
    var toggle = $('thinking-toggle');
    toggle.disabled = !caps.thinking || forcesThinking(id);
    toggle.checked = forcesThinking(id) ? true : toggle.disabled ? false : toggle.checked;
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
    var models = await getJson(FE ? FE.modelsPath : '/api/models');
    // /api/v2/models/ of 2026 nests the list: data.data[] (§9.19).
    chat.models = Array.isArray(models.data) ? models.data : (models.data && models.data.data) || [];
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
      var res = await fetch(FE ? '/api/v2/auths/signin' : '/api/v1/auths/signin', {
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

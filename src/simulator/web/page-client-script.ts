/**
 * The protocol half of the simulator's pages, as plain ES2020 text (for the reason given in
 * page-script.ts): sign-in, who-am-I, the model list, chats/new and the completion stream, with the
 * headers the React client sets itself. It defines `window.qwenPageClient(CONFIG)`; each page (the
 * 2025 Open WebUI page, the 2026 page) is a view on top of it, so the requests a page sends depend on
 * the era (`CONFIG.frontEnd`, present for the 2026-08 front end: cookie-only auth, new paths and
 * bodies), not on which DOM shows them. The bodies come from the TS templates in the page's config,
 * so they cannot drift from the era's `web` shape. Signing is not its business: in the 2026 eras the
 * signing script (signing-script.ts) wraps `fetch` underneath it.
 */
export const PAGE_CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  window.qwenPageClient = function (CONFIG) {
    var FE = CONFIG.frontEnd || null;
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
      // Headers a newer front end sends (a drift of the simulator).
      var extra = (CONFIG.drift && CONFIG.drift.headers) || {};
      Object.keys(extra).forEach(function (name) { h[name] = extra[name]; });
      return h;
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

    // The punish URL of a captcha answer, so the page can offer the slider (protocol.md §9.6).
    function captchaUrl(text) {
      var m = /(\S*\/_____tmd_____\/punish\?\S*)/.exec(text || '');
      return m ? m[1] : null;
    }

    async function getJson(path) {
      var res = await fetch(path, { headers: apiHeaders('application/json, text/plain, */*') });
      var text = await res.text();
      if (!res.ok) { var err = new Error(describeFailure(res.status, text)); err.status = res.status; throw err; }
      return JSON.parse(text);
    }

    function renderSummary(titles, thoughts) {
      return titles.map(function (t, i) { return '**' + t + '**\n' + (thoughts[i] || ''); }).join('\n\n');
    }

    // Reads the completion stream; 'on' gets (kind, index, value) as it arrives: 'response' with the
    // response_id of answer number index (a dual response brings two), 'reasoning' and 'answer' with
    // the text of that answer so far.
    async function readStream(res, chat, on) {
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buf = '', finished = false, answers = [];
      // Events name their answer by response_id; without one they belong to the first.
      function answerOf(ev) {
        var i = answers.findIndex(function (a) { return a.id !== null && a.id === ev.response_id; });
        return i >= 0 ? i : 0;
      }
      function onData(data) {
        if (data === '[DONE]') return;
        var ev;
        try { ev = JSON.parse(data); } catch (e) { throw new Error('malformed event: ' + data.slice(0, 80)); }
        if (ev['response.created']) {
          var created = ev['response.created'];
          answers.push({ id: created.response_id, answer: '', think: '', titles: [], thoughts: [] });
          // The next turn follows the first answer.
          if (answers.length === 1) chat.parentId = created.response_id;
          on('response', answers.length - 1, created.response_id);
          return;
        }
        if (ev.success === false || ev.error) throw new Error(describeFailure(200, data));
        var delta = ev.choices && ev.choices[0] && ev.choices[0].delta;
        if (!delta) return;
        if (answers.length === 0) answers.push({ id: null, answer: '', think: '', titles: [], thoughts: [] });
        var index = answerOf(ev);
        var a = answers[index];
        if (delta.phase === 'thinking_summary') {
          var extra = delta.extra || {};
          if (extra.summary_title) a.titles = extra.summary_title.content || a.titles;
          if (extra.summary_thought) a.thoughts = extra.summary_thought.content || a.thoughts;
          on('reasoning', index, renderSummary(a.titles, a.thoughts));
        } else if (delta.phase === 'think') {
          a.think += delta.content || '';
          on('reasoning', index, a.think);
        } else {
          a.answer += delta.content || '';
          on('answer', index, a.answer);
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

    function featureConfig(mode) {
      return mode === 'thinking' ? CONFIG.featureConfig.on : mode === 'auto' && CONFIG.featureConfig.auto ? CONFIG.featureConfig.auto : CONFIG.featureConfig.off;
    }

    function completionBody(chat, prompt, model, mode) {
      var body = JSON.parse(JSON.stringify(CONFIG.bodyTemplate));
      var now = Date.now();
      var seconds = Math.floor(now / 1000);
      var msg = body.messages[0];
      body.chat_id = chat.id; body.model = model; body.parent_id = chat.parentId;
      msg.fid = uuid(); msg.parentId = chat.parentId; msg.childrenIds = [uuid()]; msg.content = prompt;
      msg.timestamp = seconds; msg.models = [model];
      var features = featureConfig(mode);
      msg.feature_config = 'instructions' in msg.feature_config ? Object.assign({}, features, { instructions: null }) : features;
      msg.parent_id = chat.parentId;
      body.timestamp = seconds;
      if (FE) {
        body.chatId = chat.id; body.parentId = chat.parentId;
        msg.model = FE.messageModel === 'empty' ? '' : model;
        if (FE.completionTimestamp === 'ms') body.timestamp = now;
      }
      // Fields a newer front end sends under another name (a drift of the simulator), in place.
      ((CONFIG.drift && CONFIG.drift.renamedFields) || []).forEach(function (r) {
        if (!(r.from in body)) return;
        var renamed = {};
        Object.keys(body).forEach(function (k) { renamed[k === r.from ? r.to : k] = body[k]; });
        body = renamed;
      });
      return body;
    }

    function chatsNewBody(model) {
      if (!CONFIG.chatsNewTemplate) return { title: 'New Chat', models: [model], chat_mode: 'normal', chat_type: 't2t', timestamp: Date.now() };
      var body = JSON.parse(JSON.stringify(CONFIG.chatsNewTemplate));
      body.models = [model]; body.timestamp = Date.now();
      return body;
    }

    // One turn: chats/new for a new chat ('on' gets 'chat' with its id), then the completion stream.
    async function send(chat, turn, on) {
      if (!chat.id) {
        // The 2026 front end opens /c/new-chat first, so chats/new goes out with that Referer (§9.11).
        if (FE && FE.newChatPath) history.pushState({}, '', FE.newChatPath);
        var created = await fetch('/api/v2/chats/new', {
          method: 'POST', headers: apiHeaders('application/json, text/plain, */*', { json: true }),
          body: JSON.stringify(chatsNewBody(turn.model)),
        });
        var createdText = await created.text();
        var createdJson = null;
        try { createdJson = JSON.parse(createdText); } catch (e) { createdJson = null; }
        if (!created.ok || !createdJson || !createdJson.success) throw new Error(describeFailure(created.status, createdText));
        chat.id = createdJson.data.id;
        on('chat', 0, chat.id);
      }
      var completionPath = (CONFIG.drift && CONFIG.drift.completionPath) || '/api/v2/chat/completions';
      var res = await fetch(completionPath + '?chat_id=' + encodeURIComponent(chat.id), {
        method: 'POST', headers: apiHeaders(FE ? FE.completionAccept : 'text/event-stream', { json: true, stream: true }),
        body: JSON.stringify(completionBody(chat, turn.prompt, turn.model, turn.mode)),
      });
      if ((res.headers.get('content-type') || '').indexOf('text/event-stream') !== 0) throw new Error(describeFailure(res.status, await res.text()));
      await readStream(res, chat, on);
    }

    async function signin(email, password) {
      var res = await fetch(CONFIG.signinPath || '/api/v1/auths/signin', {
        method: 'POST', headers: { 'Accept': 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: email.trim(), password: await sha256hex(password) }),
      });
      var text = await res.text();
      if (!res.ok) throw new Error(describeFailure(res.status, text));
      var answer = JSON.parse(text);
      localStorage.setItem('token', answer.token);
      return answer;
    }

    function metaOf(models, id) {
      var model = models.find(function (m) { return m.id === id; });
      return model && model.info && model.info.meta || {};
    }

    return {
      token: token,
      getJson: getJson,
      me: function () { return getJson('/api/v1/auths/'); },
      models: async function () {
        // /api/v2/models/ of 2026 nests the list: data.data[] (§9.19).
        var models = await getJson(FE ? FE.modelsPath : '/api/models');
        return Array.isArray(models.data) ? models.data : (models.data && models.data.data) || [];
      },
      chatDetail: function (id) { return getJson('/api/v2/chats/' + encodeURIComponent(id)); },
      send: send,
      signin: signin,
      canThink: function (models, id) { return Boolean((metaOf(models, id).capabilities || {}).thinking); },
      // think_skip.enable false: the model always thinks, and refuses thinking_enabled:false (§9.15).
      forcesThinking: function (models, id) {
        var skip = metaOf(models, id).think_skip;
        return Boolean(skip && skip.enable === false);
      },
      captchaUrl: captchaUrl,
    };
  };
})();
`;

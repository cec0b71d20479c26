/**
 * The page script that plays baxia's part (protocol.md §9.3, §9.4) in the 2026 eras: it sets the
 * device cookies the real page's scripts set (`cna`, `isg`, `tfstk`), fetches a `bx-umidtoken` from the
 * simulator's token endpoint (sg-wum's `/w/wu.json`), and wraps `window.fetch` so that every API
 * request of the page carries `bx-ua`, `bx-umidtoken` and `bx-pp`.
 *
 * It is its own script, wrapping `window.fetch` rather than being called by the app, so that any page
 * can carry it (issue 19's redesigned page) and anything that calls `fetch` inside the page, such as a
 * browser transport, gets signed requests without knowing how. The MACs are computed with WebCrypto
 * from the per-run key the page is given, as baxia carries its own key material; the server half is
 * src/simulator/anti-bot/signatures.ts. Plain ES2020 text, for the same reason as page-script.ts.
 */
import { MAC_LABELS, BX_UA_PREFIX } from '../anti-bot/signatures.js';

/** The token endpoint's path: sg-wum.alibaba.com's, served on the simulator's origin. */
export const UMID_TOKEN_PATH = '/w/wu.json';

/** What the script is given. */
export interface SigningScriptConfig {
  /** The simulator's signing key. */
  readonly key: Buffer;
  /** `bx-v` of the era, written into bx-ua. */
  readonly bxV: string;
  /** Fetch a new bx-umidtoken after this long (a margin under the server's 4 hours). */
  readonly umidRefreshMs?: number;
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The script text, ready for a `<script>` element placed before the app's script. */
export function signingScript(config: SigningScriptConfig): string {
  const settings = {
    k: config.key.toString('base64'),
    bxV: config.bxV,
    tokenPath: UMID_TOKEN_PATH,
    umidRefreshMs: config.umidRefreshMs ?? 3 * 3600 * 1000,
    labels: MAC_LABELS,
    uaPrefix: BX_UA_PREFIX,
  };
  return SIGNING_SCRIPT.replace('__SIGNING_CONFIG__', () => scriptJson(settings));
}

const SIGNING_SCRIPT = String.raw`
(function () {
  'use strict';
  var CFG = __SIGNING_CONFIG__;
  var enc = new TextEncoder();
  var keyBytes = Uint8Array.from(atob(CFG.k), function (c) {
    return c.charCodeAt(0);
  });
  var keyPromise = crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  var nativeFetch = window.fetch.bind(window);

  function base64url(bytes) {
    var s = '';
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function randomText(n) {
    return base64url(crypto.getRandomValues(new Uint8Array(n)));
  }
  function randomHex(n) {
    return Array.prototype.map
      .call(crypto.getRandomValues(new Uint8Array(n)), function (x) {
        return (x + 256).toString(16).slice(1);
      })
      .join('');
  }
  // HMAC-SHA256 of "label\n" + bytes, base64url: the MAC of anti-bot/signatures.ts.
  async function mac(label, bytes) {
    var head = enc.encode(label + '\n');
    var all = new Uint8Array(head.length + bytes.length);
    all.set(head);
    all.set(bytes, head.length);
    return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', await keyPromise, all)));
  }
  function cookie(name) {
    var m = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
    return m ? m[1] : null;
  }
  function setCookie(name, value, days) {
    document.cookie = name + '=' + value + '; path=/; max-age=' + days * 86400 + '; SameSite=Lax';
  }

  // The device cookies of the real page's scripts: cna (the tracker), isg and tfstk (baxia).
  if (!cookie('cna')) setCookie('cna', randomText(18), 365);
  if (!cookie('isg')) setCookie('isg', 'B' + randomText(42), 180);
  if (!cookie('tfstk')) setCookie('tfstk', 'f' + randomText(96), 180);

  var sessionId = crypto.randomUUID ? crypto.randomUUID() : randomHex(16);
  // Stands in for the browser fingerprint baxia packs into bx-ua; it brings the header to about 1.2k.
  var fingerprint = randomHex(326);
  var umid = null,
    umidAt = 0,
    umidPending = null;

  function umidToken() {
    if (umid && Date.now() - umidAt < CFG.umidRefreshMs) return Promise.resolve(umid);
    if (!umidPending) {
      umidPending = nativeFetch(CFG.tokenPath, { credentials: 'same-origin' })
        .then(function (res) {
          return res.text();
        })
        .then(function (text) {
          var m = /umx\.wu\('([^']+)'\)/.exec(text) || /__fycb\('([^']+)'\)/.exec(text);
          if (!m) throw new Error('no bx-umidtoken from ' + CFG.tokenPath);
          umid = m[1];
          umidAt = Date.now();
          return umid;
        })
        .finally(function () {
          umidPending = null;
        });
    }
    return umidPending;
  }

  async function bxUa() {
    var payload = JSON.stringify({
      v: CFG.bxV,
      t: Date.now(),
      sid: sessionId,
      ua: navigator.userAgent,
      fp: fingerprint,
    });
    return CFG.uaPrefix + btoa(payload + '|' + (await mac(CFG.labels['bx-ua'], enc.encode(payload))));
  }

  function isApiRequest(url) {
    return url.origin === location.origin && url.pathname.indexOf('/api/') === 0;
  }

  window.fetch = async function (input, init) {
    var url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url, location.href);
    if (!isApiRequest(url)) return nativeFetch(input, init);
    var options = Object.assign({}, init);
    var headers = new Headers(options.headers || (input instanceof Request ? input.headers : undefined));
    var body = typeof options.body === 'string' ? options.body : '';
    headers.set('bx-ua', await bxUa());
    headers.set('bx-umidtoken', await umidToken());
    headers.set('bx-pp', await mac(CFG.labels['bx-pp'], enc.encode(body)));
    options.headers = headers;
    return nativeFetch(input, options);
  };
})();
`;

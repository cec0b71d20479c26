/**
 * The captcha ("punish") page of the simulated anti-bot layer (protocol.md §9.6, §11.13): an Aliyun
 * NoCaptcha-style "slide to verify" control. A person drags the handle to the end; the page posts the
 * drag's trace with the `x5secdata` of its URL, and the server answers with the `x5sec` cookie, which
 * then lets the account through. A test can solve it by driving Chromium's mouse (Playwright).
 * `CAPTCHA_SELECTORS` is the contract with such tests.
 */

/** Element selectors of the captcha page. The ids follow Alibaba's slider (`#nc_1_n1z`, §12.2). */
export const CAPTCHA_SELECTORS = {
  container: '.nc-container',
  track: '#nc_1__scale_text',
  handle: '#nc_1_n1z',
  /** `data-state`: `idle`, `verifying`, `verified` or `failed`. */
  status: '#nc-status',
  back: '#nc-back',
} as const;

/** Where the page posts the drag. */
export const CAPTCHA_VERIFY_PATH = '/_____tmd_____/verify';

/** Width of the track and the handle, in CSS pixels. */
export const CAPTCHA_TRACK_WIDTH = 300;
export const CAPTCHA_HANDLE_WIDTH = 40;

const STYLE = `
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; background: #f6f6f8; color: #1d1d1f; }
  .nc-container {
    max-width: 360px; margin: 80px auto; padding: 24px; background: #fff; border: 1px solid #ddd;
    border-radius: 10px;
  }
  #nc_1__scale_text {
    position: relative; width: ${CAPTCHA_TRACK_WIDTH}px; height: 34px; background: #e8e8e8; border-radius: 4px;
    user-select: none;
  }
  #nc_1__bg { position: absolute; left: 0; top: 0; height: 34px; width: 0; background: #7ac23c; border-radius: 4px; }
  #nc_1_n1z {
    position: absolute; left: 0; top: 0; width: ${CAPTCHA_HANDLE_WIDTH}px; height: 34px; background: #fff;
    border: 1px solid #ccc; box-sizing: border-box; cursor: move; text-align: center; line-height: 32px;
  }
  .label { position: absolute; width: 100%; text-align: center; line-height: 34px; color: #888; pointer-events: none; }
  #nc-status[data-state="verified"] { color: #2e7d32; }
  #nc-status[data-state="failed"] { color: #b00020; }
`;

const SCRIPT = String.raw`
(function () {
  'use strict';
  var track = document.getElementById('nc_1__scale_text');
  var handle = document.getElementById('nc_1_n1z');
  var fill = document.getElementById('nc_1__bg');
  var status = document.getElementById('nc-status');
  var travel = track.clientWidth - handle.offsetWidth;
  var dragging = false, startX = 0, x = 0, trace = [], t0 = 0;
  function show(state, text) { status.dataset.state = state; status.textContent = text; }
  function place(to) {
    x = Math.max(0, Math.min(travel, to)); handle.style.left = x + 'px'; fill.style.width = x + 'px';
  }
  handle.addEventListener('mousedown', function (ev) {
    if (status.dataset.state === 'verified' || status.dataset.state === 'verifying') return;
    dragging = true; startX = ev.clientX - x; trace = []; t0 = performance.now();
    ev.preventDefault();
  });
  document.addEventListener('mousemove', function (ev) {
    if (!dragging) return;
    place(ev.clientX - startX);
    trace.push([Math.round(x), Math.round(ev.clientY), Math.round(performance.now() - t0)]);
  });
  document.addEventListener('mouseup', async function () {
    if (!dragging) return;
    dragging = false;
    if (x < travel - 2) { place(0); show('idle', 'Slide all the way to the right'); return; }
    show('verifying', 'Verifying...');
    var params = new URLSearchParams(location.search);
    try {
      var res = await fetch(track.dataset.verify, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ x5secdata: params.get('x5secdata') || '', trace: trace, travel: travel }),
      });
      var answer = await res.json();
      if (!res.ok || !answer.success) throw new Error(answer.message || 'HTTP ' + res.status);
      show('verified', 'Verified');
      document.getElementById('nc-back').hidden = false;
    } catch (e) {
      place(0); show('failed', 'Verification failed: ' + e.message + '. Try again.');
    }
  });
})();
`;

/** The whole page. */
export function captchaPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verification</title>
<style>${STYLE}</style>
</head>
<body>
<div class="nc-container" id="nc_1_wrapper">
  <h2>Verification</h2>
  <p>Please slide to verify that you are not a robot (qwen-probe simulator).</p>
  <div id="nc_1__scale_text" data-verify="${CAPTCHA_VERIFY_PATH}">
    <div id="nc_1__bg"></div>
    <span class="label">Slide to verify &gt;&gt;</span>
    <span id="nc_1_n1z" role="slider" aria-label="Slide to verify">&gt;&gt;</span>
  </div>
  <p id="nc-status" data-state="idle" role="status"></p>
  <p><a id="nc-back" href="/" hidden>Back to the chat</a></p>
</div>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** What the server wants of a drag: to the end of the track, in steps a hand would make. */
export function isHumanEnoughDrag(trace: unknown, travel: unknown): boolean {
  if (!Array.isArray(trace) || typeof travel !== 'number' || travel <= 0) return false;
  const xs = trace.map((p) => (Array.isArray(p) && typeof p[0] === 'number' ? p[0] : Number.NaN));
  if (xs.some((x) => Number.isNaN(x))) return false;
  // A script that sets the end position at once leaves a trace of one or two points.
  return new Set(xs).size >= 5 && (xs.at(-1) ?? 0) >= travel - 2;
}

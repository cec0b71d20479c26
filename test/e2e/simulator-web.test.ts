/**
 * A real Chromium uses the simulator's page: sign in, chat twice in one chat (the second turn
 * threaded through parent_id), think, and show errors; the requests the page sends are checked
 * against the `web` shape of src/upstream/shapes.ts.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_CLIENT } from '../../src/upstream/browser-headers.js';
import { webCompletionBody, webFeatureConfig } from '../../src/upstream/shapes.js';
import {
  DEMO_USER,
  expectedAnswer,
  PAGE_SELECTORS as S,
  startSimulator,
  type StartSimulatorOptions,
} from '../../src/simulator/index.js';
import { launchChromium } from '../support/chromium.js';

interface SentRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | null;
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Opens the page on a fresh simulator and records every /api request the page sends. */
async function openPage(options: StartSimulatorOptions = {}) {
  const sim = await startSimulator({ port: 0, chunkIntervalMs: 5, ...options });
  const context = await browser.newContext();
  const page = await context.newPage();
  const pending: Promise<SentRequest>[] = [];
  page.on('request', (r: Request) => {
    if (!new URL(r.url()).pathname.startsWith('/api/')) return;
    pending.push(r.allHeaders().then((headers) => ({ url: r.url(), method: r.method(), headers, body: r.postData() })));
  });
  const requests = () => Promise.all(pending);
  const close = async () => {
    await context.close();
    await sim.close();
  };
  return { sim, page, requests, close };
}

async function login(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.locator(S.loginView).waitFor();
  await page.fill(S.loginEmail, DEMO_USER.email);
  await page.fill(S.loginPassword, DEMO_USER.password);
  await page.click(S.loginSubmit);
  await page.locator(S.chatReady).waitFor();
}

/** Sends a prompt and waits until the n-th assistant message leaves `streaming`. */
async function say(page: Page, prompt: string, n: number) {
  await page.fill(S.chatInput, prompt);
  await page.click(S.sendButton);
  const message = page.locator(S.assistantMessage).nth(n - 1);
  await message.and(page.locator('[data-status="done"], [data-status="error"]')).waitFor();
  return {
    status: await message.getAttribute('data-status'),
    answer: await message.locator(S.answer).textContent(),
    reasoning: await message.locator(S.reasoning).textContent(),
    error: await message.locator(S.error).textContent(),
  };
}

function keyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyOrder);
  if (typeof value === 'object' && value !== null) return Object.entries(value).map(([k, v]) => [k, keyOrder(v)]);
  return value === null ? 'null' : typeof value;
}

const completions = (all: SentRequest[]) => all.filter((r) => r.url.includes('/api/v2/chat/completions'));

describe('the simulator page in Chromium', () => {
  it('signs in, chats twice in one threaded chat, and sends the web shape exactly', async () => {
    const { sim, page, requests, close } = await openPage();
    try {
      await login(page, sim.url);
      expect(await page.locator(S.modelSelect).inputValue()).toBe('qwen3-max');
      const first = await say(page, 'What is the simulator?', 1);
      expect(first).toEqual({
        status: 'done',
        answer: expectedAnswer('What is the simulator?').answer,
        reasoning: '',
        error: '',
      });
      const chatId = /\/c\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
      expect(chatId).toBeDefined();
      const second = await say(page, 'And a second turn', 2);
      expect(second.answer).toBe(expectedAnswer('And a second turn').answer);
      expect(await page.locator(S.userMessage).count()).toBe(2);
      expect(await page.locator(S.status).textContent()).toBe('done');

      const all = await requests();
      const signinBody = JSON.parse(all.find((r) => r.url.endsWith('/api/v1/auths/signin'))?.body ?? '{}');
      expect(signinBody.password).toMatch(/^[0-9a-f]{64}$/);
      const newChats = all.filter((r) => r.url.endsWith('/api/v2/chats/new'));
      expect(newChats).toHaveLength(1);
      expect(JSON.parse(newChats[0]?.body ?? '{}')).toEqual({
        title: 'New Chat',
        models: ['qwen3-max'],
        chat_mode: 'normal',
        chat_type: 't2t',
        timestamp: expect.any(Number),
      });

      const [c1, c2] = completions(all);
      expect(c1?.url).toBe(`${sim.url}/api/v2/chat/completions?chat_id=${chatId}`);
      const body1 = JSON.parse(c1?.body ?? '{}');
      const body2 = JSON.parse(c2?.body ?? '{}');
      const reference = webCompletionBody({
        chatId: 'c',
        model: 'qwen3-max',
        prompt: 'p',
        thinking: false,
        parentId: null,
        fid: 'f',
        childId: 'k',
        nowMs: Date.now(),
      });
      expect(keyOrder(body1)).toEqual(keyOrder(reference));
      expect(body1).toMatchObject({
        chat_id: chatId,
        model: 'qwen3-max',
        parent_id: null,
        messages: [{ content: 'What is the simulator?', feature_config: webFeatureConfig(false) }],
      });

      // The second turn continues from the first answer's response_id.
      const firstResponseId = sim.state.chats.get(chatId ?? '')?.messages[1]?.id;
      expect(firstResponseId).toBeDefined();
      expect(body2.parent_id).toBe(firstResponseId);
      expect(body2.messages[0].parent_id).toBe(firstResponseId);
      expect(body2.messages[0].parentId).toBe(firstResponseId);

      const h = c1?.headers ?? {};
      expect(h['accept']).toBe('text/event-stream');
      expect(h['authorization']).toMatch(/^Bearer eyJ/);
      expect(h['bx-v']).toBe(WEB_CLIENT.bxV);
      expect(h['version']).toBe(WEB_CLIENT.version);
      expect(h['source']).toBe('web');
      expect(h['content-type']).toBe('application/json');
      expect(h['x-accel-buffering']).toBe('no');
      expect(h['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(h['timezone']).toMatch(/^\w{3} \w{3} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4}$/);
      expect(h['referer']).toBe(`${sim.url}/c/${chatId}`);
      expect(h['cookie']).toMatch(/ssxmod_itna=1-/);
      expect(h['cookie']).toMatch(/token=eyJ/);
    } finally {
      await close();
    }
  });

  it('shows reasoning for a turn with the thinking toggle on', async () => {
    const { sim, page, requests, close } = await openPage();
    try {
      await login(page, sim.url);
      await page.selectOption(S.modelSelect, 'qwen3-235b-a22b');
      // The 2025 site's thinking switch is a button (aria-pressed, class active), not a checkbox.
      await page.click(S.thinkingToggle);
      expect(await page.locator(S.thinkingToggle).getAttribute('aria-pressed')).toBe('true');
      const turn = await say(page, 'Think about it', 1);
      const expected = expectedAnswer('Think about it', { thinking: true });
      expect(turn).toEqual({ status: 'done', answer: expected.answer, reasoning: expected.reasoning, error: '' });
      const body = JSON.parse(completions(await requests())[0]?.body ?? '{}');
      expect(body.messages[0].feature_config).toEqual(webFeatureConfig(true));
      // A model without thinking disables the toggle.
      await page.selectOption(S.modelSelect, 'qwen3-coder-plus');
      expect(await page.locator(S.thinkingToggle).isDisabled()).toBe(true);
    } finally {
      await close();
    }
  });

  it('passes the qwen-2026-06 WAF with its own cookies and headers', async () => {
    const { sim, page, close } = await openPage({ profile: 'qwen-2026-06' });
    try {
      await login(page, sim.url);
      const turn = await say(page, 'Hello from 2026', 1);
      expect(turn.status).toBe('done');
      expect(turn.answer).toBe(expectedAnswer('Hello from 2026').answer);
    } finally {
      await close();
    }
  });

  it('shows an error envelope in the assistant message and #status', async () => {
    const { sim, page, close } = await openPage();
    try {
      await login(page, sim.url);
      sim.setFaults([{ name: 'json-error-200', times: 1 }]);
      const turn = await say(page, 'This one fails', 1);
      expect(turn.status).toBe('error');
      expect(turn.error).toContain('Internal_Server_Error');
      expect(await page.locator(S.status).textContent()).toMatch(/^error: Internal_Server_Error/);
    } finally {
      await close();
    }
  });

  it('refuses a wrong password on the login form', async () => {
    const { sim, page, close } = await openPage();
    try {
      await page.goto(`${sim.url}/auth`);
      await page.fill(S.loginEmail, DEMO_USER.email);
      await page.fill(S.loginPassword, 'wrong');
      await page.click(S.loginSubmit);
      await expect
        .poll(() => page.locator(S.loginError).textContent())
        .toMatch(/^Unauthorized: The email or password provided is incorrect/);
    } finally {
      await close();
    }
  });
});

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../../src/proxy/index.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';

let upstream: FakeUpstream;
let proxy: ProxyServer;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  proxy = await startProxyServer({
    target: upstream.url,
    port: 0,
    sessions: [{ label: 'a', credentials: { token: 't' } }],
    log: () => undefined,
  });
});
afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
});

const STACK = /\n\s+at |node:internal|\.ts:\d+|\.js:\d+/;

/** Posts a raw body and checks the answer is a well-formed success or OpenAI error, never a crash or a stack. */
async function check(body: string): Promise<void> {
  const res = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  expect(res.status).toBeLessThan(500);
  expect(text).not.toMatch(STACK);
  if (res.status !== 200) {
    const error = (JSON.parse(text) as { error: { message: unknown; type: unknown } }).error;
    expect(typeof error.message).toBe('string');
    expect(typeof error.type).toBe('string');
  }
}

const roles = fc.constantFrom('user', 'assistant', 'system', 'developer', 'tool', 'function', 'robot', '', 'USER');
const content = fc.oneof(
  fc.string(),
  fc.constant(null),
  fc.integer(),
  fc.array(
    fc.record(
      { type: fc.constantFrom('text', 'image_url', 'x'), text: fc.oneof(fc.string(), fc.integer()) },
      { requiredKeys: ['type'] },
    ),
  ),
);
const message = fc.record({ role: roles, content, name: fc.string() }, { requiredKeys: [] });
const request = fc.record(
  {
    model: fc.oneof(fc.constant('qwen3-max'), fc.constant('qwen3-235b-a22b-thinking'), fc.string(), fc.integer()),
    messages: fc.oneof(fc.array(message, { maxLength: 4 }), fc.jsonValue()),
    stream: fc.oneof(fc.boolean(), fc.jsonValue()),
    stream_options: fc.oneof(fc.record({ include_usage: fc.boolean() }), fc.jsonValue()),
    n: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.jsonValue()),
    max_tokens: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.jsonValue()),
    temperature: fc.oneof(fc.double({ noNaN: true }), fc.jsonValue()),
    tools: fc.jsonValue(),
    stop: fc.jsonValue(),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe('serve under random and malformed request bodies', () => {
  it('answers arbitrary JSON with a success or an OpenAI error, never a crash or a stack', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), (value) => check(JSON.stringify(value))),
      { numRuns: 100 },
    );
  });

  it('answers random text bodies the same way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), (text) => check(text)),
      { numRuns: 100 },
    );
  });

  it('answers near-valid requests with wrong types, roles and parameters the same way', async () => {
    await fc.assert(
      fc.asyncProperty(request, (body) => check(JSON.stringify(body))),
      { numRuns: 200 },
    );
  });

  it('still serves after the fuzzing', async () => {
    expect((await fetch(`${proxy.url}/health`)).status).toBe(200);
    expect(proxy.handler.openResponses).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { formatClientSettings } from '../../src/capture/intercept/client-settings.js';
import { summarizeExchange } from '../../src/capture/intercept/exchange-summary.js';
import { makeExchange } from '../support/make-exchange.js';

describe('formatClientSettings', () => {
  const lines = formatClientSettings({
    proxyUrl: 'http://127.0.0.1:8080',
    caCertPath: '/home/me/.qwen-probe/ca/ca-cert.pem',
    spki: 'abc=',
    include: ['chat.qwen.ai'],
    mappings: [{ host: 'chat.qwen.ai', origin: 'http://127.0.0.1:8787' }],
    capturePath: 'captures/x.har',
  });
  const text = lines.join('\n');

  it('starts with the listening line scripts wait for', () => {
    expect(lines[0]).toBe('listening on http://127.0.0.1:8080');
  });

  it('gives ready-to-paste settings for proxies, Node, Python and Chromium', () => {
    expect(text).toContain('export HTTPS_PROXY=http://127.0.0.1:8080 HTTP_PROXY=http://127.0.0.1:8080');
    expect(text).toContain('export NODE_EXTRA_CA_CERTS=/home/me/.qwen-probe/ca/ca-cert.pem');
    expect(text).toContain(
      'SSL_CERT_FILE=/home/me/.qwen-probe/ca/ca-cert.pem REQUESTS_CA_BUNDLE=/home/me/.qwen-probe/ca/ca-cert.pem',
    );
    expect(text).toContain('--ignore-certificate-errors-spki-list=abc=');
    expect(text).toContain('mapped: chat.qwen.ai -> http://127.0.0.1:8787');
  });

  it('says how many worker processes share the port, and only when there are several', () => {
    expect(text).not.toContain('workers:');
    const several = formatClientSettings({
      proxyUrl: 'http://h:1',
      caCertPath: '/ca.pem',
      spki: 'x',
      include: [],
      mappings: [],
      workers: 3,
    });
    expect(several).toContain('workers: 3 processes share the port (--workers)');
    expect(several[0]).toBe('listening on http://h:1');
  });

  it('quotes a CA path that a shell would split', () => {
    const quoted = formatClientSettings({
      proxyUrl: 'http://h:1',
      caCertPath: "/tmp/my ca/it's.pem",
      spki: 'x',
      include: [],
      mappings: [],
    }).join('\n');
    expect(quoted).toContain(`NODE_EXTRA_CA_CERTS='/tmp/my ca/it'\\''s.pem'`);
  });
});

describe('summarizeExchange', () => {
  it('shows method, host and path, status, events, time and endpoint on one line', () => {
    const line = summarizeExchange(
      makeExchange({ startedAt: '2026-01-01T00:00:00.000Z', timings: { total: 830.4 }, endpoint: 'chat.completions' }),
    );
    expect(line).toMatch(
      new RegExp(
        String.raw`^\d\d:\d\d:\d\d\.\d{3} POST chat\.qwen\.ai/api/v2/chat/completions\?chat_id=… ` +
          String.raw`200 event-stream \d+ B 2 events 830 ms \[chat\.completions\]$`,
      ),
    );
  });

  it('hides query values, which may carry ids or tokens', () => {
    const line = summarizeExchange(makeExchange({ request: { url: 'https://chat.qwen.ai/x?token=secret123' } }));
    expect(line).not.toContain('secret123');
  });

  it('names the failure and a cut stream', () => {
    const line = summarizeExchange(
      makeExchange({ error: { code: 'ECONNRESET', message: 'aborted' }, tags: ['stream-cut'] }),
    );
    expect(line).toContain('ECONNRESET (stream cut): aborted');
  });
});

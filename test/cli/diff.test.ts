import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/cli/diff.js';
import type { CommandIo } from '../../src/cli/run-command.js';
import { runCli } from '../support/run-cli.js';

const FIX = 'fixtures/diff';
const seedV4 = { good: `${FIX}/seed-v4-vs-web/good.har`, bad: `${FIX}/seed-v4-vs-web/bad.har` };

function collectingIo(): CommandIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'qp-diff-'));
}

describe('qwen-probe diff', () => {
  it('prints a text report and returns 1 when the requests differ', async () => {
    const io = collectingIo();
    expect(await diff(seedV4, io, {}, false)).toBe(1);
    const text = io.lines.join('\n');
    expect(text).toMatch(/^qwen-probe diff: 51 differences across 2 pairs/);
    expect(text).not.toContain('\x1b[');
  });

  it('returns 0 when the requests match modulo volatile values', async () => {
    expect(
      await diff({ good: `${FIX}/web-vs-web/good.har`, bad: `${FIX}/web-vs-web/bad.har` }, collectingIo(), {}, false),
    ).toBe(0);
  });

  it('colours a terminal unless NO_COLOR is set', async () => {
    const coloured = collectingIo();
    await diff(seedV4, coloured, {}, true);
    expect(coloured.lines.join('\n')).toContain('\x1b[');
    const plain = collectingIo();
    await diff(seedV4, plain, { NO_COLOR: '1' }, true);
    expect(plain.lines.join('\n')).not.toContain('\x1b[');
  });

  it('picks the report format from the --out extension and says where it wrote', async () => {
    const dir = await tempDir();
    for (const [file, start] of [
      ['r.html', '<!doctype html>'],
      ['r.md', '# qwen-probe diff'],
      ['r.json', '{\n  "schemaVersion": 1'],
    ] as const) {
      const io = collectingIo();
      const out = join(dir, 'sub', file);
      expect(await diff({ ...seedV4, out }, io, {}, true)).toBe(1);
      expect((await readFile(out, 'utf8')).startsWith(start)).toBe(true);
      expect(io.lines[0]).toMatch(new RegExp(`^wrote .*${file.replace('.', '\\.')} \\(`));
    }
  });

  it('reads a JSON request file and a curl command file as GOOD and BAD', async () => {
    const io = collectingIo();
    expect(
      await diff(
        { good: `${FIX}/curl-vs-json/good.json`, bad: `${FIX}/curl-vs-json/bad.curl`, format: 'json' },
        io,
        {},
        false,
      ),
    ).toBe(1);
    const report = JSON.parse(io.lines.join('\n')) as { pairs: { findings: { id: string }[] }[] };
    expect(report.pairs[0]!.findings[0]!.id).toBe('body:messages[0].chat_type');
  });

  it('takes a curl command inline and drops ignored fields', async () => {
    const io = collectingIo();
    const curl =
      "curl 'https://chat.qwen.ai/api/v2/chat/completions?chat_id=x' -H 'Content-Type: application/json' --data-raw " +
      '\'{"model":"qwen-turbo"}\'';
    await diff(
      {
        good: `${FIX}/curl-vs-json/good.json`,
        bad: curl,
        format: 'json',
        ignore: ['header-order', 'header', 'cookie'],
      },
      io,
      {},
      false,
    );
    const report = JSON.parse(io.lines.join('\n')) as {
      summary: { ignored: number };
      pairs: { findings: { location: string }[] }[];
    };
    expect(report.summary.ignored).toBeGreaterThan(0);
    expect(report.pairs[0]!.findings.every((f) => f.location !== 'header' && f.location !== 'cookie')).toBe(true);
  });

  it('refuses bad input with one clear line: missing file, invalid JSON, empty capture, binary file', async () => {
    const dir = await tempDir();
    const invalid = join(dir, 'invalid.json');
    await writeFile(invalid, '{"log": {"entries": [');
    const empty = join(dir, 'empty.har');
    await writeFile(
      empty,
      JSON.stringify({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [] } }),
    );
    const binary = join(dir, 'blob.bin');
    await writeFile(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
    await expect(diff({ good: join(dir, 'nope.har'), bad: seedV4.bad }, collectingIo())).rejects.toThrow(
      /GOOD \(.*nope\.har\): no such file/,
    );
    await expect(diff({ good: empty, bad: seedV4.bad }, collectingIo())).rejects.toThrow(/GOOD holds no exchanges/);
    await expect(diff({ good: seedV4.good, bad: binary }, collectingIo())).rejects.toThrow(/binary file/);
    await expect(diff({ good: seedV4.good, bad: seedV4.bad, out: join(dir, 'x.pdf') }, collectingIo())).rejects.toThrow(
      /cannot tell the format/,
    );
    const torn = collectingIo();
    await expect(diff({ good: invalid, bad: seedV4.bad }, torn)).rejects.toMatchObject({ exitCode: 2 });
  });

  it('reads GOOD or BAD from standard input given -, and nothing else takes -', async () => {
    const har = await readFile(seedV4.bad);
    const piped = await runCli(['diff', seedV4.good, '-'], { stdin: har });
    expect(piped.code, piped.stderr).toBe(1);
    expect(piped.stdout).toMatch(/^qwen-probe diff: 51 differences across 2 pairs/);
    const curl = await runCli(['diff', '-', seedV4.bad], {
      stdin: "curl 'http://127.0.0.1:9/api/v2/chats/new' -H 'content-type: application/json' --data-raw '{}'",
    });
    expect(curl.code, curl.stderr).toBe(1);
    const out = await runCli(['diff', seedV4.good, seedV4.bad, '--out', '-']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^error \[E_USAGE\]: - \(standard input\) given for out: give a file\n/);
  }, 60_000);

  it('exits 1, 0 and 2 as documented when run as a command', async () => {
    const differ = await runCli(['diff', seedV4.good, seedV4.bad]);
    expect(differ.code).toBe(1);
    expect(differ.stdout).toContain('▸ pair 2: chat.completions #1');
    const match = await runCli(['diff', `${FIX}/web-vs-web/good.har`, `${FIX}/web-vs-web/bad.har`, '--format', 'md']);
    expect(match.code).toBe(0);
    const bad = await runCli(['diff', 'does-not-exist.har', seedV4.bad]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^error \[E_INPUT\]: GOOD \(does-not-exist\.har\): no such file$/);
  }, 60_000);
});

describe('diff of captures in formats it does not read', () => {
  it('prints one E_CAPTURE line naming the file and where reading stopped, and exits 2', async () => {
    const dir = await tempDir();
    const notes = join(dir, 'notes.txt');
    await writeFile(notes, 'these are my notes, not a capture');
    const result = await runCli(['diff', notes, seedV4.bad]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `error [E_CAPTURE]: GOOD (${notes}): not HAR, mitmproxy flows or curl: it is neither a HAR capture, a JSON ` +
        'request nor a curl command line (it starts with "these are my notes, ")',
    );
  }, 60_000);
});

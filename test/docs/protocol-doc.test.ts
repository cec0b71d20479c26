/**
 * docs/protocol.md is what the code cites for protocol facts (`docs/protocol.md §4.3`). These checks keep
 * the two in step: every cited section exists, section numbers are unique and carry their stable anchors,
 * every citation of the old external notes still has a row in the mapping table (§14), and every piece of
 * code the document names (`rule:…`, `fact:…`, `selector:…`, ...) exists.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SITE_PROFILES } from '../../src/capture/site-profiles.js';
import { FAULT_NAMES } from '../../src/simulator/faults.js';
import { PROFILES } from '../../src/simulator/profiles/index.js';
import { ENDPOINTS } from '../../src/upstream/endpoints.js';
import { PROTOCOL_FACTS } from '../../src/upstream/protocol-facts.js';
import { SHAPE_NAMES } from '../../src/upstream/shapes.js';
import { VOLATILE_RULES } from '../../src/upstream/volatile-rules.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DOC_PATH = join(ROOT, 'docs/protocol.md');
const DOC = readFileSync(DOC_PATH, 'utf8');
/** Where citations live: code, tests, docs, and the golden files that hold diff findings' `source`. */
const SCANNED = ['src', 'test', 'docs', 'fixtures', 'README.md'];
const TEXT_FILE = /\.(?:ts|js|md|json|txt|html)$/;

function textFiles(path: string): string[] {
  if (statSync(path).isDirectory()) return readdirSync(path).flatMap((name) => textFiles(join(path, name)));
  return TEXT_FILE.test(path) && statSync(path).size < 5_000_000 ? [path] : [];
}

const FILES = SCANNED.flatMap((p) => textFiles(join(ROOT, p))).map((path) => ({
  path: relative(ROOT, path),
  text: readFileSync(path, 'utf8'),
}));

/**
 * The section numbers cited as `protocol.md §N` (also `§N, §M` lists, across JSDoc line breaks).
 * `qwen-web-protocol.md §N` is the old external file and does not count.
 */
function citedSections(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?<![\w-])protocol\.md((?:[\s*]*(?:,|and)?[\s*]*§\d+(?:\.\d+)*)+)/g))
    for (const n of m[1]!.matchAll(/§(\d+(?:\.\d+)*)/g)) out.push(n[1]!);
  return out;
}

/** Numbered headings (`## 9.`, `### 9.14`, `#### 6.4.1`) with their line index. */
function headings(): { number: string; line: number }[] {
  return DOC.split('\n').flatMap((line, i) => {
    const m = /^#{2,4} (\d+(?:\.\d+)*)\.? /.exec(line);
    return m ? [{ number: m[1]!, line: i }] : [];
  });
}

const SECTIONS = new Set(headings().map((h) => h.number));

/** The mapping table of §14: first code span of each row (the old citation). */
function mappedOldCitations(): string[] {
  const start = DOC.indexOf('\n## 14. ');
  return DOC.slice(start)
    .split('\n')
    .flatMap((line) => (line.startsWith('| `') ? [/^\| `([^`]+)`/.exec(line)![1]!] : []));
}

/** The part of an old citation that decides its row: the file, then `§N[, ranked item N]`, `section N`, ... */
function oldCitationKey(tail: string): string {
  const m =
    /^(?:(,? ?§\d+(?:\.\d+)*(?:,? ranked item \d+)?)|( section \d+(?:\.\d+)*)|( ranked item \d+)|(, "\S+))/.exec(tail);
  return `qwen-web-protocol.md${m ? m[0] : ''}`;
}

describe('docs/protocol.md', () => {
  it('finds `protocol.md §N` citations and only those', () => {
    expect(citedSections('see docs/protocol.md §4.3, §5 and qwen-web-protocol.md §1.1')).toEqual(['4.3', '5']);
    expect(citedSections('(protocol.md §6.4.1: the culprit)\n * docs/protocol.md §2,\n * §3.1 and')).toEqual([
      '6.4.1',
      '2',
      '3.1',
    ]);
    expect(citedSections('docs/protocol.md, the whole file')).toEqual([]);
  });

  it('numbers its sections once each, every one with its stable anchor on the line before', () => {
    const list = headings();
    expect(list.length).toBeGreaterThan(50);
    const seen = new Set<string>();
    for (const { number, line } of list) {
      expect(seen.has(number), `§${number} appears twice`).toBe(false);
      seen.add(number);
      const anchor = `<a id="s${number.replaceAll('.', '-')}"></a>`;
      expect(DOC.split('\n')[line - 2], `§${number} lacks ${anchor}`).toBe(anchor);
    }
  });

  it('has a heading for every `protocol.md §N` cited in src, test, docs and fixtures', () => {
    const missing = FILES.flatMap(({ path, text }) =>
      citedSections(text)
        .filter((n) => !SECTIONS.has(n))
        .map((n) => `${path}: §${n}`),
    );
    expect(missing).toEqual([]);
  });

  it('resolves its own § references outside code (not those after another file name, like plan.md §4.1)', () => {
    const prose = DOC.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    const missing: string[] = [];
    for (const m of prose.matchAll(/§(\d+(?:\.\d+)*)/g)) {
      const before = prose.slice(Math.max(0, m.index - 40), m.index);
      if (/[\w-]+\.md\s*$/.test(before)) continue;
      if (!SECTIONS.has(m[1]!)) missing.push(`§${m[1]} (after "${before.trim().slice(-20)}")`);
    }
    expect(missing).toEqual([]);
  });

  it('maps every citation of the old external notes that is still in the code (§14)', () => {
    const mapped = mappedOldCitations();
    const unmapped = new Set<string>();
    for (const { path, text } of FILES) {
      if (path === 'docs/protocol.md') continue;
      for (const m of text.matchAll(/qwen-web-protocol\.md/g)) {
        const key = oldCitationKey(text.slice(m.index + m[0].length, m.index + m[0].length + 60));
        const found = mapped.some(
          (old) => old === key || (old.startsWith(key) && /^[ ,:]/.test(old.slice(key.length))),
        );
        if (!found) unmapped.add(`${path}: ${key}`);
      }
    }
    expect([...unmapped]).toEqual([]);
  });

  it('names only code that exists', () => {
    const site = SITE_PROFILES['chat.qwen.ai'];
    const upstreamFailure = readFileSync(join(ROOT, 'src/upstream/upstream-failure.ts'), 'utf8');
    const known: Record<string, Set<string>> = {
      rule: new Set(Object.values(PROFILES).flatMap((p) => p.rules.map((r) => r.name))),
      fact: new Set(PROTOCOL_FACTS.map((f) => f.id)),
      endpoint: new Set(ENDPOINTS.map((e) => e.name)),
      shape: new Set(SHAPE_NAMES),
      fault: new Set(FAULT_NAMES),
      selector: new Set([...Object.keys(site.selectors), 'loginPath', 'chatPath', 'tokenKey']),
      volatile: new Set(VOLATILE_RULES.map((r) => `${r.location}/${r.path}`)),
      failure: new Set([...upstreamFailure.matchAll(/readonly kind: '([a-z-]+)'/g)].map((m) => m[1]!)),
    };
    const named = [...DOC.matchAll(/`(rule|fact|endpoint|shape|fault|selector|volatile|failure):([a-z][^`]*)`/g)];
    expect(named.length).toBeGreaterThan(100);
    const unknown = named.filter((m) => !known[m[1]!]!.has(m[2]!)).map((m) => `${m[1]}:${m[2]}`);
    expect(unknown).toEqual([]);
  });
});

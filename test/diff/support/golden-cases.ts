/**
 * The golden cases of `diff`: each is a directory under fixtures/diff/ holding an input pair (HAR,
 * JSON request or curl command) and the expected Markdown and JSON reports. `npm run golden`
 * (scripts/update-golden.ts) writes both from these builders; test/diff/golden.test.ts checks that
 * the reports of the committed inputs still equal the committed outputs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exchange, ExchangeRequest } from '../../../src/exchange/exchange.js';
import { exchangesToHar } from '../../../src/exchange/har-codec.js';
import { diffCaptures } from '../../../src/diff/diff-captures.js';
import type { DiffResult } from '../../../src/diff/diff-result.js';
import { parseRequestInput } from '../../../src/exchange/formats/read-request-input.js';
import { renderDiffJson } from '../../../src/report/diff-json.js';
import { renderDiffMarkdown } from '../../../src/report/diff-markdown.js';
import type { ShapeName } from '../../../src/upstream/shapes.js';
import { browserWebCapture, shapeCapture } from './fixture-captures.js';

export const GOLDEN_DIR = join(import.meta.dirname, '../../../fixtures/diff');
/** Real captures: a Chromium session and the library's seed-v4, both against the simulator. */
const SAMPLES_DIR = join(import.meta.dirname, '../../../captures/samples');

export interface GoldenCase {
  readonly name: string;
  readonly description: string;
  /** Input file name → its content. */
  readonly inputs: { readonly good: readonly [string, () => string]; readonly bad: readonly [string, () => string] };
}

function har(exchanges: readonly Exchange[]): string {
  return `${JSON.stringify(exchangesToHar(exchanges), null, 2)}\n`;
}

/** A capture of SHAPE made at another time, in another chat, with other ids: what a second run looks like. */
function laterCapture(shape: ShapeName, startMs: number, chatId: string, idPrefix: string, second: number): string {
  return har(shapeCapture(shape, { startMs, chatId, idPrefix, second }));
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const ansiQuote = (s: string) => `$'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;

/** A request as DevTools' "Copy as cURL (bash)" writes it: one option per line, `$'…'` for the body. */
export function toCurl(request: ExchangeRequest): string {
  const lines = [`curl ${quote(request.url)}`];
  if (request.method !== 'POST' || request.body === undefined) lines.push(`-X ${request.method}`);
  for (const h of request.headers) lines.push(`-H ${quote(`${h.name}: ${h.value}`)}`);
  if (request.body !== undefined) lines.push(`--data-raw ${ansiQuote(request.body)}`);
  return `${lines.join(' \\\n  ')}\n`;
}

/** A request as a library logs it: `{method, url, headers, body}` with the body parsed. */
export function toRequestJson(request: ExchangeRequest): string {
  const headers = Object.fromEntries(request.headers.map((h) => [h.name, h.value]));
  const body = request.body === undefined ? undefined : (JSON.parse(request.body) as unknown);
  return `${JSON.stringify({ method: request.method, url: request.url, headers, body }, null, 2)}\n`;
}

const seedV4 = () =>
  shapeCapture('seed-v4', {
    startMs: 1_760_000_000_000,
    chatId: '9a8b7c6d-1111-4222-8333-444455556666',
    idPrefix: 'library',
    second: 30,
  });
const completionOf = (xs: readonly Exchange[]) => xs.find((x) => x.endpoint === 'chat.completions')!.request;

export const GOLDEN_CASES: readonly GoldenCase[] = [
  {
    name: 'seed-v4-vs-web',
    description:
      "the seed's final request against the browser's: chat_type 'text' and model 'qwen-turbo' must rank first",
    inputs: { good: ['good.har', () => har(browserWebCapture())], bad: ['bad.har', () => har(seedV4())] },
  },
  {
    name: 'seed-v1-vs-web',
    description: "the seed's first attempt: a gzip+base64 token where the browser sends a JWT",
    inputs: {
      good: ['good.har', () => har(browserWebCapture())],
      bad: [
        'bad.har',
        () => laterCapture('seed-v1', 1_760_000_000_000, '9a8b7c6d-1111-4222-8333-444455556666', 'library', 30),
      ],
    },
  },
  {
    name: 'curl-vs-json',
    description: 'a pasted curl command (the library) against a JSON request file (the browser), completions only',
    inputs: {
      good: ['good.json', () => toRequestJson(completionOf(browserWebCapture()))],
      bad: ['bad.curl', () => toCurl(completionOf(seedV4()))],
    },
  },
  {
    name: 'seed-v4-vs-chromium',
    description:
      "seed-v4 as sent to the simulator against Debian's Chromium chatting on the simulator's page (captured by " +
      '`investigate`, redacted)',
    inputs: {
      good: ['good.har', () => readFileSync(join(SAMPLES_DIR, 'browser-simulator-redacted.har'), 'utf8')],
      bad: ['bad.har', () => readFileSync(join(SAMPLES_DIR, 'seed-v4-simulator-redacted.har'), 'utf8')],
    },
  },
  {
    name: 'web-vs-web',
    description: 'two browser captures: only volatile values differ, the verdict is match',
    inputs: {
      good: ['good.har', () => har(browserWebCapture())],
      bad: [
        'bad.har',
        () => laterCapture('web', 1_781_000_000_000, '0d9e8f7a-2222-4333-8444-555566667777', 'browser2', 40),
      ],
    },
  },
];

/** Reads a case's committed inputs as the CLI would and diffs them. */
export function diffGoldenCase(c: GoldenCase): DiffResult {
  const read = (file: string, label: string) =>
    parseRequestInput(readFileSync(join(GOLDEN_DIR, c.name, file), 'utf8'), label).exchanges;
  return diffCaptures(read(c.inputs.good[0], 'GOOD'), read(c.inputs.bad[0], 'BAD'));
}

/** The expected outputs of a case, from its committed inputs. */
export function renderGoldenCase(c: GoldenCase): { md: string; json: string } {
  const result = diffGoldenCase(c);
  return { md: renderDiffMarkdown(result), json: renderDiffJson(result) };
}

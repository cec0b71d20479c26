/**
 * DIR/README.md: the learnt protocol for people. Per endpoint, a table of the request's fields
 * (where, how often, what kind, which values), the statuses and envelope of the responses, and the
 * event stream's phases, statuses and event order; then how to use protocol.json and protocol.ts.
 * Secrets never appear: only kinds and counts were kept for them in the first place.
 */
import { mdCellCode, mdCellText, mdCode, mdText } from '../common/index.js';
import { enumOf, kindsOf, objectCount, typesOf } from './node-facts.js';
import { jsonFields, requestFields, type LearntField } from './protocol-fields.js';
import type { EndpointProtocol, LearntProtocol, StreamProtocol } from './protocol-model.js';
import type { Counts, ShapeNode } from './shape-node.js';
import { endpointIdentifier } from './protocol-zod.js';

// Field names, enum values, content types and capture paths come from captures, and the README is
// read in viewers that render HTML: they go into code spans or are escaped, as in every Markdown report.
const code = mdCode;

function countList(counts: Counts): string {
  const entries = Object.entries(counts).filter(([, n]) => (n ?? 0) > 0);
  if (entries.length === 0) return 'none';
  return entries
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0) || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} (${n})`)
    .join(', ');
}

/** `Bearer jwt`, `uuid`, `null 1, uuid 11`, `object`. */
function kindText(node: ShapeNode): string {
  const kinds = kindsOf(node);
  const containers = typesOf(node).filter((t) => t === 'object' || t === 'array' || t === 'boolean' || t === 'null');
  const names = [...kinds.map((k) => (node.bearer > 0 ? `Bearer ${k}` : k)), ...containers];
  if (names.length <= 1) return names[0] ?? 'empty';
  const counts: Record<string, number> = {};
  for (const k of kinds) counts[node.bearer > 0 ? `Bearer ${k}` : k] = node.kinds[k] ?? 0;
  for (const t of containers) counts[t] = node.types[t] ?? 0;
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

function valuesText(node: ShapeNode): string {
  const values = enumOf(node);
  if (values) return values.map((v) => mdCellCode(v)).join(', ');
  return node.manyValues ? 'many' : '';
}

function presenceText(field: LearntField): string {
  if (!field.parent) return field.required ? 'always' : `${field.node.seen}`;
  const of = objectCount(field.parent);
  return `${field.node.seen} of ${of}${field.required ? ' (required)' : ''}`;
}

function fieldTable(fields: readonly LearntField[], withWhere: boolean): string[] {
  if (fields.length === 0) return ['(none)'];
  const head = withWhere
    ? ['| where | field | present | kind | values |', '|---|---|---|---|---|']
    : ['| field | present | kind | values |', '|---|---|---|---|'];
  const rows = fields.map((f) => {
    const cells = [
      mdCellCode(f.path === '' ? '(whole body)' : f.path),
      mdCellText(presenceText(f)),
      mdCellText(kindText(f.node)),
      valuesText(f.node),
    ];
    return `| ${(withWhere ? [mdCellText(f.location), ...cells] : cells).join(' | ')} |`;
  });
  return [...head, ...rows];
}

function streamSection(stream: StreamProtocol): string[] {
  const of = (fact: keyof StreamProtocol['order']) => `${stream.order[fact] ?? 0} of ${stream.streams}`;
  return [
    `${stream.streams} stream(s), ${stream.events} event(s) with data.`,
    '',
    `- delta phases: ${mdText(countList(stream.phases))}`,
    `- delta statuses: ${mdText(countList(stream.statuses))}`,
    `- \`response.created\` first: ${of('created-first')} streams; the final answer event (\`status: finished\`) ` +
      `last: ${of('finished-last')}; \`[DONE]\` at the end: ${of('done-marker')}`,
    ...(Object.keys(stream.failures).length > 0
      ? [`- errors inside streams: ${mdText(countList(stream.failures))}`]
      : []),
    '',
    'Event payload fields:',
    '',
    ...fieldTable(jsonFields(stream.event, 'event').slice(1), false),
  ];
}

function endpointSection(endpoint: EndpointProtocol): string[] {
  const seen =
    endpoint.firstSeen && endpoint.lastSeen
      ? `, seen ${mdText(endpoint.firstSeen)} to ${mdText(endpoint.lastSeen)}`
      : '';
  const response = endpoint.response;
  const lines = [
    `## ${mdText(`${endpoint.name}: ${endpoint.method} ${endpoint.path}`)}`,
    '',
    `Learnt from ${endpoint.samples} request(s) (${mdText(countList(endpoint.sources))})${seen}. In protocol.ts: ` +
      `\`${endpointIdentifier(endpoint.name)}\`.`,
    '',
    '### Request',
    '',
    ...fieldTable(
      requestFields(endpoint).filter((f) => !(f.location === 'body' && f.path === '' && f.node.keys)),
      true,
    ),
    '',
    '### Response',
    '',
    `${response.responses} response(s). HTTP status: ${mdText(countList(response.statuses))}. Content type: ` +
      `${mdText(countList(response.contentTypes))}.` +
      (Object.keys(response.failures).length > 0 ? ` Error envelopes: ${mdText(countList(response.failures))}.` : ''),
  ];
  if (response.body)
    lines.push('', 'JSON body fields:', '', ...fieldTable(jsonFields(response.body, 'response').slice(1), false));
  if (response.stream) lines.push('', '### Event stream', '', ...streamSection(response.stream));
  return lines;
}

/** The text of README.md. */
export function renderProtocolReadme(protocol: LearntProtocol): string {
  const from = protocol.learntFrom;
  const captures = from.captures.length > 0 ? from.captures.map((c) => code(c)).join(', ') : 'exchanges given in code';
  const endpoints = [...protocol.endpoints.values()];
  return [
    '# The chat protocol, as learnt from captures',
    '',
    `Learnt by \`qwen-probe learn\` from ${from.exchanges} API exchange(s) (${from.skipped} other skipped) of ` +
      `${captures}. Endpoints: ${endpoints.map((e) => code(e.name)).join(', ') || 'none'}.`,
    '',
    '- `protocol.json`: per endpoint, JSON Schemas (draft 2020-12) of the request (`headers`, `cookies`, ' +
      '`query`, `body`), of the JSON response and of the stream events. Each node keeps the evidence it was ' +
      'learnt from as `x-` annotations (`x-seen`, `x-types`, `x-kinds`, `x-values`); formats are value kinds ' +
      '(`uuid`, `jwt`, `bearer-jwt`, `timestamp-s`, `timestamp-ms`, `date-string`, ...). `schemaVersion` ' +
      'is its layout.',
    '- `protocol.ts`: a zod module; `validateRequest(endpoint, {headers, query, cookies, body})` lists what a ' +
      "request does differently from the browser's.",
    '- Check a client offline: `npx qwen-probe lint library.har --against <this folder>` (exit 1 when ' +
      'anything differs).',
    '- Learn again into this folder to add captures: counts add up, and the command prints what the new ' +
      'samples changed.',
    '',
    'Present: how many samples had the field (required when all did). Kind: what the values looked like. Values: an ' +
      'enum, listed when few identifier-like values came; ids, times, tokens and secrets are never listed.',
    '',
    "In a client library's CI, with this folder committed and the tests recording what the library sends " +
      "(qwen-probe/msw's `qwenSimulator({ record: 'library.har' })`, or `qwen-probe intercept`):",
    '',
    '```sh',
    'npm ci',
    'npm test',
    'npx qwen-probe lint library.har --against <this folder>',
    '```',
    '',
    ...endpoints.flatMap((e) => [...endpointSection(e), '']),
  ].join('\n');
}

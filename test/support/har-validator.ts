/**
 * Validates HAR documents against the HAR 1.2 JSON schema (har-schema, draft-06) with ajv, plus the
 * rules of the spec the schema cannot express. Shared by every test that writes HAR.
 *
 * har-schema uses a few keywords ajv does not know: `min` (meant as `minimum`; we enforce it) and
 * `optional` (informational). Formats come from here rather than ajv-formats, which is not a
 * dependency: date-time per RFC 3339, uri as an absolute ASCII URI that WHATWG URL accepts.
 */
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
const harSchemas = require('har-schema') as Record<string, AnySchemaObject>;
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as AnySchemaObject;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function buildValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addMetaSchema(draft06);
  ajv.addKeyword({
    keyword: 'min',
    type: 'number',
    schemaType: 'number',
    validate: (min: number, value: number) => value >= min,
    errors: false,
  });
  ajv.addKeyword({ keyword: 'optional', schemaType: 'boolean' });
  ajv.addFormat('date-time', (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)));

  ajv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]*$/.test(s) && URL.canParse(s));
  ajv.addFormat('ipv4', (s: string) => isIPv4(s));
  ajv.addFormat('ipv6', (s: string) => isIPv6(s));
  for (const schema of Object.values(harSchemas)) ajv.addSchema(schema);
  const validate = ajv.getSchema('har.json#');
  if (!validate) throw new Error('har-schema has no har.json#');
  return validate;
}

let validator: ValidateFunction | undefined;

/** Schema errors plus spec rules, as readable lines; empty when the document is valid HAR 1.2. */
export function harProblems(har: unknown): string[] {
  validator ??= buildValidator();
  const problems: string[] = [];
  if (!validator(har)) {
    problems.push(
      ...(validator.errors ?? []).map(
        (e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
      ),
    );
  }
  const entries = (har as { log?: { entries?: unknown[] } })?.log?.entries;
  for (const [i, entry] of (Array.isArray(entries) ? entries : []).entries()) problems.push(...specProblems(entry, i));
  return problems;
}

/** Throws with every problem listed when the document is not valid HAR 1.2. */
export function assertValidHar(har: unknown): void {
  const problems = harProblems(har);
  if (problems.length > 0) throw new Error(`invalid HAR:\n  ${problems.slice(0, 20).join('\n  ')}`);
}

/** What the spec says and the schema does not: send/wait/receive >= 0, time = sum of known timings. */
function specProblems(entry: unknown, i: number): string[] {
  const e = entry as { time?: number; timings?: Record<string, unknown> };
  const problems: string[] = [];
  const timings = e.timings ?? {};
  for (const key of ['send', 'wait', 'receive']) {
    const value = timings[key];
    if (typeof value !== 'number' || value < 0)
      problems.push(`/log/entries/${i}/timings/${key} must be >= 0 (HAR 1.2: -1 is not allowed here)`);
  }
  const sum = ['blocked', 'dns', 'connect', 'send', 'wait', 'receive']
    .map((key) => timings[key])
    .reduce<number>((acc, v) => acc + (typeof v === 'number' && v >= 0 ? v : 0), 0);
  if (typeof e.time !== 'number' || Math.abs(e.time - sum) > 1e-6 * Math.max(1, sum)) {
    problems.push(`/log/entries/${i}/time ${String(e.time)} is not the sum of its timings (${sum})`);
  }
  return problems;
}

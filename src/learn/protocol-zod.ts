/**
 * DIR/protocol.ts: the learnt protocol as a zod module a TypeScript client imports to validate its
 * own requests before it sends them (in its tests, or at run time). It imports only `zod` (v4) and
 * follows the same facts as protocol.json (node-facts.ts): required keys, enums, formats as the
 * value-format patterns. Request bodies are closed (an unknown key is an error, as in `lint`);
 * headers, cookies and query parameters are open, since HTTP stacks add their own.
 */
import { enumOf, formatOf, isRequired, schemaTypesOf } from './node-facts.js';
import type { EndpointProtocol, LearntProtocol, RequestPart } from './protocol-model.js';
import { REQUEST_PARTS } from './protocol-model.js';
import type { ShapeNode } from './shape-node.js';
import { formatCheck } from './value-formats.js';

const RESERVED = new Set(['protocol', 'validateRequest', 'z', 'default', 'delete', 'new', 'function', 'class']);

/** `chat.completions` → `chatCompletions`; `GET /api/v2/x/:id` → `getApiV2XId`. */
export function endpointIdentifier(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  const camel = words.map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  const safe = camel === '' ? 'endpoint' : /^\d/.test(camel) ? `_${camel}` : camel;
  return RESERVED.has(safe) ? `${safe}Endpoint` : safe;
}

function formatConstant(format: string): string {
  return `FORMAT_${format.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Captured text inside a block comment of the generated module. A URL path may hold `*\/` (both are
 * allowed unencoded in a path), which would end the comment and make the rest code that runs in
 * every client importing protocol.ts.
 */
function commentText(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/[\r\n\u2028\u2029]+/g, ' ');
}

/** Writes zod expressions, collecting the format patterns they use. */
class ZodWriter {
  readonly formats = new Set<string>();

  node(node: ShapeNode, closed: boolean, indent: string): string {
    const types = schemaTypesOf(node);
    const nullable = types.includes('null');
    const values = enumOf(node);
    const parts = values
      ? [`z.enum(${JSON.stringify(values)})`]
      : types.filter((t) => t !== 'null').map((t) => this.typed(node, t, closed, indent));
    if (parts.length === 0) return nullable ? 'z.null()' : 'z.unknown()';
    const expression = parts.length === 1 ? parts[0]! : `z.union([${parts.join(', ')}])`;
    return nullable ? `${expression}.nullable()` : expression;
  }

  private typed(node: ShapeNode, type: string, closed: boolean, indent: string): string {
    const format = formatOf(node);
    const check = format === undefined ? undefined : formatCheck(format);
    switch (type) {
      case 'string':
        if (format !== undefined && check) {
          this.formats.add(format);
          return `z.string().regex(${formatConstant(format)})`;
        }
        return 'z.string()';
      case 'integer':
      case 'number': {
        const base = type === 'integer' ? 'z.number().int()' : 'z.number()';
        return check?.minimum !== undefined && check.maximum !== undefined
          ? `${base}.min(${check.minimum}).max(${check.maximum})`
          : base;
      }
      case 'boolean':
        return 'z.boolean()';
      case 'array':
        return `z.array(${node.items ? this.node(node.items, closed, indent) : 'z.unknown()'})`;
      case 'object':
        return this.object(node, closed, indent);
      default:
        return 'z.unknown()';
    }
  }

  object(node: ShapeNode, closed: boolean, indent: string): string {
    const make = closed ? 'z.strictObject' : 'z.looseObject';
    if (!node.keys || node.keys.size === 0) return `${make}({})`;
    const inner = `${indent}  `;
    const lines = [...node.keys].map(([key, child]) => {
      const value = this.node(child, closed, inner);
      return `${inner}${JSON.stringify(key)}: ${value}${isRequired(child, node) ? '' : '.optional()'},`;
    });
    return `${make}({\n${lines.join('\n')}\n${indent}})`;
  }
}

function partExpression(writer: ZodWriter, endpoint: EndpointProtocol, part: RequestPart): string {
  const node = endpoint.request.keys?.get(part);
  if (part === 'body') {
    if (!node) return 'z.undefined()';
    const value = writer.node(node, true, '  ');
    return isRequired(node, endpoint.request) ? value : `${value}.optional()`;
  }
  return node ? writer.object(node, false, '  ') : 'z.looseObject({})';
}

function endpointBlock(writer: ZodWriter, endpoint: EndpointProtocol, id: string): string {
  const parts = REQUEST_PARTS.map((part) => `  ${part}: ${partExpression(writer, endpoint, part)},`);
  return [
    `/** ${commentText(`${endpoint.name}: ${endpoint.method} ${endpoint.path}`)}, learnt from ${endpoint.samples} request(s). */`,
    `export const ${id} = {`,
    `  name: ${JSON.stringify(endpoint.name)},`,
    `  method: ${JSON.stringify(endpoint.method)},`,
    `  path: ${JSON.stringify(endpoint.path)},`,
    ...parts,
    '} as const;',
  ].join('\n');
}

const HELPER = `/** The parts of a request as a client holds them; header names in lower case. */
export interface RequestParts {
  readonly headers?: Readonly<Record<string, string>>;
  readonly cookies?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** One problem: which part, where in it, and zod's message. */
export interface RequestProblem {
  readonly part: 'headers' | 'cookies' | 'query' | 'body';
  readonly path: string;
  readonly message: string;
}

/** Checks a request against what the browser sends; an empty list means it looks the same. */
export function validateRequest(endpoint: EndpointName, request: RequestParts): RequestProblem[] {
  const spec = protocol[endpoint];
  const problems: RequestProblem[] = [];
  for (const part of ['headers', 'cookies', 'query', 'body'] as const) {
    const value = part === 'body' ? request.body : (request[part] ?? {});
    const schema: z.ZodType = spec[part];
    const result = schema.safeParse(value);
    if (result.success) continue;
    for (const issue of result.error.issues)
      problems.push({ part, path: issue.path.map(String).join('.'), message: issue.message });
  }
  return problems;
}
`;

/** The text of protocol.ts. */
export function renderProtocolZod(protocol: LearntProtocol): string {
  const writer = new ZodWriter();
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const name of protocol.endpoints.keys()) {
    let id = endpointIdentifier(name);
    for (let n = 2; used.has(id); n += 1) id = `${endpointIdentifier(name)}${n}`;
    used.add(id);
    ids.set(name, id);
  }
  const blocks = [...protocol.endpoints].map(([name, endpoint]) => endpointBlock(writer, endpoint, ids.get(name)!));
  const formats = [...writer.formats].sort().map((format) => {
    const check = formatCheck(format)!;
    return `const ${formatConstant(format)} = /^(?:${check.pattern})$/${check.flags};`;
  });
  const entries = [...ids].map(([name, id]) => `  ${JSON.stringify(name)}: ${id},`);
  const types = [...ids].flatMap(([, id]) => {
    const type = id.charAt(0).toUpperCase() + id.slice(1);
    return [`export type ${type}Body = z.infer<typeof ${id}.body>;`];
  });
  return [
    '/**',
    ` * The chat protocol as the browser speaks it, learnt by \`qwen-probe learn\` from ${protocol.learntFrom.exchanges}`,
    ' * exchange(s). Generated: learn again rather than edit. Validate a request before sending it:',
    ' *',
    " *     const problems = validateRequest('chat.completions', { headers, query, body });",
    ' *',
    ' * Header names are lower case. Bodies are closed (a key the browser never sends is an error).',
    ' */',
    "import { z } from 'zod';",
    '',
    ...(formats.length > 0 ? [...formats, ''] : []),
    blocks.join('\n\n'),
    '',
    '/** Every learnt endpoint by name. */',
    'export const protocol = {',
    ...entries,
    '} as const;',
    '',
    '/** A learnt endpoint name. */',
    'export type EndpointName = keyof typeof protocol;',
    '',
    ...types,
    '',
    HELPER,
  ].join('\n');
}

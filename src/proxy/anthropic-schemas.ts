/**
 * The Anthropic side of `serve`: the Messages API request (`POST /v1/messages`) as a zod schema,
 * turned into the same `ChatRequest` the OpenAI side produces, and Anthropic's error body. As on
 * the OpenAI side, what the upstream cannot do is refused with a 400 naming the field (images,
 * documents, tools, stop sequences, an assistant prefill), never dropped silently; sampling knobs
 * the web chat has no field for are accepted and named in `x-qwen-probe-ignored`.
 *
 * Field paths in messages are written as Anthropic writes them: `messages.1.content.0.type`.
 */
import { z } from 'zod';
import { proxyError, type ChatMessage, type ChatRequest, type ProxyError } from './openai-schemas.js';

/** Anthropic's error body: `{"type":"error","error":{"type","message"},"request_id"}`. */
export interface AnthropicErrorBody {
  readonly type: 'error';
  readonly error: {
    readonly type: string;
    readonly message: string;
    /** The SDK reads `details.error_code` into `APIError.errorCode`: the same codes as the OpenAI side. */
    readonly details?: { readonly error_code: string };
  };
  readonly request_id?: string;
}

/** Anthropic's error `type` for a status (their API documents one per status). */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
    case 405:
    case 415:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** The error body for a `ProxyError` (the one error value both APIs share). */
export function anthropicErrorBody(error: ProxyError, requestId?: string): AnthropicErrorBody {
  return {
    type: 'error',
    error: {
      type: anthropicErrorType(error.status),
      message: error.message,
      ...(error.code ? { details: { error_code: error.code } } : {}),
    },
    ...(requestId ? { request_id: requestId } : {}),
  };
}

const blockSchema = z.looseObject({ type: z.string() });
const contentSchema = z.union([z.string(), z.array(blockSchema)]);

const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: contentSchema,
});

/**
 * The Messages API request. Unknown keys are refused, as Anthropic refuses them ("Extra inputs are
 * not permitted").
 */
export const messagesRequestSchema = z.strictObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(messageSchema).min(1),
  system: z.union([z.string(), z.array(blockSchema)]).optional(),
  stream: z.boolean().optional(),
  metadata: z.looseObject({ user_id: z.string().nullable().optional() }).optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  thinking: z
    .union([
      z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int().optional() }),
      z.looseObject({ type: z.literal('disabled') }),
      z.looseObject({ type: z.literal('adaptive') }),
    ])
    .optional(),
  tools: z.array(z.unknown()).optional(),
  tool_choice: z.looseObject({ type: z.string() }).optional(),
  service_tier: z.string().optional(),
  container: z.unknown().optional(),
  mcp_servers: z.array(z.unknown()).optional(),
  context_management: z.unknown().optional(),
});

type ParsedMessages = z.infer<typeof messagesRequestSchema>;

/** Accepted, present in the body, and not applied. */
const IGNORED_FIELDS = ['temperature', 'top_p', 'top_k', 'metadata', 'service_tier'] as const;

const unsupported = (field: string, what: string): ProxyError =>
  proxyError(`${field}: not supported by qwen-probe serve: ${what}.`, { param: field, code: 'unsupported_parameter' });

function fieldOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function fromZod(error: z.ZodError): ProxyError {
  const issue = error.issues[0];
  if (!issue) return proxyError('Invalid request body.');
  if (issue.code === 'unrecognized_keys') {
    const field = fieldOf([...issue.path, issue.keys[0] ?? '']);
    return proxyError(`${field}: Extra inputs are not permitted`, { param: field, code: 'unknown_parameter' });
  }
  const field = fieldOf(issue.path) || 'body';
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return proxyError(`${field}: Field required`, { param: field, code: 'missing_required_parameter' });
  return proxyError(`${field}: ${issue.message}`, { param: field, code: 'invalid_value' });
}

/** The text of a content value; thinking blocks of earlier answers are left out (the upstream keeps its own). */
function textOf(content: z.infer<typeof contentSchema>, field: string, role: string): string | ProxyError {
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  for (let i = 0; i < content.length; i++) {
    const block = content[i]!;
    const at = `${field}.${i}`;
    if (block.type === 'text') {
      if (typeof block['text'] !== 'string')
        return proxyError(`${at}.text: Field required`, { param: `${at}.text`, code: 'missing_required_parameter' });
      texts.push(block['text']);
      continue;
    }
    if (role === 'assistant' && (block.type === 'thinking' || block.type === 'redacted_thinking')) continue;
    const what =
      block.type === 'image' || block.type === 'document'
        ? `only text content is supported, not '${block.type}' blocks`
        : block.type === 'tool_use' || block.type === 'tool_result'
          ? 'tool use is not supported yet'
          : `'${block.type}' blocks are not supported`;
    return unsupported(`${at}.type`, what);
  }
  return texts.join('\n');
}

function checkSupported(r: ParsedMessages): ProxyError | undefined {
  if (r.tools !== undefined && r.tools.length > 0) return unsupported('tools', 'tool use is not supported yet');
  if (r.tool_choice !== undefined && r.tool_choice.type !== 'none' && r.tool_choice.type !== 'auto')
    return unsupported('tool_choice', 'tool use is not supported yet');
  if (r.stop_sequences !== undefined && r.stop_sequences.length > 0)
    return unsupported('stop_sequences', 'stop sequences are not applied by the upstream');
  if (r.container !== undefined && r.container !== null) return unsupported('container', 'no code execution');
  if (r.mcp_servers !== undefined && r.mcp_servers.length > 0) return unsupported('mcp_servers', 'no MCP connector');
  return undefined;
}

function checkMessages(r: ParsedMessages): ChatMessage[] | ProxyError {
  const out: ChatMessage[] = [];
  if (r.system !== undefined) {
    const system = textOf(r.system, 'system', 'system');
    if (typeof system !== 'string') return system;
    if (system !== '') out.push({ role: 'system', content: system });
  }
  for (let i = 0; i < r.messages.length; i++) {
    const m = r.messages[i]!;
    const text = textOf(m.content, `messages.${i}.content`, m.role);
    if (typeof text !== 'string') return text;
    out.push({ role: m.role, content: text });
  }
  const last = r.messages.length - 1;
  if (r.messages[last]?.role !== 'user')
    return unsupported(
      `messages.${last}.role`,
      "the last message must be the user's: the upstream cannot continue a prefilled assistant answer",
    );
  return out;
}

/** Validates a parsed JSON body; the request to act on, or the 400 to answer. */
export function parseMessagesRequest(
  body: unknown,
): { ok: true; request: ChatRequest } | { ok: false; error: ProxyError } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, error: proxyError('The request body must be a JSON object.', { code: 'invalid_value' }) };
  const parsed = messagesRequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: fromZod(parsed.error) };
  const r = parsed.data;
  const notSupported = checkSupported(r);
  if (notSupported) return { ok: false, error: notSupported };
  const messages = checkMessages(r);
  if (!Array.isArray(messages)) return { ok: false, error: messages };
  const record = body as Record<string, unknown>;
  return {
    ok: true,
    request: {
      model: r.model,
      messages,
      stream: r.stream === true,
      includeUsage: true,
      maxTokens: r.max_tokens,
      ...(r.thinking !== undefined ? { thinking: r.thinking.type !== 'disabled' } : {}),
      ignored: IGNORED_FIELDS.filter((f) => record[f] !== undefined && record[f] !== null),
    },
  };
}

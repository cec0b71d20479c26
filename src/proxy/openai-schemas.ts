/**
 * The OpenAI side of `serve`: the chat completion request as a zod schema, the checks for what the
 * upstream cannot do, and OpenAI's error body. A request is either accepted whole or refused with a
 * 400 naming the offending `param`: nothing a client asked for is dropped without saying so.
 * Sampling knobs the web chat has no field for (temperature, top_p, ...) are accepted and named in
 * the `x-qwen-probe-ignored` response header, because nearly every client sends them by default.
 */
import { z } from 'zod';

/** OpenAI's error body: `{"error":{"message","type","param","code"}}`; the SDK reads `body.error`. */
export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string | null;
  };
}

/** An error answer as a value: status, body fields and extra headers (`retry-after`, `x-should-retry`). */
export interface ProxyError {
  readonly status: number;
  readonly message: string;
  /** OpenAI's `type`: `invalid_request_error`, `authentication_error`, `rate_limit_error`, `upstream_error`, ... */
  readonly type: string;
  readonly param?: string;
  readonly code?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Builds a ProxyError; `invalid_request_error` 400 unless told otherwise. */
export function proxyError(message: string, fields: Partial<Omit<ProxyError, 'message'>> = {}): ProxyError {
  return { status: 400, type: 'invalid_request_error', ...fields, message };
}

/** The JSON body of an error answer. */
export function openAiErrorBody(error: ProxyError): OpenAiErrorBody {
  return { error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code ?? null } };
}

const ROLES = ['system', 'developer', 'user', 'assistant'] as const;
/** The roles the proxy can fold into the upstream's single user message. */
export type ChatRole = (typeof ROLES)[number];

const contentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });
const contentSchema = z.union([z.string(), z.array(contentPartSchema)]);

const messageSchema = z.looseObject({
  role: z.string(),
  content: contentSchema.nullable().optional(),
  name: z.string().optional(),
  refusal: z.string().nullable().optional(),
});

const num = (min: number, max: number) => z.number().min(min).max(max).nullable().optional();
const positiveInt = z.number().int().positive().nullable().optional();

/**
 * Every parameter of OpenAI's chat completion request that the proxy recognises. Unknown keys are
 * refused like OpenAI refuses them ("Unrecognized request argument supplied").
 */
export const chatCompletionRequestSchema = z.strictObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z
    .looseObject({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() })
    .nullable()
    .optional(),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  n: z.number().int().min(1).max(128).nullable().optional(),
  temperature: num(0, 2),
  top_p: num(0, 1),
  presence_penalty: num(-2, 2),
  frequency_penalty: num(-2, 2),
  seed: z.number().int().nullable().optional(),
  user: z.string().optional(),
  safety_identifier: z.string().optional(),
  prompt_cache_key: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  store: z.boolean().nullable().optional(),
  service_tier: z.string().nullable().optional(),
  reasoning_effort: z.string().nullable().optional(),
  verbosity: z.string().nullable().optional(),
  parallel_tool_calls: z.boolean().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  logit_bias: z.record(z.string(), z.number()).nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  tools: z.array(z.unknown()).optional(),
  tool_choice: z.unknown().optional(),
  functions: z.array(z.unknown()).optional(),
  function_call: z.unknown().optional(),
  response_format: z.looseObject({ type: z.string() }).optional(),
  modalities: z.array(z.string()).nullable().optional(),
  audio: z.unknown().optional(),
  prediction: z.unknown().optional(),
  web_search_options: z.unknown().optional(),
  /** Qwen's own switch (DashScope API): same as the `-thinking` model suffix. */
  enable_thinking: z.boolean().optional(),
});

type ParsedRequest = z.infer<typeof chatCompletionRequestSchema>;

/** One message after validation: a known role and its text. */
export interface ChatMessage {
  readonly role: ChatRole;
  readonly content: string;
}

/** A validated request, reduced to what the proxy acts on. */
export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
  /** From `max_completion_tokens` or `max_tokens`: enforced with the upstream's own token counts. */
  readonly maxTokens?: number;
  /** True when `enable_thinking` asked for it; the `-thinking` model suffix is resolved later. */
  readonly thinking?: boolean;
  /** Parameters accepted but not applied (the web chat has no field for them). */
  readonly ignored: readonly string[];
}

/** Accepted, present in the body, and not applied: named in `x-qwen-probe-ignored`. */
const IGNORED_PARAMS = [
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'metadata',
  'store',
  'service_tier',
  'reasoning_effort',
  'verbosity',
  'parallel_tool_calls',
] as const;

function paramOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  return out;
}

function fromZod(error: z.ZodError): ProxyError {
  const issue = error.issues[0];
  if (!issue) return proxyError('Invalid request body.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const param = paramOf([...issue.path, key]);
    return proxyError(`Unrecognized request argument supplied: ${param}`, { param, code: 'unknown_parameter' });
  }
  const param = paramOf(issue.path);
  if (param === 'messages' && issue.code === 'too_small') {
    return proxyError("Invalid 'messages': empty array. Expected an array with minimum length 1.", {
      param,
      code: 'empty_array',
    });
  }
  return proxyError(`Invalid value for '${param || 'body'}': ${issue.message}.`, {
    ...(param ? { param } : {}),
    code: 'invalid_value',
  });
}

const unsupported = (param: string, what: string): ProxyError =>
  proxyError(`'${param}' is not supported by qwen-probe serve: ${what}.`, { param, code: 'unsupported_parameter' });

function textOf(content: z.infer<typeof contentSchema> | null | undefined, index: number): string | ProxyError {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  let text = '';
  for (let i = 0; i < content.length; i++) {
    const part = content[i]!;
    const param = `messages[${index}].content[${i}]`;
    if (part.type !== 'text')
      return unsupported(`${param}.type`, `only text content parts are supported, not '${part.type}'`);
    if (typeof part.text !== 'string')
      return proxyError(`Missing required parameter: '${param}.text'.`, {
        param: `${param}.text`,
        code: 'missing_required_parameter',
      });
    text += text === '' ? part.text : `\n${part.text}`;
  }
  return text;
}

function checkMessages(raw: ParsedRequest['messages']): ChatMessage[] | ProxyError {
  const out: ChatMessage[] = [];
  for (let i = 0; i < raw.length; i++) {
    const m = raw[i]!;
    const role = m.role;
    if (role === 'tool' || role === 'function')
      return unsupported(`messages[${i}].role`, `role '${role}' needs tools, which are not supported yet`);
    if (!(ROLES as readonly string[]).includes(role)) {
      return proxyError(`Invalid value: '${role}'. Supported values are: ${ROLES.map((r) => `'${r}'`).join(', ')}.`, {
        param: `messages[${i}].role`,
        code: 'invalid_value',
      });
    }
    if ('tool_calls' in m && m['tool_calls'] !== undefined && m['tool_calls'] !== null) {
      return unsupported(`messages[${i}].tool_calls`, 'tools are not supported yet');
    }
    if ((m.content === undefined || m.content === null) && role !== 'assistant') {
      return proxyError(`Missing required parameter: 'messages[${i}].content'.`, {
        param: `messages[${i}].content`,
        code: 'missing_required_parameter',
      });
    }
    const text = textOf(m.content, i);
    if (typeof text !== 'string') return text;
    out.push({ role: role as ChatRole, content: text });
  }
  if (out[out.length - 1]?.role !== 'user') {
    return proxyError("The last message must have role 'user': the upstream answers one user message per turn.", {
      param: `messages[${out.length - 1}].role`,
      code: 'invalid_value',
    });
  }
  return out;
}

/** The first parameter the upstream cannot honour, as a 400; undefined when all can be. */
function checkSupported(r: ParsedRequest): ProxyError | undefined {
  if (r.n !== undefined && r.n !== null && r.n !== 1)
    return unsupported('n', 'the upstream answers one choice per turn');
  if (r.logprobs === true) return unsupported('logprobs', 'the upstream sends no log probabilities');
  if (r.top_logprobs !== undefined && r.top_logprobs !== null)
    return unsupported('top_logprobs', 'the upstream sends no log probabilities');
  if (r.tools !== undefined && r.tools.length > 0) return unsupported('tools', 'tool calls are not supported yet');
  if (r.tool_choice !== undefined && r.tool_choice !== null && r.tool_choice !== 'none' && r.tool_choice !== 'auto') {
    return unsupported('tool_choice', 'tool calls are not supported yet');
  }
  if (r.functions !== undefined && r.functions.length > 0)
    return unsupported('functions', 'function calls are not supported');
  if (
    r.function_call !== undefined &&
    r.function_call !== null &&
    r.function_call !== 'none' &&
    r.function_call !== 'auto'
  ) {
    return unsupported('function_call', 'function calls are not supported');
  }
  if (r.stop !== undefined && r.stop !== null && (typeof r.stop === 'string' ? r.stop !== '' : r.stop.length > 0)) {
    return unsupported('stop', 'stop sequences are not applied by the upstream');
  }
  if (r.logit_bias && Object.keys(r.logit_bias).length > 0)
    return unsupported('logit_bias', 'the upstream takes no token biases');
  if (r.response_format !== undefined && r.response_format.type !== 'text') {
    return unsupported('response_format', `only {"type":"text"} is supported, not '${r.response_format.type}'`);
  }
  if (r.modalities && r.modalities.some((m) => m !== 'text'))
    return unsupported('modalities', "only 'text' output is supported");
  if (r.audio !== undefined && r.audio !== null) return unsupported('audio', 'audio output is not supported');
  if (r.prediction !== undefined && r.prediction !== null)
    return unsupported('prediction', 'predicted outputs are not supported');
  if (r.web_search_options !== undefined && r.web_search_options !== null)
    return unsupported('web_search_options', 'web search is not supported yet');
  if (r.stream_options && r.stream !== true) {
    return proxyError("The 'stream_options' parameter is only allowed when 'stream' is enabled.", {
      param: 'stream_options',
      code: 'invalid_value',
    });
  }
  return undefined;
}

/** Validates a parsed JSON body; returns the request to act on, or the 400 to answer. */
export function parseChatRequest(body: unknown): { ok: true; request: ChatRequest } | { ok: false; error: ProxyError } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: proxyError('The request body must be a JSON object.', { code: 'invalid_value' }) };
  }
  const parsed = chatCompletionRequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: fromZod(parsed.error) };
  const r = parsed.data;
  const notSupported = checkSupported(r);
  if (notSupported) return { ok: false, error: notSupported };
  const messages = checkMessages(r.messages);
  if (!Array.isArray(messages)) return { ok: false, error: messages };
  const maxTokens = r.max_completion_tokens ?? r.max_tokens ?? undefined;
  const record = body as Record<string, unknown>;
  return {
    ok: true,
    request: {
      model: r.model,
      messages,
      stream: r.stream === true,
      includeUsage: r.stream_options?.include_usage === true,
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      ...(r.enable_thinking !== undefined ? { thinking: r.enable_thinking } : {}),
      ignored: IGNORED_PARAMS.filter((p) => record[p] !== undefined && record[p] !== null),
    },
  };
}

/**
 * What the protocol model knows about individual request fields, as data: which values the web
 * client sends and why a difference there matters (protocol.md, "Differences from the
 * seed's failing request, ranked"). `diff` attaches the best matching fact to a finding, which
 * both explains it and lifts its rank by the fact's likelihood. Pure data plus a lookup.
 */
import type { FieldLocation } from '../common/index.js';
import { CHAT_TYPES } from './schemas.js';
import { rulePathMatches } from './volatile-rules.js';

/** How likely a difference in this field breaks the request, as the research notes rank it. */
export type FactLikelihood = 'high' | 'high-medium' | 'medium' | 'medium-low' | 'low-medium' | 'low';

/** Higher is likelier; the order facts are preferred in when several match. */
export const FACT_LIKELIHOOD_ORDER: Readonly<Record<FactLikelihood, number>> = {
  high: 6,
  'high-medium': 5,
  medium: 4,
  'medium-low': 3,
  'low-medium': 2,
  low: 1,
};

/** The kinds of difference a fact can explain (as diff names them). */
export type FactChange = 'missing' | 'extra' | 'changed' | 'type-changed';

/** One fact about a request field, with the conditions under which it applies. */
export interface ProtocolFact {
  readonly id: string;
  /** Endpoints it applies to; all when absent. */
  readonly endpoints?: readonly string[];
  readonly location: FieldLocation;
  /** A field path as in volatile rules (`messages[*].chat_type`); `''` for the whole path/body. */
  readonly path: string;
  /** The changes it explains; all when absent. */
  readonly changes?: readonly FactChange[];
  /** Applies only when BAD's value is not one of these (strings compared exactly). */
  readonly badNotIn?: readonly string[];
  /** Applies only when BAD's value is one of these. */
  readonly badIn?: readonly string[];
  /** Applies only when BAD's value is of one of these kinds (diff's value kinds: `gzip-base64`, ...). */
  readonly badKinds?: readonly string[];
  readonly likelihood: FactLikelihood;
  /** What the web client sends there. */
  readonly webSends?: unknown;
  /** One sentence; `{bad}` and `{good}` are replaced by the values. */
  readonly sentence: string;
  /** Where the fact comes from. */
  readonly source: string;
}

const COMPLETIONS = ['chat.completions', 'chat.completions.v1'];
const V2_COMPLETIONS = ['chat.completions'];
const NOTES = 'docs/protocol.md';
/** Client-side aliases that `/api/models` does not list (FreeQwenApi modelMapping.js). */
const MODEL_ALIASES = ['qwen-turbo', 'qwen-turbo-latest', 'qwen-max', 'qwen-plus'];
const ENVELOPE = [
  'messages[*].fid',
  'messages[*].parentId',
  'messages[*].childrenIds',
  'messages[*].user_action',
  'messages[*].files',
  'messages[*].timestamp',
  'messages[*].models',
  'messages[*].extra.meta',
  'messages[*].extra',
  'messages[*].parent_id',
  'version',
  'parent_id',
  'timestamp',
];
const WAF_HEADERS = ['x-request-id', 'source', 'version', 'bx-v', 'timezone'];

/** The facts, from the research notes; likeliest causes first within each group. */
export const PROTOCOL_FACTS: readonly ProtocolFact[] = [
  {
    id: 'message-chat-type-unknown',
    endpoints: COMPLETIONS,
    location: 'body',
    path: 'messages[*].chat_type',
    changes: ['changed', 'type-changed', 'extra'],
    badNotIn: CHAT_TYPES,
    likelihood: 'high',
    webSends: 't2t',
    source: `${NOTES} §6.4.1`,
    sentence: "chat_type '{bad}' is not a chat type; the web client sends 't2t'",
  },
  {
    id: 'message-chat-type-missing',
    endpoints: COMPLETIONS,
    location: 'body',
    path: 'messages[*].chat_type',
    changes: ['missing'],
    likelihood: 'medium',
    webSends: 't2t',
    source: `${NOTES} §2`,
    sentence: "the server reads the message-level chat_type; the web client sends 't2t'",
  },
  {
    id: 'model-alias',
    location: 'body',
    path: 'model',
    changes: ['changed'],
    badIn: MODEL_ALIASES,
    likelihood: 'high-medium',
    source: `${NOTES} §7.4, §6.4.2`,
    sentence:
      "model '{bad}' is a client-side alias that /api/models does not list; send an id from /api/models such as " +
      "'{good}'",
  },
  {
    id: 'model-changed',
    location: 'body',
    path: 'model',
    changes: ['changed', 'type-changed'],
    likelihood: 'medium',
    source: `${NOTES} §7`,
    sentence: "the server accepts only a model id that /api/models lists, and '{bad}' must be one of them",
  },
  {
    id: 'chat-models-alias',
    endpoints: ['chats.new'],
    location: 'body',
    path: 'models[*]',
    changes: ['changed'],
    badIn: MODEL_ALIASES,
    likelihood: 'medium',
    source: `${NOTES} §6.4.2`,
    sentence: "the chat is created for model '{bad}', a client-side alias that /api/models does not list",
  },
  {
    id: 'top-chat-type-mode',
    endpoints: COMPLETIONS,
    location: 'body',
    path: 'chat_type',
    changes: ['changed', 'extra'],
    badNotIn: CHAT_TYPES,
    likelihood: 'medium',
    webSends: 't2t',
    source: `${NOTES} §6.4.3`,
    sentence:
      "'{bad}' is a chat_mode value, not a chat type; working clients that send a top-level chat_type send 't2t'",
  },
  {
    id: 'chats-new-chat-type',
    endpoints: ['chats.new'],
    location: 'body',
    path: 'chat_type',
    changes: ['changed'],
    badNotIn: CHAT_TYPES,
    likelihood: 'low',
    webSends: 't2t',
    source: `${NOTES} §6.4.3`,
    sentence: "chats/new accepts chat_type '{bad}', but the web client sends 't2t'",
  },
  {
    id: 'top-feature-config',
    endpoints: COMPLETIONS,
    location: 'body',
    path: 'feature_config',
    changes: ['extra'],
    likelihood: 'medium-low',
    source: `${NOTES} §6.4.4`,
    sentence: 'the server reads feature_config from messages[0], not from the top level',
  },
  {
    id: 'message-feature-config',
    endpoints: COMPLETIONS,
    location: 'body',
    path: 'messages[*].feature_config',
    changes: ['missing'],
    likelihood: 'medium-low',
    source: `${NOTES} §6.4.4`,
    sentence:
      "the web client sends feature_config on the message (output_schema 'phase' and the thinking switches), where " +
      'the server reads it',
  },
  {
    id: 'chat-mode',
    endpoints: COMPLETIONS,
    location: 'body',
    path: 'chat_mode',
    changes: ['missing'],
    likelihood: 'low-medium',
    webSends: 'normal',
    source: `${NOTES} §6.4.5`,
    sentence: "every working body sends chat_mode 'normal'",
  },
  ...['sub_chat_type', 'messages[*].sub_chat_type'].map((path): ProtocolFact => ({
    id: `sub-chat-type:${path}`,
    endpoints: COMPLETIONS,
    location: 'body',
    path,
    changes: ['missing'],
    likelihood: 'low-medium',
    webSends: 't2t',
    source: `${NOTES} §6.4.5`,
    sentence: "every working body sends sub_chat_type 't2t'",
  })),
  ...ENVELOPE.map((path): ProtocolFact => ({
    id: `envelope:${path}`,
    endpoints: V2_COMPLETIONS,
    location: 'body',
    path,
    changes: ['missing'],
    likelihood: 'low',
    source: `${NOTES} §6.4.6`,
    sentence:
      'part of the message envelope the web client sends; late-2025 bodies without it worked, 2026 ones get ' +
      'Bad_Request',
  })),
  {
    id: 'max-tokens',
    endpoints: COMPLETIONS,
    location: 'body',
    path: 'max_tokens',
    changes: ['extra'],
    likelihood: 'low',
    source: `${NOTES} §6.4.7`,
    sentence: 'no v2 client sends max_tokens; drop it',
  },
  {
    id: 'session-id',
    endpoints: COMPLETIONS,
    location: 'body',
    path: 'session_id',
    changes: ['extra'],
    likelihood: 'low',
    source: `${NOTES} §6.4.7`,
    sentence: 'session_id is a v1 leftover; working late-2025 bodies sent it too, so it is likely harmless',
  },
  {
    id: 'stream-false',
    endpoints: COMPLETIONS,
    location: 'body',
    path: 'stream',
    changes: ['changed', 'missing'],
    badNotIn: ['true'],
    likelihood: 'high',
    webSends: true,
    source: `${NOTES} §5.4`,
    sentence: "without stream:true the server answers Bad_Request 'Internal error'; the web client always streams",
  },
  {
    id: 'query-chat-id',
    endpoints: V2_COMPLETIONS,
    location: 'query',
    path: 'chat_id',
    changes: ['missing'],
    likelihood: 'high',
    source: `${NOTES} §5.4`,
    sentence:
      'without ?chat_id= the server answers RequestValidationError "Field \'query -> chat_id\': Field required"',
  },
  {
    id: 'body-chat-id',
    endpoints: V2_COMPLETIONS,
    location: 'body',
    path: 'chat_id',
    changes: ['missing'],
    likelihood: 'high',
    source: `${NOTES} §5.4`,
    sentence:
      'without chat_id in the body the server answers RequestValidationError "Field \'chat_id\': Field required"',
  },
  {
    id: 'token-compressed',
    location: 'header',
    path: 'authorization',
    changes: ['changed'],
    badKinds: ['gzip-base64', 'base64', 'hex', 'text', 'enum'],
    likelihood: 'high',
    source: `${NOTES} §3.1`,
    sentence:
      'the server wants the raw JWT from localStorage \'token\'; a gzip+base64 "compressed" token is refused as ' +
      "'Invalid token'",
  },
  {
    id: 'token-missing',
    location: 'header',
    path: 'authorization',
    changes: ['missing'],
    likelihood: 'high',
    source: `${NOTES} §3.3`,
    sentence: 'Authorization: Bearer <jwt> is the one header every working client has always sent',
  },
  ...WAF_HEADERS.map((path): ProtocolFact => ({
    id: `waf-header:${path}`,
    location: 'header',
    path,
    changes: ['missing'],
    likelihood: 'low',
    source: `${NOTES} §3.3`,
    sentence: 'since mid-2026 the Aliyun WAF wants the browser header set; not a cause of errors in late 2025',
  })),
  ...['token', 'ssxmod_itna', 'ssxmod_itna2'].map((path): ProtocolFact => ({
    id: `waf-cookie:${path}`,
    location: 'cookie',
    path,
    changes: ['missing'],
    likelihood: 'low',
    source: `${NOTES} §3.2`,
    sentence: 'since mid-2026 working clients send the token and ssxmod cookies to pass the Aliyun WAF',
  })),
  {
    id: 'v1-path',
    location: 'path',
    path: '',
    changes: ['changed'],
    badIn: ['/api/chat/completions'],
    likelihood: 'high',
    source: `${NOTES} §2`,
    sentence:
      'the web client left /api/chat/completions (v1) on 2025-09-29 and posts to /api/v2/chat/completions?chat_id=… ' +
      'after chats/new',
  },
];

/** What a lookup knows about one difference. */
export interface FactQuery {
  readonly endpoint?: string | undefined;
  readonly location: FieldLocation;
  readonly path: string;
  readonly change: FactChange;
  /** BAD's value (strings and scalars are matched against `badIn`/`badNotIn`). */
  readonly bad?: unknown | undefined;
  readonly badKind?: string | undefined;
}

function scalarText(value: unknown): string | undefined {
  if (value === null) return 'null';
  return ['string', 'number', 'boolean'].includes(typeof value) ? String(value) : undefined;
}

/** Every fact that applies, likeliest first. */
export function findProtocolFacts(query: FactQuery, facts: readonly ProtocolFact[] = PROTOCOL_FACTS): ProtocolFact[] {
  const bad = scalarText(query.bad);
  return facts
    .filter((f) => {
      if (f.location !== query.location) return false;
      if (f.endpoints && (query.endpoint === undefined || !f.endpoints.includes(query.endpoint))) return false;
      if (f.changes && !f.changes.includes(query.change)) return false;
      if (f.path === '' ? query.path !== '' : !rulePathMatches(f.path, query.path, query.location)) return false;
      if (f.badIn && (bad === undefined || !f.badIn.includes(bad))) return false;
      if (f.badNotIn && bad !== undefined && f.badNotIn.includes(bad)) return false;
      if (f.badNotIn && bad === undefined && query.change !== 'missing') return false;
      if (f.badKinds && (query.badKind === undefined || !f.badKinds.includes(query.badKind))) return false;
      return true;
    })
    .sort((a, b) => FACT_LIKELIHOOD_ORDER[b.likelihood] - FACT_LIKELIHOOD_ORDER[a.likelihood]);
}

/** The fact's sentence with `{bad}`/`{good}` filled in (short values only; long ones are elided). */
export function factSentence(fact: ProtocolFact, values: { readonly good?: unknown; readonly bad?: unknown }): string {
  const show = (v: unknown): string => {
    const text = scalarText(v) ?? (v === undefined ? 'absent' : JSON.stringify(v));
    return text.length > 40 ? `${text.slice(0, 37)}...` : text;
  };
  return fact.sentence.replaceAll('{bad}', show(values.bad)).replaceAll('{good}', show(values.good));
}

/**
 * `serve`: an OpenAI-compatible API on top of the chat.qwen.ai web protocol. See README.md in this
 * folder for the endpoints, the conversation folding and curl examples.
 */
export { startProxyServer, createProxyHandler } from './proxy-server.js';
export type { ProxyOptions, ProxyServerOptions, ProxyServer, ProxyHandler } from './proxy-server.js';
export { SessionPool } from './session-pool.js';
export type {
  SessionSpec,
  SessionCredentials,
  SessionStatus,
  SessionPoolOptions,
  CooldownReason,
  PooledSession,
} from './session-pool.js';
export { ConversationStore, foldMessages, historyKey } from './conversation-store.js';
export type { ChatThread, TurnPlan } from './conversation-store.js';
export { ModelsCache, toOpenAiModels, THINKING_SUFFIX } from './models-cache.js';
export type { OpenAiModel, ResolvedModel } from './models-cache.js';
export { ChunkWriter, chatCompletionObject, openAiUsage, DONE_FRAME } from './chunk-writer.js';
export type { OpenAiUsage, FinishReason, ResponseIdentity } from './chunk-writer.js';
export { parseChatRequest, openAiErrorBody, proxyError, chatCompletionRequestSchema } from './openai-schemas.js';
export type { ChatRequest, ChatMessage, ChatRole, ProxyError, OpenAiErrorBody } from './openai-schemas.js';
export { errorForFailure, AUTH_HINT } from './failure-response.js';
export { useLeanHeap, LEAN_HEAP_DEFAULTS, type LeanHeapOptions } from './lean-heap.js';

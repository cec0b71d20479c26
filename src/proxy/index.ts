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
export { ConversationStore, foldMessages, historyKey, planTurn, answeredKey } from './conversation-store.js';
export type { ChatThread, TurnPlan, ExpiredChat, ConversationStoreOptions } from './conversation-store.js';
export { MemoryState } from './shared-state.js';
export type { SharedState, AccountChange, StoredAccount, AccountCounters } from './shared-state.js';
export { RedisState, parseRedisUrl } from './redis-state.js';
export type { RedisStateOptions } from './redis-state.js';
export { ACCOUNT_EFFECTS, accountEffect, effectiveState, READY } from './account-health.js';
export type { AccountHealth, AccountState, AccountFailure, AccountEffect } from './account-health.js';
export type { AccountQuota, ModelQuota, QuotaRead } from './account-calls.js';
export { accountsView } from './admin-accounts.js';
export type { AccountView, AccountsView } from './admin-accounts.js';
export { readAccountsFile, parseAccountsText } from './accounts-file.js';
export type { AccountEntry } from './accounts-file.js';
export { parseMessagesRequest, anthropicErrorBody, anthropicErrorType } from './anthropic-schemas.js';
export type { AnthropicErrorBody } from './anthropic-schemas.js';
export { AnthropicFormat } from './anthropic-format.js';
export { OpenAiFormat } from './answer-format.js';
export type { AnswerFormat, CollectedAnswer } from './answer-format.js';
export { ChatReaper } from './chat-reaper.js';
export { ModelsCache, toOpenAiModels, THINKING_SUFFIX } from './models-cache.js';
export type { OpenAiModel, ResolvedModel } from './models-cache.js';
export { ChunkWriter, chatCompletionObject, openAiUsage, DONE_FRAME } from './chunk-writer.js';
export type { OpenAiUsage, FinishReason, ResponseIdentity } from './chunk-writer.js';
export { parseChatRequest, openAiErrorBody, proxyError, chatCompletionRequestSchema } from './openai-schemas.js';
export type { ChatRequest, ChatMessage, ChatRole, ProxyError, OpenAiErrorBody } from './openai-schemas.js';
export { errorForFailure, AUTH_HINT } from './failure-response.js';
export { useLeanHeap, LEAN_HEAP_DEFAULTS, type LeanHeapOptions } from './lean-heap.js';

/**
 * Public API of `upstream`: the chat.qwen.ai protocol model. Pure: endpoints, schemas, request shapes,
 * the stream reader and its failures, volatile-field rules, protocol facts.
 */
export * from './endpoints.js';
export * from './schemas.js';
export * from './browser-headers.js';
export * from './eras.js';
export * from './front-end-2026.js';
export * from './shapes.js';
export * from './volatile-rules.js';
export * from './refresh-request.js';
export * from './protocol-facts.js';
export * from './stream-types.js';
export * from './stream-reader.js';
export * from './upstream-failure.js';

/**
 * Public API of `client`: the Qwen session client that every capability shares: credentials and
 * session files, running a shape's turn (chats/new, then the completion), probing a captured request
 * afresh, and the one-line descriptions of exchanges and verdicts.
 */
export * from './target.js';
export * from './session-file.js';
export * from './credentials.js';
export * from './run-shape.js';
export * from './build-shape-requests.js';
export * from './describe-exchange.js';
export * from './probe-refresh.js';
export * from './probe-request.js';
export * from './read-capture-input.js';
export { derivedChatRequest } from './chat-template.js';
export * from './restore-credentials.js';

/**
 * qwen-probe as a library. The one data type (`Exchange`), its capture files and errors sit at the top
 * level; each capability is a namespace, so names never collide and a reader sees where a function
 * lives: `diff.diffCaptures(good, bad)`, `simulator.startSimulator()`, `proxy.startProxyServer(...)`.
 */
export * from './exchange/index.js';
export * as upstream from './upstream/index.js';
export * as net from './net/index.js';
export * as client from './client/index.js';
export * as capture from './capture/browser-api.js';
export * as intercept from './capture/intercept/index.js';
export * as diff from './diff/index.js';
export * as bisect from './bisect/index.js';
export * as learn from './learn/index.js';
export * as lint from './lint/index.js';
export * as replay from './replay/index.js';
export * as report from './report/index.js';
export * as proxy from './proxy/index.js';
export * as simulator from './simulator/index.js';
export * as workflow from './workflow/index.js';

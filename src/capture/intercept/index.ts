/** The intercepting proxy behind `qwen-probe intercept`: start it, read its settings, summarise what it records. */
export { startIntercept, type InterceptOptions, type InterceptProxy } from './intercept-proxy.js';
export {
  startInterceptCluster,
  autoWorkerCount,
  MAX_AUTO_WORKERS,
  type InterceptClusterOptions,
  type InterceptCluster,
} from './intercept-cluster.js';
export { loadOrCreateCa, DEFAULT_CA_DIR, type CaMaterial } from './ca-store.js';
export {
  parseMapping,
  parseMappings,
  effectiveIncludes,
  hostMatcher,
  TARGET_HOSTS,
  type HostMapping,
} from './host-rules.js';
export { formatClientSettings, type ClientSettingsInput } from './client-settings.js';
export { summarizeExchange } from './exchange-summary.js';
export { ExchangeRecorder, type RecorderOptions } from './exchange-recorder.js';

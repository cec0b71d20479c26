/** The one outbound HTTP client: `sendRequest(request, options) → Exchange`. */
export { sendRequest, type SendOptions } from './send-request.js';
export { classifyNetError, NET_ERROR_CODES, type NetErrorCode } from './net-error.js';

/**
 * The model list as the page asks for it: `GET /api/v2/models/` (2026 nests it in `data.data`),
 * with the session's token. Only ids are compared: names, dates and capabilities of a listed model
 * change without breaking a client.
 */
import { sendRequest } from '../../net/index.js';
import type { Exchange } from '../../exchange/exchange.js';
import { parseJson } from '../../upstream/schemas.js';

export const MODELS_PATH = '/api/v2/models/';

/** The list's ids, sorted, or why there is none. */
export interface ModelProbe {
  readonly exchange: Exchange;
  readonly ids?: readonly string[];
  readonly unreachable?: string;
}

function idsOf(value: unknown): string[] | undefined {
  const data = (value as { data?: unknown } | undefined)?.data;
  const list = Array.isArray(data) ? data : (data as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(list)) return undefined;
  return list
    .map((m) => (m as { id?: unknown }).id)
    .filter((id): id is string => typeof id === 'string')
    .sort();
}

export async function probeModels(
  target: string,
  auth: { readonly token: string; readonly cookies: Readonly<Record<string, string>> },
  timeoutMs: number,
): Promise<ModelProbe> {
  const cookie = Object.entries({ ...auth.cookies, token: auth.token })
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
  const exchange = await sendRequest(
    {
      method: 'GET',
      url: `${target}${MODELS_PATH}`,
      headers: [
        { name: 'Accept', value: 'application/json, text/plain, */*' },
        { name: 'Authorization', value: `Bearer ${auth.token}` },
        { name: 'Cookie', value: cookie },
      ],
    },
    { source: 'library', endpoint: 'models.v2', totalTimeoutMs: timeoutMs, connectTimeoutMs: timeoutMs },
  );
  if (!exchange.response) return { exchange, unreachable: `the model list: ${exchange.error?.code ?? 'no answer'}` };
  const json = parseJson(exchange.response.body);
  const ids = json.ok ? idsOf(json.value) : undefined;
  return ids ? { exchange, ids } : { exchange };
}

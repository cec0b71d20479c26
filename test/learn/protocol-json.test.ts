import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
  VALUE_FORMATS,
  formatRegExp,
  learnProtocol,
  parseProtocolJson,
  protocolToJson,
  renderProtocolJson,
  requestParts,
} from '../../src/learn/index.js';
import { isProbeError } from '../../src/exchange/errors.js';
import { turns } from './support.js';

/** ajv with our formats: strings by pattern, numbers (timestamps) by the schema's own bounds. */
function ajvWithFormats() {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  for (const name of Object.keys(VALUE_FORMATS))
    for (const format of [name, `bearer-${name}`]) {
      const re = formatRegExp(format)!;
      ajv.addFormat(format, { type: 'string', validate: (s: string) => re.test(s) });
      ajv.addFormat(format, { type: 'number', validate: () => true });
    }
  return ajv;
}

function requestValue(exchange: ReturnType<typeof turns>[number]) {
  const parts = requestParts(exchange.request);
  return {
    headers: Object.fromEntries(parts.headers),
    ...(parts.cookies.size > 0 ? { cookies: Object.fromEntries(parts.cookies) } : {}),
    ...(parts.query.size > 0 ? { query: Object.fromEntries(parts.query) } : {}),
    ...(parts.body ? { body: parts.body.value } : {}),
  };
}

describe('protocol.json', () => {
  const exchanges = [...turns('web', 3), ...turns('seed-v4', 1)];
  const protocol = learnProtocol(exchanges, ['browser.har']);

  it('reads back exactly what it wrote', () => {
    const text = renderProtocolJson(protocol);
    expect(renderProtocolJson(parseProtocolJson(text))).toBe(text);
  });

  it('says its layout version and, per endpoint, the request as a JSON Schema with its evidence', () => {
    const json = protocolToJson(learnProtocol(turns('web', 3))) as any;
    expect(json.schemaVersion).toBe(1);
    const request = json.endpoints['chat.completions'].request;
    expect(request.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(request.properties.body.properties.messages.items.properties.chat_type).toEqual({
      type: 'string',
      enum: ['t2t'],
      'x-seen': 3,
      'x-types': { string: 3 },
      'x-kinds': { enum: 3 },
      'x-values': { t2t: 3 },
    });
    expect(request.required).toEqual(['headers', 'cookies', 'query', 'body']);
    expect(request.properties.body.additionalProperties).toBe(false);
    expect(request.properties.headers.properties.authorization.format).toBe('bearer-jwt');
    expect(request.properties.body.properties.timestamp).toMatchObject({ format: 'timestamp-s', minimum: 1e9 });
  });

  it('gives schemas that ajv compiles and that accept every browser request they were learnt from', () => {
    const browserOnly = learnProtocol(turns('web', 3));
    const json = protocolToJson(browserOnly) as any;
    const ajv = ajvWithFormats();
    for (const [name, endpoint] of Object.entries<any>(json.endpoints)) {
      const validate = ajv.compile(endpoint.request);
      for (const exchange of turns('web', 3).filter((e) => e.endpoint === name))
        expect(validate(requestValue(exchange)), JSON.stringify(validate.errors)).toBe(true);
    }
    const completion = ajv.compile(json.endpoints['chat.completions'].request);
    const seed = turns('seed-v4', 1).find((e) => e.endpoint === 'chat.completions')!;
    expect(completion(requestValue(seed))).toBe(false);
  });

  it('refuses a file of another schema version, or one that is not a protocol, with one clear message', () => {
    const attempts: [string, RegExp][] = [
      ['{"schemaVersion": 2, "endpoints": {}}', /schemaVersion 2; this qwen-probe reads version 1/],
      [
        '{"schemaVersion": 1, "learntFrom": {"captures": [], "exchanges": 0, "skipped": 0}, "endpoints": {"x": {}}}',
        /not a learnt protocol at endpoints\.x/,
      ],
      ['not json', /is not JSON/],
    ];
    for (const [text, message] of attempts) {
      try {
        parseProtocolJson(text, 'p/protocol.json');
        expect.unreachable();
      } catch (error) {
        expect(isProbeError(error) && error.code).toBe('E_INPUT');
        expect((error as Error).message).toMatch(message);
      }
    }
  });
});

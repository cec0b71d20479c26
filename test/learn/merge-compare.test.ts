import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_ENUM_VALUES,
  compareProtocols,
  enumOf,
  learnProtocol,
  mergeProtocols,
  renderProtocolJson,
  type ProtocolChange,
} from '../../src/learn/index.js';
import { makeExchange } from '../support/make-exchange.js';
import { editRequest, turns } from './support.js';

const kinds = (changes: readonly ProtocolChange[]) => changes.map((c) => c.kind);

describe('mergeProtocols', () => {
  it('gives what learning every sample at once gives, wherever the samples are split', () => {
    const all = [...turns('web', 3, 1), ...turns('seed-v4', 2, 2), ...turns('web', 2, 3, 'Tell me more')];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: all.length }), (split) => {
        const merged = mergeProtocols(learnProtocol(all.slice(0, split)), learnProtocol(all.slice(split)));
        const direct = learnProtocol(all);
        // learntFrom lists no captures here, so the two must be the same file, byte for byte.
        expect(renderProtocolJson(merged)).toBe(renderProtocolJson(direct));
      }),
      { numRuns: 15 },
    );
  });

  it('stops treating a field as an enum once more distinct values came than an enum may have', () => {
    const body = (model: string) => makeExchange({ request: { body: JSON.stringify({ model }) } });
    const first = learnProtocol(Array.from({ length: 24 }, (_, i) => body(`model-${i % 6}`)));
    const node = () => first.endpoints.get('chat.completions')!.request.keys!.get('body')!.keys!.get('model')!;
    expect(enumOf(node())).toHaveLength(6);
    const more = learnProtocol(Array.from({ length: 24 }, (_, i) => body(`other-${i % (MAX_ENUM_VALUES - 3)}`)));
    const merged = mergeProtocols(first, more);
    const model = merged.endpoints.get('chat.completions')!.request.keys!.get('body')!.keys!.get('model')!;
    expect(model.manyValues).toBe(true);
    expect(enumOf(model)).toBeUndefined();
  });
});

describe('compareProtocols', () => {
  const base = turns('web', 3);

  it('finds nothing between two captures of the same shape: fresh ids, times and tokens are not changes', () => {
    expect(compareProtocols(learnProtocol(base), learnProtocol(turns('web', 5, 7)))).toEqual([]);
  });

  it('says what appeared, disappeared, changed kind and became required', () => {
    const edited = base.map((ex) =>
      ex.endpoint === 'chat.completions'
        ? editRequest(ex, (body, headers) => {
            body.timestamp = body.timestamp * 1000;
            delete body.chat_mode;
            body.messages[0].new_flag = 'on';
            headers.push({ name: 'x-new-header', value: 'yes' });
          })
        : ex,
    );
    const changes = compareProtocols(learnProtocol(base), learnProtocol(edited));
    const at = (kind: string) => changes.filter((c) => c.kind === kind).map((c) => ('path' in c ? c.path : ''));
    expect(at('kind-changed')).toEqual(['timestamp']);
    expect(at('field-disappeared')).toEqual(['chat_mode']);
    expect(at('field-appeared').sort()).toEqual(['messages[*].new_flag', 'x-new-header']);
    const timestamp = changes.find((c) => c.kind === 'kind-changed');
    expect(timestamp).toMatchObject({ from: ['timestamp-s'], to: ['timestamp-ms'] });
    expect(timestamp!.explanation).toBe(
      'chat.completions: request body timestamp changed kind: timestamp-s before, timestamp-ms now',
    );

    const some = base.map((ex, i) =>
      ex.endpoint === 'chat.completions' && i > 1
        ? editRequest(ex, (_b, headers) => headers.push({ name: 'x-flag', value: '1' }))
        : ex,
    );
    const all = base.map((ex) =>
      ex.endpoint === 'chat.completions'
        ? editRequest(ex, (_b, headers) => headers.push({ name: 'x-flag', value: '1' }))
        : ex,
    );
    expect(kinds(compareProtocols(learnProtocol(some), learnProtocol(all)))).toEqual(['became-required']);
    expect(kinds(compareProtocols(learnProtocol(all), learnProtocol(some)))).toEqual(['became-optional']);
  });

  it('reports a new value of an enum (a version bump), but only the highest level of a new object', () => {
    const bumped = base.map((ex) =>
      editRequest(ex, (body, headers) => {
        for (const h of headers) if (h.name === 'version') h.value = '0.2.64';
        if (body) body.extra = { a: { b: 1 } };
      }),
    );
    const changes = compareProtocols(learnProtocol(base), learnProtocol(bumped));
    const bump = changes.filter((c) => c.kind === 'values-changed');
    expect(bump).toHaveLength(2);
    expect(bump[0]).toMatchObject({
      endpoint: 'chats.new',
      location: 'header',
      path: 'version',
      added: ['0.2.64'],
      removed: ['0.2.63'],
    });
    expect(changes.filter((c) => c.kind === 'field-appeared').map((c) => ('path' in c ? c.path : ''))).toEqual([
      'extra',
      'extra',
    ]);
  });

  it('reports endpoints that appeared or disappeared, and stream and status changes', () => {
    const seed = turns('seed-v4', 1);
    const changes = compareProtocols(learnProtocol(base), learnProtocol([...base, ...seed]));
    expect(changes.some((c) => c.kind === 'statuses-changed')).toBe(false);
    const withV1 = makeExchange({ endpoint: undefined, request: { url: 'https://chat.qwen.ai/api/chat/completions' } });
    expect(kinds(compareProtocols(learnProtocol(base), learnProtocol([...base, withV1])))).toContain(
      'endpoint-appeared',
    );
    expect(kinds(compareProtocols(learnProtocol([...base, withV1]), learnProtocol(base)))).toContain(
      'endpoint-disappeared',
    );
    const streamless = learnProtocol(
      base.map((ex) =>
        ex.endpoint === 'chat.completions' ? { ...ex, response: { ...ex.response!, status: 500 } } : ex,
      ),
    );
    const statusChange = compareProtocols(learnProtocol(base), streamless).find((c) => c.kind === 'statuses-changed');
    expect(statusChange).toMatchObject({ endpoint: 'chat.completions', added: ['500'], removed: ['200'] });
  });
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProbeError } from '../../src/exchange/errors.js';
import { CHAT_TYPES } from '../../src/upstream/schemas.js';
import {
  AUTH_RULES,
  CHAT_EXISTENCE_RULES,
  COMPLETION_VALIDATION_RULES,
  conditionSchema,
  CONDITION_KIND_NAMES,
  loadProfile,
  parseProfile,
  PROFILES,
  type ProfileRule,
  type SimulatorProfile,
} from '../../src/simulator/index.js';
import { complete, envelopeOf, inProcess, minimalBody, newChat, signin } from './support.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/profiles/two-hidden-culprits.json', import.meta.url));

async function writeTemp(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qp-profile-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function expectInputError(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as ProbeError).code).toBe('E_INPUT');
    expect((error as ProbeError).message).toMatch(message);
    return;
  }
  throw new Error('expected a ProbeError');
}

describe('built-in profiles', () => {
  it('are valid JSON data that survives a round trip through the file loader', async () => {
    for (const profile of Object.values(PROFILES)) {
      const path = await writeTemp(`${profile.name}.json`, JSON.stringify(profile));
      expect(loadProfile(path)).toEqual(profile);
      for (const rule of profile.rules) expect(rule.explain.length).toBeGreaterThan(20);
    }
  });

  it('list only real chat types for their models and never the alias qwen-turbo', () => {
    for (const profile of Object.values(PROFILES)) {
      expect(profile.models.map((m) => m.id)).not.toContain('qwen-turbo');
      for (const m of profile.models) for (const t of m.chatTypes ?? []) expect(CHAT_TYPES).toContain(t);
    }
  });
});

describe('loading a profile', () => {
  it('loads a profile JSON file and the simulator obeys its rules', async () => {
    const sim = inProcess({ profile: FIXTURE });
    expect(sim.state.profile.name).toBe('two-hidden-culprits');
    const { token } = await signin(sim.request, sim.baseUrl);
    const chatId = await newChat(sim.request, sim.baseUrl, token);
    const culpritsLeft = async (message: Record<string, unknown>, headers: Record<string, string>) => {
      const res = await complete(sim.request, sim.baseUrl, token, chatId, minimalBody(chatId, {}, message), headers);
      const text = await res.text();
      return text.startsWith('data:') ? 'streams' : (JSON.parse(text) as { data: { code: string } }).data.code;
    };
    expect(await culpritsLeft({}, {})).toBe('Internal_Server_Error');
    expect(await culpritsLeft({ sub_chat_type: 't2t' }, {})).toBe('Internal_Server_Error');
    expect(await culpritsLeft({}, { source: 'web' })).toBe('Internal_Server_Error');
    expect(await culpritsLeft({ sub_chat_type: 't2t' }, { source: 'web' })).toBe('streams');
  });

  it('names the first problem of a bad profile file in one E_INPUT line', async () => {
    const badRule = await writeTemp(
      'bad.json',
      JSON.stringify({
        name: 'x',
        rules: [
          { name: 'r', when: { sometimes: true }, respond: { status: 200, code: 'X', details: '' }, explain: 'e' },
        ],
      }),
    );
    expectInputError(() => loadProfile(badRule), /bad\.json is not valid: rules\.0\.when/);
    const badEndpoint = await writeTemp(
      'ep.json',
      JSON.stringify({
        name: 'x',
        rules: [
          {
            name: 'r',
            endpoint: 'chat.complete',
            when: { kind: 'always' },
            respond: { waf: 'html', status: 405 },
            explain: 'e',
          },
        ],
      }),
    );
    expectInputError(() => loadProfile(badEndpoint), /unknown endpoint/);
    const notJson = await writeTemp('nj.json', '{ name: ');
    expectInputError(() => loadProfile(notJson), /is not JSON/);
    const dup = await writeTemp('dup.json', JSON.stringify({ name: 'x', rules: [AUTH_RULES[0], AUTH_RULES[0]] }));
    expectInputError(() => loadProfile(dup), /two rules are named "token-missing"/);
    expectInputError(() => loadProfile('/nonexistent/profile.json'), /cannot read profile file/);
    expectInputError(() => loadProfile('qwen-1999-01'), /unknown profile "qwen-1999-01"/);
  });

  it('gives a profile without models the default model list', async () => {
    const path = await writeTemp('nomodels.json', JSON.stringify({ name: 'bare', rules: [] }));
    expect(loadProfile(path).models).toBe(PROFILES['qwen-2025-10']?.models);
  });
});

describe('profiles written in code express each kind of hidden culprit', () => {
  const base = [...AUTH_RULES, ...COMPLETION_VALIDATION_RULES, ...CHAT_EXISTENCE_RULES];
  const block = { status: 200, code: 'Bad_Request', details: 'Internal error' } as const;
  /** The seed's profile rules plus one rule on completions: the hidden culprit under test. */
  const withCompletionRule = (name: string, rule: Omit<ProfileRule, 'endpoint'>): SimulatorProfile => ({
    name,
    description: '',
    models: PROFILES['qwen-2025-10']!.models,
    rules: [...base, { ...rule, endpoint: 'chat.completions' }],
  });
  const cases: {
    what: string;
    profile: SimulatorProfile;
    fails: [Record<string, unknown>, Record<string, string>];
    passes: [Record<string, unknown>, Record<string, string>];
  }[] = [
    {
      what: 'a required body field with a given value',
      profile: withCompletionRule('field', {
        name: 'mode',
        when: { kind: 'not', condition: { kind: 'equals', location: 'body', path: 'chat_mode', value: 'normal' } },
        respond: block,
        explain: 'chat_mode must be normal',
      }),
      fails: [{ chat_mode: 'local' }, {}],
      passes: [{ chat_mode: 'normal' }, {}],
    },
    {
      what: 'a header that must be present',
      profile: withCompletionRule('header', {
        name: 'version',
        when: { kind: 'headerMissing', name: 'version' },
        respond: { waf: 'json-block', status: 200 },
        explain: 'version header needed',
      }),
      fails: [{}, {}],
      passes: [{}, { version: '0.2.63' }],
    },
    {
      what: 'a cookie that must be present',
      profile: withCompletionRule('cookie', {
        name: 'itna',
        when: { kind: 'cookieMissing', name: 'ssxmod_itna' },
        respond: { waf: 'json-block', status: 200 },
        explain: 'anti-bot cookie needed',
      }),
      fails: [{}, {}],
      passes: [{}, { cookie: 'ssxmod_itna=1-x' }],
    },
  ];
  for (const c of cases) {
    it(`blocks then passes for ${c.what}`, async () => {
      const sim = inProcess({ profile: c.profile });
      const { token } = await signin(sim.request, sim.baseUrl);
      const run = async ([top, headers]: [Record<string, unknown>, Record<string, string>]) => {
        const chatId = await newChat(sim.request, sim.baseUrl, token);
        const res = await complete(sim.request, sim.baseUrl, token, chatId, minimalBody(chatId, top), headers);
        return res.headers.get('content-type') ?? '';
      };
      expect(await run(c.fails)).toMatch(/^application\/json/);
      expect(await run(c.passes)).toMatch(/^text\/event-stream/);
    });
  }

  it('accepts a random chat_id when the profile has no rule against it', async () => {
    const sim = inProcess({
      profile: { name: 'lenient', description: '', models: PROFILES['qwen-2025-10']!.models, rules: [] },
    });
    const { token } = await signin(sim.request, sim.baseUrl);
    const res = await complete(sim.request, sim.baseUrl, token, 'never-created', minimalBody('never-created'));
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await res.text();
  });

  it('still refuses a random chat_id under the default profile', async () => {
    const sim = inProcess();
    const { token } = await signin(sim.request, sim.baseUrl);
    const res = await complete(sim.request, sim.baseUrl, token, crypto.randomUUID(), minimalBody('x'));
    expect(res.status).toBe(404);
    expect(await envelopeOf(res)).toEqual({ code: 'Not_Found', details: 'Chat not found' });
  });
});

describe('conditions with a kind', () => {
  it('load from profile files written in the one-key form, migrated to the kind form', () => {
    const oneKey = {
      name: 'old-style',
      rules: [
        {
          name: 'r',
          endpoint: 'chat.completions',
          when: {
            any: [
              { token: 'missing' },
              { not: { equals: { location: 'body', path: 'model', value: 'qwen3-max' } } },
              {
                differ: [
                  { location: 'query', path: 'chat_id' },
                  { location: 'body', path: 'chat_id' },
                ],
              },
              { all: [{ headerMissing: 'bx-v' }, { bodyLargerThan: 10 }, { parentMismatch: true }] },
            ],
          },
          respond: { status: 200, code: 'Bad_Request', details: 'x' },
          explain: 'x',
        },
      ],
    };
    const [rule] = parseProfile(oneKey, 'old-style').rules;
    expect(rule?.when).toEqual({
      kind: 'any',
      conditions: [
        { kind: 'token', state: 'missing' },
        { kind: 'not', condition: { kind: 'equals', location: 'body', path: 'model', value: 'qwen3-max' } },
        {
          kind: 'differ',
          fields: [
            { location: 'query', path: 'chat_id' },
            { location: 'body', path: 'chat_id' },
          ],
        },
        {
          kind: 'all',
          conditions: [
            { kind: 'headerMissing', name: 'bx-v' },
            { kind: 'bodyLargerThan', bytes: 10 },
            { kind: 'parentMismatch' },
          ],
        },
      ],
    });
  });

  it('refuse an unknown kind with one line that names where it is', () => {
    const bad = { name: 'bad', rules: [{ name: 'r', when: { kind: 'sometimes' }, respond: {}, explain: 'x' }] };
    expectInputError(() => parseProfile(bad, 'bad.json'), /^profile bad\.json is not valid: rules\.0\.when/);
  });

  it('has a schema row and an evaluator for every kind it documents', () => {
    for (const kind of CONDITION_KIND_NAMES) {
      const probe = conditionSchema.safeParse({ kind });
      // Kinds without fields parse as they are; the others fail on a missing field, never on the kind.
      const kindIssues = probe.success ? [] : probe.error.issues.filter((i) => i.path.join('.') === 'kind');
      expect(kindIssues, kind).toEqual([]);
    }
    const unknown = conditionSchema.safeParse({ kind: 'sometimes' });
    expect(unknown.success ? [] : unknown.error.issues.map((i) => i.path.join('.'))).toEqual(['kind']);
  });
});

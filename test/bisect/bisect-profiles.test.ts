/**
 * Bisect knows no field names: with profiles written here, hiding other culprits (one body field,
 * two fields that only work together, a header and a cookie), it finds exactly those, seed-v4
 * against the web shape each time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUTH_RULES,
  CHAT_EXISTENCE_RULES,
  COMPLETION_VALIDATION_RULES,
  MODELS_2025_10,
  TURN_RULES,
  type ProfileRule,
  type SimulatorProfile,
} from '../../src/simulator/index.js';
import { bisectAgainst, shapeCapture, startSession, type SimSession } from './simulator-support.js';

/** The plumbing every completion needs, then the hidden culprits; no seed culprit rules. */
function profile(name: string, hidden: readonly ProfileRule[]): SimulatorProfile {
  return {
    name,
    description: `test profile: ${hidden.map((r) => r.name).join(', ')}`,
    models: MODELS_2025_10,
    rules: [...AUTH_RULES, ...COMPLETION_VALIDATION_RULES, ...CHAT_EXISTENCE_RULES, ...hidden, ...TURN_RULES],
  };
}

const internalError = { status: 200, code: 'Internal_Server_Error', details: 'Internal error' } as const;
const FINGERPRINT = { ssxmod_itna: 'fingerprint-from-the-page' };

let session: SimSession | undefined;
afterEach(async () => {
  await session?.sim.close();
  session = undefined;
});

async function culpritsOf(rules: readonly ProfileRule[], cookies: Record<string, string> = {}) {
  session = await startSession({ profile: profile('hidden', rules) });
  const good = await shapeCapture(session, 'web', cookies);
  const bad = await shapeCapture(session, 'seed-v4');
  return bisectAgainst(session, good, bad, { cookies });
}

describe('bisect with hidden culprits it was never told about', () => {
  it('finds one body field', async () => {
    const { result, ids } = await culpritsOf([
      {
        name: 'user-action',
        endpoint: 'chat.completions',
        when: {
          kind: 'not',
          condition: { kind: 'equals', location: 'body', path: 'messages[0].user_action', value: 'chat' },
        },
        respond: internalError,
        explain: 'hidden: one field',
      },
    ]);
    expect(result.verdict).toBe('found');
    expect(ids).toEqual(['body:messages[0].user_action']);
  });

  it('finds two interacting fields that only work together', async () => {
    const { result, ids } = await culpritsOf([
      {
        name: 'sub-chat-type-and-mode',
        endpoint: 'chat.completions',
        when: {
          kind: 'not',
          condition: {
            kind: 'all',
            conditions: [
              { kind: 'equals', location: 'body', path: 'messages[0].sub_chat_type', value: 't2t' },
              { kind: 'equals', location: 'body', path: 'chat_mode', value: 'normal' },
            ],
          },
        },
        respond: internalError,
        explain: 'hidden: two fields, one rule',
      },
    ]);
    expect(ids).toEqual(['body:chat_mode', 'body:messages[0].sub_chat_type']);
    expect(result.withoutEach).toEqual({
      'body:chat_mode': 'Internal_Server_Error',
      'body:messages[0].sub_chat_type': 'Internal_Server_Error',
    });
  });

  it('finds a header and a cookie, each failing its own way', async () => {
    const { result, ids } = await culpritsOf(
      [
        {
          name: 'bx-v',
          endpoint: 'chat.completions',
          when: { kind: 'headerMissing', name: 'bx-v' },
          respond: { waf: 'json-block', status: 200 },
          explain: 'hidden: a header',
        },
        {
          name: 'fingerprint',
          endpoint: 'chat.completions',
          when: { kind: 'cookieMissing', name: 'ssxmod_itna' },
          respond: { status: 200, code: 'Bad_Request', details: 'Internal error' },
          explain: 'hidden: a cookie',
        },
      ],
      FINGERPRINT,
    );
    expect(ids).toEqual(['cookie:ssxmod_itna', 'header:bx-v']);
    expect(result.transitions.map((t) => `${t.from} → ${t.to}`)).toEqual(['waf → Bad_Request', 'Bad_Request → works']);
  });
});

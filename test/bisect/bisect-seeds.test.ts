/**
 * Bisect of each seed step against the web shape on the simulator's qwen-2025-10 profile: every
 * step ends up with the two culprits the profile encodes, plus its own (token kind, the query
 * chat_id, the body chat_id), and the transitions show each step's own error giving way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/exchange/exchange.js';
import { bisectAgainst, shapeCapture, startSession, type SimSession } from './simulator-support.js';

let session: SimSession;
let web: Exchange[];

beforeAll(async () => {
  session = await startSession();
  web = await shapeCapture(session, 'web');
});
afterAll(async () => {
  await session?.sim.close();
});

const PROFILE_CULPRITS = ['body:messages[0].chat_type', 'body:model'];

describe('bisect of the seed steps against the web shape (qwen-2025-10)', () => {
  it('finds exactly the two culprits of seed-v4, and the fields the working request needs', async () => {
    const { result, ids } = await bisectAgainst(session, web, await shapeCapture(session, 'seed-v4'), {
      required: true,
      budget: 80,
    });
    expect(result.verdict).toBe('found');
    expect(ids).toEqual(PROFILE_CULPRITS);
    expect(result.withoutEach).toEqual({
      'body:messages[0].chat_type': 'Internal_Server_Error',
      'body:model': 'Internal_Server_Error',
    });
    expect(result.required.map((r) => r.id)).toEqual(
      expect.arrayContaining(['query:chat_id', 'body:chat_id', 'body:model', 'body:messages[0].chat_type']),
    );
    expect(result.requiredStatus).toBe('complete');
  });

  it('finds the token kind for seed-v1: the compressed bearer gives way to the raw JWT', async () => {
    const { result, ids } = await bisectAgainst(session, web, await shapeCapture(session, 'seed-v1'));
    expect(ids).toEqual([...PROFILE_CULPRITS, 'header:authorization', 'query:chat_id'].sort());
    expect(result.transitions[0]).toMatchObject({ added: 'header:authorization', from: 'auth' });
  });

  it('finds the missing query chat_id for seed-v2 and shows it moving the failure', async () => {
    const { result, ids } = await bisectAgainst(session, web, await shapeCapture(session, 'seed-v2'));
    expect(ids).toEqual([...PROFILE_CULPRITS, 'query:chat_id'].sort());
    expect(result.transitions[0]!.explanation).toBe(
      "Adding query chat_id moved the failure from RequestValidationError: Field 'query -> chat_id': Field required " +
        'to Internal_Server_Error.',
    );
  });

  it('finds the missing body chat_id for seed-v3', async () => {
    const { result, ids } = await bisectAgainst(session, web, await shapeCapture(session, 'seed-v3'));
    expect(ids).toEqual([...PROFILE_CULPRITS, 'body:chat_id'].sort());
    expect(result.transitions.map((t) => t.to).at(-1)).toBe('works');
  });
});

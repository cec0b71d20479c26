/**
 * Evaluates a profile's rules against one request: the first rule whose endpoint and condition
 * match decides the answer. Conditions that need the simulator's memory (known chats, the model
 * list, the last response of a chat) ask through `RuleWorld`, so this file stays pure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Condition, FieldRef, ProfileRule, SimulatorProfile } from './profile-schema.js';
import { ruleEndpoints } from './profile-schema.js';
import { fieldValue, requestedParent, type RequestFacts } from './request-facts.js';

/** What conditions may ask the simulator about. */
export interface RuleWorld {
  readonly modelIds: ReadonlySet<string>;
  /** True when `chatId` is a chat the caller (by token user id, if any) created and did not delete. */
  chatExists(chatId: string, userId: string | undefined): boolean;
  /** The chat's last `response_id`, null before the first turn; undefined for an unknown chat. */
  lastResponseId(chatId: string): string | null | undefined;
}

function userIdOf(facts: RequestFacts): string | undefined {
  return facts.token.kind === 'valid' || facts.token.kind === 'expired' ? facts.token.payload.id : undefined;
}

/** The chat a completion targets: the query's chat_id, else the body's. */
export function targetChatId(facts: RequestFacts): string | undefined {
  const q = fieldValue(facts, { location: 'query', path: 'chat_id' });
  if (typeof q === 'string' && q !== '') return q;
  const b = fieldValue(facts, { location: 'body', path: 'chat_id' });
  return typeof b === 'string' && b !== '' ? b : undefined;
}

function valueOf(facts: RequestFacts, ref: FieldRef): unknown {
  return fieldValue(facts, ref);
}

/** Does `condition` hold for this request? Never throws. */
export function evaluateCondition(condition: Condition, facts: RequestFacts, world: RuleWorld): boolean {
  if ('always' in condition) return true;
  if ('missing' in condition) return valueOf(facts, condition.missing) === undefined;
  if ('present' in condition) return valueOf(facts, condition.present) !== undefined;
  if ('equals' in condition) {
    const v = valueOf(facts, condition.equals);
    return v !== undefined && isDeepStrictEqual(v, condition.equals.value);
  }
  if ('in' in condition) {
    const v = valueOf(facts, condition.in);
    return v !== undefined && condition.in.values.some((x) => isDeepStrictEqual(v, x));
  }
  if ('notIn' in condition) {
    const v = valueOf(facts, condition.notIn);
    return v === undefined || !condition.notIn.values.some((x) => isDeepStrictEqual(v, x));
  }
  if ('headerMissing' in condition) return !facts.headers.has(condition.headerMissing);
  if ('cookieMissing' in condition) return !Object.hasOwn(facts.cookies, condition.cookieMissing);
  if ('notListedModel' in condition) {
    const v = valueOf(facts, condition.notListedModel);
    return typeof v !== 'string' || !world.modelIds.has(v);
  }
  if ('unknownChat' in condition) {
    const v = valueOf(facts, condition.unknownChat);
    return typeof v === 'string' && !world.chatExists(v, userIdOf(facts));
  }
  if ('differ' in condition) {
    const [a, b] = condition.differ.map((ref) => valueOf(facts, ref));
    return a !== undefined && b !== undefined && !isDeepStrictEqual(a, b);
  }
  if ('lengthNot' in condition) {
    const v = valueOf(facts, condition.lengthNot);
    return !Array.isArray(v) || v.length !== condition.lengthNot.length;
  }
  if ('token' in condition) return facts.token.kind === condition.token;
  if ('invalidJson' in condition) return facts.body.kind === 'invalid';
  if ('bodyLargerThan' in condition) return Buffer.byteLength(facts.bodyText) > condition.bodyLargerThan;
  if ('parentMismatch' in condition) {
    const chatId = targetChatId(facts);
    const expected = chatId === undefined ? undefined : world.lastResponseId(chatId);
    // An unknown chat has no history to contradict; rules about chat existence judge it.
    return expected !== undefined && requestedParent(facts) !== expected;
  }
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, facts, world));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, facts, world));
  if ('not' in condition) return !evaluateCondition(condition.not, facts, world);
  return false;
}

/** Does the rule apply to this endpoint? Rules never apply to paths the protocol model does not know. */
export function ruleAppliesTo(rule: ProfileRule, endpoint: string | undefined): boolean {
  if (endpoint === undefined) return false;
  const endpoints = ruleEndpoints(rule);
  return endpoints === undefined || endpoints.includes(endpoint);
}

/** The first rule of the profile that matches the request, or undefined when the request passes. */
export function firstMatchingRule(
  profile: SimulatorProfile,
  facts: RequestFacts,
  world: RuleWorld,
): ProfileRule | undefined {
  return profile.rules.find(
    (rule) => ruleAppliesTo(rule, facts.endpoint) && evaluateCondition(rule.when, facts, world),
  );
}

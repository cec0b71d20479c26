/**
 * Evaluates a profile's rules against one request: the first rule whose endpoint and condition
 * match decides the answer. The conditions themselves are defined, one table row per kind, in
 * conditions.ts; conditions that need the simulator's memory ask through `RuleWorld`, so this
 * stays pure.
 */
import { evaluateCondition, type RuleWorld } from './conditions.js';
import type { ProfileRule, SimulatorProfile } from './profile-schema.js';
import { ruleEndpoints } from './profile-schema.js';
import type { RequestFacts } from './request-facts.js';

export { evaluateCondition, targetChatId, type RuleWorld } from './conditions.js';

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

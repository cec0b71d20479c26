/**
 * The built-in profiles and `loadProfile`, which also reads a profile from a JSON file and checks it
 * with zod, so a typo in a user's rule fails at start with one clear line instead of misbehaving.
 */
import { existsSync, readFileSync } from 'node:fs';
import { definedFields } from '../../common/index.js';
import { ProbeError } from '../../exchange/errors.js';
import { profileFileSchema, type SimulatorProfile } from '../profile-schema.js';
import { MODELS_2025_10, QWEN_2025_10 } from './qwen-2025-10.js';
import { QWEN_2026_06 } from './qwen-2026-06.js';
import { QWEN_2026_09 } from './qwen-2026-09.js';

export const DEFAULT_PROFILE_NAME = 'qwen-2025-10';

/** Built-in profiles by name. */
export const PROFILES: Readonly<Record<string, SimulatorProfile>> = {
  [QWEN_2025_10.name]: QWEN_2025_10,
  [QWEN_2026_06.name]: QWEN_2026_06,
  [QWEN_2026_09.name]: QWEN_2026_09,
};

export function isBuiltInProfile(name: string): boolean {
  return Object.hasOwn(PROFILES, name);
}

function formatIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const first = error.issues[0];
  if (!first) return 'invalid profile';
  const where = first.path.length > 0 ? first.path.map(String).join('.') : '(top level)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return `${where}: ${first.message}${more}`;
}

/**
 * Checks a profile given as a value (from a file or from code); `source` names it in the error.
 * A profile without `models` gets the default profile's list.
 */
export function parseProfile(value: unknown, source: string): SimulatorProfile {
  const parsed = profileFileSchema.safeParse(value);
  if (!parsed.success) throw new ProbeError('E_INPUT', `profile ${source} is not valid: ${formatIssues(parsed.error)}`);
  const { name, description, page, models, rules, era, frontEnd, dualResponses, quota, drift } = parsed.data;
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.name))
      throw new ProbeError('E_INPUT', `profile ${source} is not valid: two rules are named "${rule.name}"`);
    seen.add(rule.name);
  }
  return {
    name,
    description,
    ...definedFields({ era, page, frontEnd, dualResponses, quota, drift }),
    models: models ?? MODELS_2025_10,
    rules,
  } as SimulatorProfile;
}

/** Reads and checks a profile JSON file. */
export function loadProfileFile(path: string): SimulatorProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ProbeError(
      'E_INPUT',
      `cannot read profile file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProbeError('E_INPUT', `profile file ${path} is not JSON: ${(error as Error).message}`);
  }
  return parseProfile(value, path);
}

/**
 * A built-in profile by name, or a profile JSON file by path. Throws ProbeError E_INPUT for an
 * unknown name, an unreadable file or an invalid profile.
 */
export function loadProfile(nameOrPath: string): SimulatorProfile {
  const builtIn = PROFILES[nameOrPath];
  if (builtIn) return builtIn;
  if (nameOrPath.endsWith('.json') || existsSync(nameOrPath)) return loadProfileFile(nameOrPath);
  throw new ProbeError(
    'E_INPUT',
    `unknown profile "${nameOrPath}": use ${Object.keys(PROFILES).join(' or ')}, or the path of a profile JSON file`,
  );
}

/** Resolves the `profile` option: a profile object (checked), a name or path, or the default. */
export function resolveProfile(profile: SimulatorProfile | string | undefined): SimulatorProfile {
  if (profile === undefined) return loadProfile(DEFAULT_PROFILE_NAME);
  if (typeof profile === 'string') return loadProfile(profile);
  return parseProfile(profile, `"${profile.name}"`);
}

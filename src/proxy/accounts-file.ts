/**
 * `serve --accounts FILE`: the team's accounts in one JSON or YAML file, each signed in by
 * `serve` (email and password) or read from a session file (`qwen-probe login`), with an optional
 * weight. Every problem is one line naming the file, the entry and the field (exit 2); a password
 * is never quoted back.
 *
 * ```yaml
 * accounts:
 *   - email: ana@example.com
 *     password_env: ANA_PASSWORD   # or password: ...
 *     weight: 2
 *   - session: sessions/ben.json   # relative to this file
 * ```
 *
 * YAML is read with `yaml` (eemeli/yaml): no dependencies, maintained, supports Node 14.6+, and it
 * reports the line and column of a syntax error. A `.json` file is read with JSON.parse.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ProbeError } from '../exchange/errors.js';

/** One account of the file, resolved. */
export type AccountEntry =
  | {
      readonly kind: 'password';
      readonly label: string;
      readonly email: string;
      readonly password: string;
      readonly weight: number;
    }
  | { readonly kind: 'session'; readonly label: string; readonly path: string; readonly weight: number };

const FIELDS = ['label', 'email', 'password', 'password_env', 'session', 'weight'] as const;

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}

/** Parses the file's text; `path` names the file in messages and anchors relative session paths. */
export function parseAccountsText(text: string, path: string, env: NodeJS.ProcessEnv = process.env): AccountEntry[] {
  const fail = (message: string) => new ProbeError('E_INPUT', `accounts file ${path}: ${message}`);
  let document: unknown;
  try {
    document = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw fail(`does not parse: ${firstLine(error instanceof Error ? error.message : String(error))}`);
  }
  const list = Array.isArray(document)
    ? document
    : typeof document === 'object' && document !== null && Array.isArray((document as { accounts?: unknown }).accounts)
      ? (document as { accounts: unknown[] }).accounts
      : undefined;
  if (!list) throw fail('expected a list of accounts, or `accounts:` holding one');
  if (list.length === 0) throw fail('the list of accounts is empty');
  const entries: AccountEntry[] = [];
  const labels = new Set<string>();
  list.forEach((raw: unknown, i: number) => {
    const entry = (name: string | undefined, field: string, message: string) =>
      fail(`entry ${i + 1}${name ? ` (${name})` : ''}: ${field}: ${message}`);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw entry(undefined, '(entry)', 'expected an object with email and password, or session');
    const record = raw as Record<string, unknown>;
    const named = typeof record['email'] === 'string' ? record['email'] : undefined;
    for (const key of Object.keys(record))
      if (!(FIELDS as readonly string[]).includes(key))
        throw entry(named, key, `unknown field (use ${FIELDS.join(', ')})`);
    for (const key of ['label', 'email', 'password', 'password_env', 'session'])
      if (record[key] !== undefined && (typeof record[key] !== 'string' || record[key] === ''))
        throw entry(named, key, 'expected a non-empty string');
    const weight = record['weight'] ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0)
      throw entry(named, 'weight', 'expected a number above 0');
    const email = record['email'] as string | undefined;
    const session = record['session'] as string | undefined;
    if (email !== undefined && session !== undefined)
      throw entry(named, 'session', 'give either session or email with a password, not both');
    let account: AccountEntry;
    if (session !== undefined) {
      if (record['password'] !== undefined || record['password_env'] !== undefined)
        throw entry(named, 'password', 'a session entry takes no password');
      const label = (record['label'] as string | undefined) ?? basename(session);
      account = { kind: 'session', label, path: resolve(dirname(path), session), weight };
    } else if (email !== undefined) {
      const fromEnv = record['password_env'] as string | undefined;
      const password = (record['password'] as string | undefined) ?? (fromEnv !== undefined ? env[fromEnv] : undefined);
      if (record['password'] !== undefined && fromEnv !== undefined)
        throw entry(named, 'password_env', 'give password or password_env, not both');
      if (fromEnv !== undefined && (password === undefined || password === ''))
        throw entry(named, 'password_env', `the environment variable ${fromEnv} is not set`);
      if (password === undefined) throw entry(named, 'password', 'missing (give email and password, or session)');
      account = { kind: 'password', label: (record['label'] as string | undefined) ?? email, email, password, weight };
    } else {
      throw entry(named, 'email', 'missing (give email and password, or session)');
    }
    if (labels.has(account.label)) throw entry(named, 'label', `"${account.label}" is used by an earlier entry`);
    labels.add(account.label);
    entries.push(account);
  });
  return entries;
}

/** Reads and checks an accounts file (E_INPUT on any problem, one line). */
export async function readAccountsFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<AccountEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProbeError(
      'E_INPUT',
      `accounts file ${path}: ${code === 'ENOENT' ? 'not found' : `cannot read (${code})`}`,
    );
  }
  return parseAccountsText(text, path, env);
}

import { describe, expect, it } from 'vitest';
import { parseAccountsText } from '../../src/proxy/accounts-file.js';

const parse = (text: string, path = '/srv/team.yaml', env: NodeJS.ProcessEnv = {}) =>
  parseAccountsText(text, path, env);
const problem = (text: string, path?: string, env?: NodeJS.ProcessEnv) => {
  try {
    parse(text, path, env);
  } catch (error) {
    return error as Error & { code: string; exitCode: number } as { message: string; code: string; exitCode: number };
  }
  throw new Error('no error');
};

describe('parseAccountsText', () => {
  it('reads YAML accounts with passwords, session files (relative to the file) and weights', () => {
    expect(
      parse(
        'accounts:\n  - email: ana@x.test\n    password: pw\n    weight: 2\n  - session: sessions/ben.json\n',
        '/srv/team.yaml',
      ),
    ).toEqual([
      { kind: 'password', label: 'ana@x.test', email: 'ana@x.test', password: 'pw', weight: 2 },
      { kind: 'session', label: 'ben.json', path: '/srv/sessions/ben.json', weight: 1 },
    ]);
  });

  it('reads a JSON list, and a password from the environment', () => {
    expect(
      parse('[{"email": "ana@x.test", "password_env": "ANA_PW", "label": "ana"}]', '/srv/team.json', { ANA_PW: 's' }),
    ).toEqual([{ kind: 'password', label: 'ana', email: 'ana@x.test', password: 's', weight: 1 }]);
  });

  it('names the file when it does not parse, on one line, as bad input', () => {
    const e = problem('accounts:\n  - email: [unclosed\n', '/srv/team.yaml');
    expect(e.code).toBe('E_INPUT');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/^accounts file \/srv\/team.yaml: does not parse: /);
    expect(e.message).not.toContain('\n');
  });

  it('names the file, the entry and the field of an entry without credentials', () => {
    expect(problem('accounts:\n  - email: a@x.test\n    password: p\n  - email: b@x.test\n').message).toBe(
      'accounts file /srv/team.yaml: entry 2 (b@x.test): password: missing (give email and password, or session)',
    );
    expect(problem('- weight: 2\n').message).toBe(
      'accounts file /srv/team.yaml: entry 1: email: missing (give email and password, or session)',
    );
  });

  it('refuses unknown fields, bad weights, both kinds in one entry, duplicates and unset variables', () => {
    expect(problem('- {email: a@x, password: p, pasword: q}\n').message).toContain(
      'entry 1 (a@x): pasword: unknown field',
    );
    expect(problem('- {email: a@x, password: p, weight: 0}\n').message).toContain('weight: expected a number above 0');
    expect(problem('- {email: a@x, password: p, session: s.json}\n').message).toContain('session: give either');
    expect(problem('- {email: a@x, password: p}\n- {email: a@x, password: q}\n').message).toContain(
      'entry 2 (a@x): label: "a@x" is used by an earlier entry',
    );
    expect(problem('- {email: a@x, password_env: NOPE}\n').message).toContain('NOPE is not set');
    expect(problem('accounts: []\n').message).toContain('empty');
  });

  it('never quotes a password back', () => {
    expect(problem('- {email: a@x, password: hunter2, weight: -1}\n').message).not.toContain('hunter2');
  });
});

/**
 * The session file: what `login` saves and `--session FILE` reads back (a token, the anti-bot
 * cookies, optionally Playwright's storage state). It holds secrets, so it is written 0600 and
 * atomically (temp file + rename) so a crash never leaves half a session behind.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ProbeError } from '../exchange/errors.js';
import { writeFileAtomic } from '../exchange/output-file.js';

const storageCookieSchema = z
  .object({
    name: z.string(),
    value: z.string(),
    domain: z.string().optional(),
    path: z.string().optional(),
    expires: z.number().optional(),
    httpOnly: z.boolean().optional(),
    secure: z.boolean().optional(),
    sameSite: z.string().optional(),
  })
  .passthrough();

/** Playwright's `context.storageState()` result, as far as we read it. */
export const storageStateSchema = z
  .object({
    cookies: z.array(storageCookieSchema),
    origins: z.array(
      z
        .object({ origin: z.string(), localStorage: z.array(z.object({ name: z.string(), value: z.string() })) })
        .passthrough(),
    ),
  })
  .passthrough();
export type PlaywrightStorageState = z.infer<typeof storageStateSchema>;

export const sessionFileSchema = z.object({
  version: z.literal(1),
  /** Origin the session belongs to, e.g. `https://chat.qwen.ai`. */
  target: z.string().min(1),
  /** ISO-8601 time the session was saved. */
  createdAt: z.string(),
  storageState: storageStateSchema.optional(),
  /** The raw JWT (localStorage `token`), not gzip/base64-wrapped. */
  token: z.string().min(1),
  tokenExpiresAt: z.string().optional(),
  /** Anti-bot and other cookies to send besides `token` (ssxmod_itna, ssxmod_itna2, ...). */
  cookies: z.record(z.string(), z.string()).default({}),
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }).optional(),
});

/** A saved session (version 1). */
export type SessionFile = z.infer<typeof sessionFileSchema>;

/** Reads and validates a session file; any problem is a ProbeError E_INPUT that never quotes a secret. */
export async function readSessionFile(path: string): Promise<SessionFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ProbeError(
      'E_INPUT',
      missing ? `session file not found: ${path}` : `cannot read session file ${path}: ${(error as Error).message}`,
      {
        hint: 'create one with `qwen-probe login`, or pass --token instead',
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProbeError('E_INPUT', `session file ${path} is not JSON`);
  }
  const parsed = sessionFileSchema.safeParse(json);
  if (!parsed.success) {
    // zod messages name the field and the expected type, never the value: safe to print.
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ProbeError('E_INPUT', `session file ${path} is not a version-1 session: ${issues}`);
  }
  return parsed.data;
}

/**
 * Writes a session file with mode 0600, creating its folder; atomic via a temp file and rename. Only
 * a regular file is replaced (`--session /dev/full` is E_INPUT, not a device turned into a file).
 */
export async function writeSessionFile(path: string, session: SessionFile): Promise<void> {
  const valid = sessionFileSchema.parse(session);
  await writeFileAtomic(path, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600, overwrite: true });
}

/** The `exp` of a JWT as a Date; undefined for anything that is not a JWT with a numeric exp. */
export function jwtExpiry(token: string): Date | undefined {
  const payload = token.replace(/^Bearer\s+/i, '').split('.')[1];
  if (payload === undefined || payload === '') return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const exp = typeof claims === 'object' && claims !== null ? (claims as { exp?: unknown }).exp : undefined;
    return typeof exp === 'number' && Number.isFinite(exp) ? new Date(exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text-level half of redaction. It replaces whole secret values with their stand-ins and, in
 * free text, every JWT-shaped token and every secret it has already met. Remembering secrets is
 * what catches a token that a server echoes in a body field with an innocent name.
 */
import { isRedactedValue, redactSecret } from './secret-value.js';
import { secretNameMatcher } from './secret-names.js';

/** A bare JWT inside any text: three base64url parts, the first one starting with `{"` (eyJ). */
const JWT_IN_TEXT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** Options of redaction (re-exported as `RedactOptions`). */
export interface ScrubberOptions {
  /** Field names whose values are secrets (see `secret-names.ts`). */
  readonly secretNames?: readonly string[];
  /** Values to redact wherever they appear. */
  readonly knownSecrets?: Iterable<string>;
  /**
   * Secrets at least this long are also replaced wherever else they appear. Shorter ones (a cookie
   * `lang=en`) are redacted only where they were found: replacing `en` everywhere would wreck text.
   */
  readonly minKnownSecretLength?: number;
}

/** Replaces secrets in values and text; remembers what it replaced. */
export class Scrubber {
  readonly isSecretName: (name: string) => boolean;
  private readonly minKnown: number;
  /** secret -> stand-in */
  private readonly known = new Map<string, string>();
  /** Known secrets, longest first, so a secret that contains another is replaced whole. */
  private ordered: string[] | undefined;

  constructor(options: ScrubberOptions = {}) {
    this.isSecretName = secretNameMatcher(options.secretNames);
    this.minKnown = options.minKnownSecretLength ?? 8;
    for (const secret of options.knownSecrets ?? []) this.learn(secret, 1);
  }

  /** A value that is a secret as a whole: returns its stand-in and remembers it. Empty stays empty. */
  secret(value: string): string {
    if (value === '' || isRedactedValue(value)) return value;
    this.learn(value, this.minKnown);
    return redactSecret(value);
  }

  /** Free text: JWTs and known secrets inside it are replaced by their stand-ins. */
  text(value: string): string {
    let out = value.includes('eyJ') ? value.replace(JWT_IN_TEXT, (jwt) => this.secret(jwt)) : value;
    for (const secret of this.orderedSecrets()) {
      if (out.includes(secret)) out = out.split(secret).join(this.known.get(secret) as string);
    }
    return out;
  }

  /** Text inside a URL: also finds percent-encoded secrets, and writes stand-ins percent-encoded. */
  urlText(value: string): string {
    let out = value.includes('eyJ') ? value.replace(JWT_IN_TEXT, (jwt) => encodeURIComponent(this.secret(jwt))) : value;
    for (const secret of this.orderedSecrets()) {
      const standIn = encodeURIComponent(this.known.get(secret) as string);
      for (const form of new Set([secret, encodeURIComponent(secret)])) {
        if (out.includes(form)) out = out.split(form).join(standIn);
      }
    }
    return out;
  }

  private learn(value: string, minLength: number): void {
    if (value.length < minLength || value.length === 0 || isRedactedValue(value) || this.known.has(value)) return;
    this.known.set(value, redactSecret(value));
    this.ordered = undefined;
  }

  private orderedSecrets(): string[] {
    this.ordered ??= [...this.known.keys()].sort((a, b) => b.length - a.length);
    return this.ordered;
  }
}

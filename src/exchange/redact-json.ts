/**
 * Redacts a JSON text in place: only the string and number tokens that hold secrets are rewritten,
 * everything else (spacing, key order, escapes, 64-bit integers that `JSON.parse` would round)
 * stays byte for byte, so a redacted body still diffs cleanly against another one.
 *
 * Which values are secrets depends on where they sit:
 * - under a secret-named key (`password`, `access_token`, ...): every string and number below it;
 * - under `localStorage` / `sessionStorage`: every value, but the `name` of `{name, value}` items
 *   (the Playwright storageState form `origins[].localStorage[]`);
 * - under `cookies` (storageState, cookie jars): the `value` of each cookie;
 * - anywhere else, strings are free text: JWTs and already-known secrets inside them are replaced.
 */
import type { Scrubber } from './scrubber.js';
import { compactName, isStorageName } from './secret-names.js';

type Mode = 'text' | 'secret' | 'storage' | 'cookie-list' | 'cookie';

interface Frame {
  readonly array: boolean;
  readonly mode: Mode;
  key: string | undefined;
  expectKey: boolean;
}

const STRING_END = /["\\]/g;
const TOKEN_END = /[,}\]:\s]/g;

/** The redacted text, or undefined when `text` is not JSON (the caller then treats it as text). */
export function redactJsonText(text: string, scrub: Scrubber): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  // The text is well-formed from here on, which keeps the tokenizer below short.
  const out: string[] = [];
  let copied = 0;
  const replace = (start: number, end: number, replacement: string): void => {
    out.push(text.slice(copied, start), replacement);
    copied = end;
  };
  const stack: Frame[] = [];
  const modeOfValue = (): Mode => {
    const top = stack[stack.length - 1];
    return top === undefined ? 'text' : childMode(top.mode, top.array ? undefined : top.key, scrub);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const top = stack[stack.length - 1];
    if (c === '{' || c === '[') {
      stack.push({ array: c === '[', mode: modeOfValue(), key: undefined, expectKey: c === '{' });
      i += 1;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i += 1;
    } else if (c === ',') {
      if (top && !top.array) top.expectKey = true;
      i += 1;
    } else if (c === ':' || c === ' ' || c === '\n' || c === '\r' || c === '\t') {
      i += 1;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      const value = JSON.parse(text.slice(i, end)) as string;
      let redacted: string;
      if (top && !top.array && top.expectKey) {
        top.key = value;
        top.expectKey = false;
        redacted = scrub.text(value); // a key is a name, but a secret used as a key is still a leak
      } else {
        redacted = isSecretMode(modeOfValue()) ? scrub.secret(value) : scrub.text(value);
      }
      if (redacted !== value) replace(i, end, JSON.stringify(redacted));
      i = end;
    } else {
      TOKEN_END.lastIndex = i;
      const end = TOKEN_END.exec(text)?.index ?? text.length;
      const token = text.slice(i, end);
      // A number under a secret key (a numeric PIN or code) becomes a string stand-in.
      if (/^-?\d/.test(token) && isSecretMode(modeOfValue())) replace(i, end, JSON.stringify(scrub.secret(token)));
      i = end;
    }
  }
  if (copied === 0) return text;
  out.push(text.slice(copied));
  return out.join('');
}

function isSecretMode(mode: Mode): boolean {
  return mode === 'secret' || mode === 'storage' || mode === 'cookie-list';
}

/** The mode of a value at `key` (undefined for array items) inside a container in `parent` mode. */
function childMode(parent: Mode, key: string | undefined, scrub: Scrubber): Mode {
  switch (parent) {
    case 'secret':
      return 'secret';
    case 'storage':
      return key === 'name' ? 'text' : 'storage';
    case 'cookie-list':
      return key === undefined ? 'cookie' : 'secret'; // an array of cookies, or a name -> value map
    case 'cookie':
      return key === 'value' ? 'secret' : 'text';
    case 'text':
      if (key === undefined) return 'text';
      if (isStorageName(key)) return 'storage';
      if (compactName(key) === 'cookies') return 'cookie-list';
      return scrub.isSecretName(key) ? 'secret' : 'text';
  }
}

/** Index just past the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    STRING_END.lastIndex = i;
    const m = STRING_END.exec(text);
    if (!m) return text.length; // unreachable for well-formed JSON
    if (text[m.index] === '"') return m.index + 1;
    i = m.index + 2; // skip the escaped character
  }
}

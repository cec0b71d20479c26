/**
 * tnetstrings (tnetstrings.info), the serialisation of mitmproxy's flow files: `LENGTH:PAYLOAD` and a
 * type byte, `,` bytes, `;` unicode text (mitmproxy ≥ 1.0), `#` integer, `^` float, `!` boolean,
 * `~` null, `}` dictionary, `]` list. A flow file is a plain sequence of them, one dictionary per flow.
 *
 * Bytes stay a `Buffer` (headers and bodies are bytes in a flow, and may not be text); everything
 * else maps to its JSON counterpart. A parse error names the byte offset where reading stopped.
 */

/** A decoded tnetstring value. */
export type TnetValue = null | boolean | number | string | Buffer | TnetValue[] | { [key: string]: TnetValue };

/** Why reading stopped, and where (byte offset into the input). */
export class TnetstringError extends Error {
  constructor(
    readonly offset: number,
    problem: string,
  ) {
    super(`byte ${offset}: ${problem}`);
    this.name = 'TnetstringError';
  }
}

/** Longest length prefix accepted: mitmproxy writes no more than 12 digits either. */
const MAX_LENGTH_DIGITS = 12;

/** Reads one value at `offset`; returns it and the offset just past its type byte. */
export function readTnetstring(buffer: Buffer, offset = 0): { value: TnetValue; end: number } {
  return readBounded(buffer, offset, buffer.length);
}

/** Reads one value that must end before `limit` (the end of its container), offsets absolute. */
function readBounded(buffer: Buffer, offset: number, limit: number): { value: TnetValue; end: number } {
  let colon = offset;
  while (colon < limit && buffer[colon] !== 0x3a /* : */) {
    const digit = buffer[colon]!;
    if (digit < 0x30 || digit > 0x39) throw new TnetstringError(colon, `expected a length digit, found ${show(digit)}`);
    if (colon - offset >= MAX_LENGTH_DIGITS) throw new TnetstringError(offset, 'length prefix too long');
    colon += 1;
  }
  if (colon >= limit) throw new TnetstringError(offset, 'the data ends inside a length prefix');
  if (colon === offset) throw new TnetstringError(offset, 'expected a length, found ":"');
  const length = Number(buffer.toString('latin1', offset, colon));
  const start = colon + 1;
  const typeAt = start + length;
  if (typeAt >= limit)
    throw new TnetstringError(
      offset,
      `a value of ${length} bytes runs past the end of ${limit === buffer.length ? 'the file' : 'its container'}`,
    );
  return { value: decodePayload(buffer, start, typeAt), end: typeAt + 1 };
}

function decodePayload(buffer: Buffer, start: number, typeAt: number): TnetValue {
  const payload = buffer.subarray(start, typeAt);
  const type = buffer[typeAt]!;
  switch (String.fromCharCode(type)) {
    case ',':
      return Buffer.from(payload);
    case ';':
      return payload.toString('utf8');
    case '#': {
      const text = payload.toString('latin1');
      if (!/^-?\d+$/.test(text)) throw new TnetstringError(start, `not an integer: ${JSON.stringify(text)}`);
      return Number(text);
    }
    case '^': {
      const value = Number(payload.toString('latin1'));
      if (payload.length === 0 || !Number.isFinite(value)) throw new TnetstringError(start, 'not a float');
      return value;
    }
    case '!':
      if (payload.equals(TRUE)) return true;
      if (payload.equals(FALSE)) return false;
      throw new TnetstringError(start, 'a boolean is neither true nor false');
    case '~':
      if (payload.length !== 0) throw new TnetstringError(start, 'a null with a payload');
      return null;
    case ']': {
      const items: TnetValue[] = [];
      for (let at = start; at < typeAt;) {
        const item = readBounded(buffer, at, typeAt);
        items.push(item.value);
        at = item.end;
      }
      return items;
    }
    case '}': {
      const dict: { [key: string]: TnetValue } = {};
      for (let at = start; at < typeAt;) {
        const key = readBounded(buffer, at, typeAt);
        if (typeof key.value !== 'string' && !Buffer.isBuffer(key.value))
          throw new TnetstringError(at, 'a dictionary key is not a string');
        if (key.end >= typeAt) throw new TnetstringError(at, 'a dictionary key without a value');
        const value = readBounded(buffer, key.end, typeAt);
        dict[key.value.toString()] = value.value;
        at = value.end;
      }
      return dict;
    }
    default:
      throw new TnetstringError(typeAt, `unknown type byte ${show(type)}`);
  }
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

function show(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? JSON.stringify(String.fromCharCode(byte)) : `0x${byte.toString(16)}`;
}

/** True when the input starts the way a tnetstring does (`digits:`). */
export function looksLikeTnetstring(head: Buffer): boolean {
  return /^\d{1,12}:/.test(head.subarray(0, 16).toString('latin1'));
}

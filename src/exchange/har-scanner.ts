/**
 * An incremental JSON scanner that cuts a HAR document into its `log.entries` items, one at a time,
 * from bytes that arrive in chunks. It never holds more than one entry (plus the current chunk),
 * which is what lets `streamCapture` read a 200 MB capture with memory for one entry.
 *
 * It follows the structure down to `log.entries` exactly (keys, colons, commas) and, below that,
 * only tracks strings, escapes and bracket depth to find where each value ends; the values it hands
 * out are then checked by `JSON.parse`. Log fields other than `entries` (creator, _formatVersion,
 * ...) are handed out too when asked for, whether they come before or after the entries.
 *
 * It works on UTF-8 bytes, not text: string contents (the bulk of a capture: bodies, events) are
 * skipped with `Buffer.indexOf` (memchr) and only whole entries are ever decoded. Every byte that
 * matters to the structure is ASCII, so a multi-byte character split across chunks needs no care.
 *
 * A structural error or an early end is not thrown: the outcome says where reading stopped, so that
 * the caller can keep the entries before it (repairing the file of a crashed writer).
 */

/** What the scanner found, in document order. `json` is the UTF-8 text of the value. */
export type ScanEvent =
  | { readonly kind: 'log-field'; readonly name: string; readonly json: Buffer }
  | { readonly kind: 'entries-start' }
  | { readonly kind: 'entry'; readonly json: Buffer; readonly index: number }
  | { readonly kind: 'entries-end' };

/** How the document ended. `position` counts bytes from the start of the file. */
export type ScanOutcome =
  | { readonly kind: 'complete' }
  | { readonly kind: 'truncated'; readonly problem: string }
  | { readonly kind: 'corrupt'; readonly problem: string; readonly position: number };

type Context = 'root' | 'log' | 'entries';
type Phase =
  | 'start'
  | 'key-or-close'
  | 'key'
  | 'in-key'
  | 'colon'
  | 'value'
  | 'after-value'
  | 'item-or-close'
  | 'item'
  | 'after-item'
  | 'capture'
  | 'done'
  | 'failed';
type Target =
  { readonly kind: 'entry' } | { readonly kind: 'field'; readonly name: string } | { readonly kind: 'skip' };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const BOM = [0xef, 0xbb, 0xbf];

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const show = (c: number): string => JSON.stringify(String.fromCharCode(c));

/** Feed it chunks with `push`, then call `end`; see the file comment. One scanner per document. */
export class HarScanner {
  private context: Context = 'root';
  private phase: Phase = 'start';
  private offset = 0; // bytes before the current chunk
  private key: Buffer[] = [];
  private keyName = '';
  private keyEscape = false;
  private entryCount = 0;
  private failure: ScanOutcome | undefined;
  // The value being captured.
  private target: Target = { kind: 'skip' };
  private returnPhase: Phase = 'after-value';
  private shape: 'container' | 'string' | 'primitive' = 'container';
  private depth = 0;
  private inString = false;
  private escape = false;
  private pieces: Buffer[] = [];
  private captureStart = 0;

  /** @param logFields names of log fields to hand out as `log-field` events (others are skipped). */
  constructor(private readonly logFields: ReadonlySet<string> = new Set()) {}

  /** Number of entries handed out so far. */
  get entries(): number {
    return this.entryCount;
  }

  /** Feeds the next chunk; returns what it completed. The chunk must not be changed afterwards. */
  push(chunk: Buffer): ScanEvent[] {
    const events: ScanEvent[] = [];
    let i = 0;
    while (i < chunk.length && this.phase !== 'failed') {
      if (this.phase === 'capture') i = this.capture(chunk, i, events);
      else if (this.phase === 'in-key') i = this.readKey(chunk, i);
      else i = this.structure(chunk, i, events);
    }
    if (this.phase === 'capture' && this.target.kind !== 'skip') this.pieces.push(chunk.subarray(this.captureStart));
    this.captureStart = 0;
    this.offset += chunk.length;
    return events;
  }

  /** Call after the last chunk. */
  end(): ScanOutcome {
    if (this.failure) return this.failure;
    if (this.phase === 'done') return { kind: 'complete' };
    if (this.phase === 'start') return { kind: 'truncated', problem: 'the file is empty' };
    const where =
      this.context === 'entries'
        ? `inside log.entries, after entry ${this.entryCount}`
        : this.context === 'log'
          ? 'inside log'
          : 'at the top level';
    return { kind: 'truncated', problem: `the file ends ${where}` };
  }

  private structure(chunk: Buffer, i: number, events: ScanEvent[]): number {
    const c = chunk[i] as number;
    if (isSpace(c)) return i + 1;
    // A UTF-8 byte-order mark, as some Windows tools write; its bytes can only come first.
    if (this.phase === 'start' && this.offset + i < 3 && c === BOM[this.offset + i]) return i + 1;
    switch (this.phase) {
      case 'start':
        return c === OPEN_BRACE
          ? this.go('key-or-close', i + 1)
          : this.fail(`it is not a JSON object (starts with ${show(c)})`, i);
      case 'key-or-close':
        if (c === CLOSE_BRACE) return this.closeObject(i + 1);
        return c === QUOTE ? this.startKey(i + 1) : this.fail(`expected a key, got ${show(c)}`, i);
      case 'key':
        return c === QUOTE ? this.startKey(i + 1) : this.fail(`expected a key, got ${show(c)}`, i);
      case 'colon':
        return c === COLON ? this.go('value', i + 1) : this.fail(`expected ':', got ${show(c)}`, i);
      case 'value': {
        if (this.context === 'root' && this.keyName === 'log' && c === OPEN_BRACE) {
          this.context = 'log';
          return this.go('key-or-close', i + 1);
        }
        if (this.context === 'log' && this.keyName === 'entries' && c === OPEN_BRACKET) {
          this.context = 'entries';
          events.push({ kind: 'entries-start' });
          return this.go('item-or-close', i + 1);
        }
        // Any other value is skipped, or kept when it is a log field the caller asked for.
        const wanted = this.context === 'log' && this.logFields.has(this.keyName);
        return this.startCapture(
          chunk,
          i,
          wanted ? { kind: 'field', name: this.keyName } : { kind: 'skip' },
          'after-value',
        );
      }
      case 'after-value':
        if (c === COMMA) return this.go('key', i + 1);
        return c === CLOSE_BRACE ? this.closeObject(i + 1) : this.fail(`expected ',' or '}', got ${show(c)}`, i);
      case 'item-or-close':
      case 'item':
        if (c === CLOSE_BRACKET)
          return this.phase === 'item'
            ? this.fail('log.entries has a trailing comma', i)
            : this.closeEntries(i + 1, events);
        return this.startCapture(chunk, i, { kind: 'entry' }, 'after-item');
      case 'after-item':
        if (c === COMMA) return this.go('item', i + 1);
        return c === CLOSE_BRACKET
          ? this.closeEntries(i + 1, events)
          : this.fail(`expected ',' or ']' in log.entries, got ${show(c)}`, i);
      default: // 'done'
        return this.fail('there is data after the end of the document', i);
    }
  }

  private startKey(i: number): number {
    this.key = [];
    this.keyEscape = false;
    return this.go('in-key', i);
  }

  /** Keys of the top levels are short: collect their bytes, then decode and unescape them. */
  private readKey(chunk: Buffer, i: number): number {
    const start = i;
    for (; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.keyEscape) this.keyEscape = false;
      else if (c === BACKSLASH) this.keyEscape = true;
      else if (c === QUOTE) {
        this.key.push(chunk.subarray(start, i));
        try {
          this.keyName = JSON.parse(`"${Buffer.concat(this.key).toString('utf8')}"`) as string;
        } catch {
          return this.fail('a key is not a valid JSON string', i);
        }
        return this.go('colon', i + 1);
      }
    }
    this.key.push(chunk.subarray(start));
    return i;
  }

  private closeObject(i: number): number {
    if (this.context === 'log') {
      this.context = 'root';
      return this.go('after-value', i);
    }
    return this.go('done', i);
  }

  private closeEntries(i: number, events: ScanEvent[]): number {
    this.context = 'log';
    events.push({ kind: 'entries-end' });
    return this.go('after-value', i);
  }

  private startCapture(chunk: Buffer, i: number, target: Target, returnPhase: Phase): number {
    const c = chunk[i];
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COLON)
      return this.fail(`expected a value, got ${show(c as number)}`, i);
    this.target = target;
    this.returnPhase = returnPhase;
    this.pieces = [];
    this.captureStart = i;
    this.escape = false;
    this.shape = c === OPEN_BRACE || c === OPEN_BRACKET ? 'container' : c === QUOTE ? 'string' : 'primitive';
    this.inString = this.shape === 'string';
    this.depth = this.shape === 'container' ? 1 : 0;
    this.phase = 'capture';
    return this.shape === 'primitive' ? i : i + 1;
  }

  /** Runs to the end of the captured value or of the chunk. */
  private capture(chunk: Buffer, i: number, events: ScanEvent[]): number {
    const n = chunk.length;
    if (this.shape === 'primitive') {
      for (; i < n; i++) {
        const c = chunk[i] as number;
        if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c))
          return this.finishCapture(chunk, i, events);
      }
      return n;
    }
    while (i < n) {
      if (this.inString) {
        if (this.escape) {
          this.escape = false;
          i += 1;
          continue;
        }
        const quote = chunk.indexOf(QUOTE, i);
        if (quote === -1) {
          this.escape = oddBackslashesBefore(chunk, n, i); // a chunk may end inside an escape
          return n;
        }
        if (oddBackslashesBefore(chunk, quote, i)) {
          i = quote + 1; // an escaped quote: still inside the string
          continue;
        }
        i = quote + 1;
        this.inString = false;
        if (this.shape === 'string') return this.finishCapture(chunk, i, events);
      } else {
        for (; i < n; i++) {
          const c = chunk[i];
          if (c === QUOTE) {
            this.inString = true;
            i += 1;
            break;
          }
          if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth += 1;
          else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --this.depth === 0)
            return this.finishCapture(chunk, i + 1, events);
        }
      }
    }
    return i;
  }

  private finishCapture(chunk: Buffer, end: number, events: ScanEvent[]): number {
    if (this.target.kind !== 'skip') {
      this.pieces.push(chunk.subarray(this.captureStart, end));
      const json = this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces);
      if (this.target.kind === 'entry') events.push({ kind: 'entry', json, index: this.entryCount++ });
      else events.push({ kind: 'log-field', name: this.target.name, json });
    }
    this.pieces = [];
    return this.go(this.returnPhase, end);
  }

  private go(phase: Phase, i: number): number {
    this.phase = phase;
    return i;
  }

  private fail(problem: string, i: number): number {
    const position = this.offset + i;
    this.failure = { kind: 'corrupt', problem: `${problem} at byte ${position}`, position };
    this.phase = 'failed';
    return i;
  }
}

/** True when the run of backslashes right before `end` (not reaching back past `from`) is odd. */
function oddBackslashesBefore(chunk: Buffer, end: number, from: number): boolean {
  let k = end - 1;
  while (k >= from && chunk[k] === BACKSLASH) k -= 1;
  return (end - 1 - k) % 2 === 1;
}

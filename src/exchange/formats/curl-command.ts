/**
 * A small curl command-line parser: what users paste from their library's logs or from DevTools'
 * "Copy as cURL". Reads the shell quoting bash uses (single, double, `$'…'`, backslashes,
 * backslash-newline continuations) and the options that shape a request; other options are noted
 * and ignored. It never runs anything and never reads files (`-d @file` is refused with a hint).
 */
import { ProbeError } from '../errors.js';
import type { ExchangeRequest, Header } from '../exchange.js';

/** A parsed curl command: the request plus what was ignored. */
export interface CurlRequest {
  readonly request: ExchangeRequest;
  /** Options that do not shape the request and were skipped, e.g. `--max-time`. */
  readonly ignored: readonly string[];
}

const FLAGS = new Set([
  '-s',
  '--silent',
  '-S',
  '--show-error',
  '-L',
  '--location',
  '-k',
  '--insecure',
  '-i',
  '--include',
  '-v',
  '--verbose',
  '-N',
  '--no-buffer',
  '--compressed',
  '-f',
  '--fail',
  '--fail-with-body',
  '-g',
  '--globoff',
  '-#',
  '--progress-bar',
  '--http1.1',
  '--http2',
  '--http2-prior-knowledge',
  '--http3',
  '-G',
  '--get',
  '-I',
  '--head',
  '-0',
  '--http1.0',
  '-j',
  '--junk-session-cookies',
]);
const IGNORED_WITH_ARG = new Set([
  '-o',
  '--output',
  '-m',
  '--max-time',
  '--connect-timeout',
  '--retry',
  '-x',
  '--proxy',
  '-w',
  '--write-out',
  '--resolve',
  '--cacert',
  '-E',
  '--cert',
  '--key',
  '-c',
  '--cookie-jar',
  '--retry-delay',
  '--limit-rate',
  '-r',
  '--range',
  '-T',
  '--upload-file',
]);
const SHORT_WITH_ARG = new Set([
  '-X',
  '-H',
  '-d',
  '-b',
  '-A',
  '-e',
  '-u',
  '-o',
  '-m',
  '-x',
  '-w',
  '-E',
  '-c',
  '-r',
  '-T',
]);

/** Splits a shell command line into words the way bash would (no expansion). */
export function shellWords(text: string): string[] {
  const src = text.replace(/\\\r?\n/g, '');
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const push = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) {
      push();
      i += 1;
    } else if (ch === "'") {
      const end = src.indexOf("'", i + 1);
      if (end === -1) throw new ProbeError('E_INPUT', 'curl command: a single quote is never closed');
      word = (word ?? '') + src.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '$' && src[i + 1] === "'") {
      const { text: decoded, next } = ansiC(src, i + 2);
      word = (word ?? '') + decoded;
      i = next;
    } else if (ch === '"') {
      let j = i + 1;
      let out = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length && '\\"$`'.includes(src[j + 1]!)) {
          out += src[j + 1];
          j += 2;
        } else out += src[j++];
      }
      if (j >= src.length) throw new ProbeError('E_INPUT', 'curl command: a double quote is never closed');
      word = (word ?? '') + out;
      i = j + 1;
    } else if (ch === '\\') {
      word = (word ?? '') + (src[i + 1] ?? '');
      i += 2;
    } else if (word === undefined && ch === '#') {
      while (i < src.length && src[i] !== '\n') i += 1;
    } else if (ch === '|' || ch === ';' || (ch === '&' && src[i + 1] === '&') || ch === '>') {
      break; // the rest is another command (`| jq`, `> out.txt`)
    } else {
      word = (word ?? '') + ch;
      i += 1;
    }
  }
  push();
  return words;
}

function ansiC(src: string, start: number): { text: string; next: number } {
  const simple: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    "'": "'",
    '"': '"',
    a: '\x07',
    b: '\b',
    e: '\x1b',
    f: '\f',
    v: '\v',
    '?': '?',
  };
  let out = '';
  let i = start;
  while (i < src.length && src[i] !== "'") {
    if (src[i] !== '\\') {
      out += src[i++];
      continue;
    }
    const c = src[i + 1] ?? '';
    const hex =
      c === 'x'
        ? /^[0-9a-fA-F]{1,2}/.exec(src.slice(i + 2))
        : c === 'u'
          ? /^[0-9a-fA-F]{1,4}/.exec(src.slice(i + 2))
          : c === 'U'
            ? /^[0-9a-fA-F]{1,8}/.exec(src.slice(i + 2))
            : null;
    if (hex) {
      out += String.fromCodePoint(parseInt(hex[0], 16));
      i += 2 + hex[0].length;
    } else if (simple[c] !== undefined) {
      out += simple[c];
      i += 2;
    } else {
      out += `\\${c}`;
      i += 2;
    }
  }
  if (i >= src.length) throw new ProbeError('E_INPUT', "curl command: a $'…' quote is never closed");
  return { text: out, next: i + 1 };
}

function headerOf(value: string): Header | undefined {
  const colon = value.indexOf(':');
  if (colon === -1) {
    // `-H 'Name;'` sends an empty header in curl.
    return value.endsWith(';') ? { name: value.slice(0, -1).trim(), value: '' } : undefined;
  }
  const v = value.slice(colon + 1).trim();
  return v === '' ? undefined : { name: value.slice(0, colon).trim(), value: v };
}

function dataArg(option: string, value: string): string {
  if (value.startsWith('@') && option !== '--data-raw') {
    throw new ProbeError('E_INPUT', `curl ${option} ${value} reads a file, which a pasted command cannot carry`, {
      hint: 'paste the body inline, e.g. --data-raw \'{"model":…}\'',
    });
  }
  if (option !== '--data-urlencode') return value;
  const eq = value.indexOf('=');
  return eq === -1 ? encodeURIComponent(value) : `${value.slice(0, eq)}=${encodeURIComponent(value.slice(eq + 1))}`;
}

/**
 * DevTools "Copy as cURL (cmd)" writes for cmd.exe: `^` escapes every special character (a `"` inside
 * a value is `^\^"`) and ` ^` ends a continued line. Recognised by those two marks.
 */
export function isCmdQuoted(text: string): boolean {
  return /\^\r?\n/.test(text) || /\^\\\^"/.test(text);
}

/** cmd.exe's quoting undone, leaving bash-style double quotes with `\"` inside, which `shellWords` reads. */
export function undoCmdQuoting(text: string): string {
  return text.replace(/[ \t]*\^\r?\n/g, ' ').replace(/\^([\s\S])/g, '$1');
}

/**
 * DevTools writes an HTTP/2 request's pseudo-headers into snippets as plain headers (`authority:` in
 * cURL; `authority`, `method`, `path`, `scheme` in PowerShell). No HTTP/1 client sends such headers:
 * they are named back as the pseudo-headers they were, which diff ignores and a resend never sends.
 */
export function restorePseudoHeader(header: Header): Header {
  return /^(authority|method|path|scheme)$/i.test(header.name)
    ? { name: `:${header.name.toLowerCase()}`, value: header.value }
    : header;
}

/** Parses one curl command line into a request. Throws ProbeError `E_INPUT` when it is not one. */
export function parseCurl(text: string): CurlRequest {
  const unquoted = isCmdQuoted(text) ? undoCmdQuoting(text) : text;
  const words = shellWords(unquoted.trim().replace(/^\$\s+/, ''));
  if (words.length === 0 || !/(^|\/)curl(\.exe)?$/.test(words[0]!))
    throw new ProbeError('E_INPUT', 'not a curl command: it does not start with "curl"');
  let method: string | undefined;
  let url: string | undefined;
  let httpVersion: string | undefined;
  let get = false;
  let json = false;
  const headers: Header[] = [];
  const data: string[] = [];
  const ignored: string[] = [];
  for (let i = 1; i < words.length; i += 1) {
    let opt = words[i]!;
    let arg: string | undefined;
    const next = (): string => {
      if (arg !== undefined) return arg;
      const v = words[++i];
      if (v === undefined) throw new ProbeError('E_INPUT', `curl command: ${opt} needs a value`);
      return v;
    };
    // `-XPOST`, `-H'Accept: x'`: a short option with its value attached.
    if (/^-[A-Za-z]./.test(opt) && SHORT_WITH_ARG.has(opt.slice(0, 2))) {
      arg = opt.slice(2);
      opt = opt.slice(0, 2);
    } else if (/^-[A-Za-z]{2,}$/.test(opt) && [...opt.slice(1)].every((c) => FLAGS.has(`-${c}`))) {
      for (const c of opt.slice(1))
        if (c === 'G') get = true;
        else if (c === 'I') method ??= 'HEAD';
      continue;
    }
    if (!opt.startsWith('-') || opt === '-') {
      url ??= opt;
      continue;
    }
    switch (opt) {
      case '-X':
      case '--request':
        method = next().toUpperCase();
        break;
      case '-H':
      case '--header': {
        const h = headerOf(next());
        if (h) headers.push(restorePseudoHeader(h));
        break;
      }
      case '-d':
      case '--data':
      case '--data-raw':
      case '--data-binary':
      case '--data-ascii':
      case '--data-urlencode':
        data.push(dataArg(opt, next()));
        break;
      case '--json':
        json = true;
        data.push(dataArg(opt, next()));
        break;
      case '-b':
      case '--cookie': {
        const v = next();
        if (!v.includes('='))
          throw new ProbeError('E_INPUT', `curl ${opt} ${v} names a cookie file, which a pasted command cannot carry`, {
            hint: "write the cookies inline: -b 'token=…; ssxmod_itna=…'",
          });
        headers.push({ name: 'Cookie', value: v });
        break;
      }
      case '-A':
      case '--user-agent':
        headers.push({ name: 'User-Agent', value: next() });
        break;
      case '-e':
      case '--referer':
        headers.push({ name: 'Referer', value: next() });
        break;
      case '-u':
      case '--user':
        headers.push({ name: 'Authorization', value: `Basic ${Buffer.from(next()).toString('base64')}` });
        break;
      case '--url':
        url ??= next();
        break;
      case '-G':
      case '--get':
        get = true;
        break;
      case '-I':
      case '--head':
        method ??= 'HEAD';
        break;
      case '--http2':
      case '--http2-prior-knowledge':
        httpVersion = 'HTTP/2';
        break;
      case '--http1.1':
        httpVersion = 'HTTP/1.1';
        break;
      default:
        if (FLAGS.has(opt)) break;
        if (IGNORED_WITH_ARG.has(opt)) {
          ignored.push(`${opt} ${next()}`);
          break;
        }
        ignored.push(opt);
    }
  }
  if (url === undefined) throw new ProbeError('E_INPUT', 'curl command: no URL');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = `http://${url}`;
  const has = (name: string) => headers.some((h) => h.name.toLowerCase() === name);
  if (json) {
    if (!has('content-type')) headers.push({ name: 'Content-Type', value: 'application/json' });
    if (!has('accept')) headers.push({ name: 'Accept', value: 'application/json' });
  }
  let body: string | undefined = data.length > 0 ? data.join(json ? '' : '&') : undefined;
  if (get && body !== undefined) {
    url += (url.includes('?') ? '&' : '?') + body;
    body = undefined;
  }
  const request: ExchangeRequest = {
    method: method ?? (body !== undefined ? 'POST' : 'GET'),
    url,
    ...(httpVersion ? { httpVersion } : {}),
    headers,
    ...(body !== undefined ? { body } : {}),
  };
  return { request, ignored };
}

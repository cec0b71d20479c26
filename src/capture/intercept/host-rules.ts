/**
 * The two host rules of `intercept`, as data: `--map HOST=URL` (send a host's traffic elsewhere) and
 * `--include PATTERN` (which hosts are recorded). Parsed once at start-up so that a typo is a usage
 * error before any client connects, not a silent miss in the middle of a capture.
 */
import { ProbeError } from '../../exchange/errors.js';

/** Hosts recorded when `--include` is not given, besides the mapped ones: the protocol's own host. */
export const TARGET_HOSTS: readonly string[] = ['chat.qwen.ai'];

/** `--map chat.qwen.ai=http://127.0.0.1:8787`: every request for `host` goes to the target instead. */
export interface HostMapping {
  /** Lower-case hostname the client asks for (any port). */
  readonly host: string;
  readonly protocol: 'http' | 'https';
  readonly targetHostname: string;
  readonly targetPort: number;
  /** The target as the user wrote it, normalised to an origin (`http://127.0.0.1:8787`). */
  readonly origin: string;
}

/**
 * Parses one `HOST=URL` mapping. The URL must be an http(s) origin: a path would silently change
 * every request's path, which is not what pointing a host elsewhere means.
 */
export function parseMapping(spec: string): HostMapping {
  const eq = spec.indexOf('=');
  const host = (eq === -1 ? '' : spec.slice(0, eq)).trim().toLowerCase();
  const target = eq === -1 ? '' : spec.slice(eq + 1).trim();
  const usage = (why: string): ProbeError =>
    new ProbeError('E_USAGE', `--map ${JSON.stringify(spec)}: ${why}`, {
      hint: 'Write it as HOST=URL, e.g. --map chat.qwen.ai=http://127.0.0.1:8787',
    });
  if (!host || !target) throw usage('expected HOST=URL');
  if (!/^[a-z0-9.-]+$/.test(host)) throw usage(`"${host}" is not a hostname`);
  if (!target.includes('://')) throw usage(`the target needs a scheme, e.g. http://${target}`);
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw usage(`"${target}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usage('the target must be http:// or https://');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    throw usage('the target must be an origin, without a path or query');
  // mockttp splits the target at ':' to find the port, which an IPv6 literal would break.
  if (url.hostname.startsWith('[')) throw usage('IPv6 literal targets are not supported; use 127.0.0.1 or a hostname');
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  const targetPort = url.port ? Number(url.port) : protocol === 'https' ? 443 : 80;
  const targetHostname = url.hostname;
  return { host, protocol, targetHostname, targetPort, origin: url.origin };
}

/** Parses every `--map`, refusing a host mapped twice (which one would win is not obvious). */
export function parseMappings(specs: readonly string[]): HostMapping[] {
  const mappings = specs.map(parseMapping);
  const seen = new Set<string>();
  for (const m of mappings) {
    if (seen.has(m.host)) throw new ProbeError('E_USAGE', `--map names ${m.host} more than once`);
    seen.add(m.host);
  }
  return mappings;
}

/** The include list in force: the user's patterns, or the target hosts plus every mapped host. */
export function effectiveIncludes(include: readonly string[] | undefined, mappings: readonly HostMapping[]): string[] {
  return includeHosts(include && include.length > 0 ? include : [...TARGET_HOSTS, ...mappings.map((m) => m.host)]);
}

/**
 * `--include` as `capture` and `intercept` both read it: hosts to record every request of (`host`,
 * `*.domain`, `*`), lower-cased and deduplicated. A URL is refused: the two commands must agree.
 */
export function includeHosts(patterns: readonly string[]): string[] {
  const normalised = patterns.map((p) => p.trim().toLowerCase()).filter((p) => p.length > 0);
  for (const p of normalised) {
    if (!/^(\*|\*\.[a-z0-9.-]+|[a-z0-9.-]+|\[[0-9a-f:]+\])$/.test(p)) {
      throw new ProbeError('E_USAGE', `--include ${JSON.stringify(p)}: expected a hostname, *.domain, or *`, {
        hint: p.includes('/') ? '--include takes hosts; to leave URLs out, use --exclude (capture)' : undefined,
      });
    }
  }
  return [...new Set(normalised)];
}

/**
 * A predicate for the include patterns. `*.example.com` matches subdomains but not `example.com`
 * itself, the same as mockttp's URLPattern hostnames: the set of hosts whose TLS we intercept and the
 * set we record must agree, or a host would be decrypted and then dropped (or the reverse).
 */
export function hostMatcher(patterns: readonly string[]): (hostname: string) => boolean {
  if (patterns.includes('*')) return () => true;
  const exact = new Set(patterns.filter((p) => !p.startsWith('*.')));
  const suffixes = patterns.filter((p) => p.startsWith('*.')).map((p) => p.slice(1));
  return (hostname) => {
    const host = hostname.toLowerCase().replace(/\.$/, '');
    return exact.has(host) || suffixes.some((s) => host.endsWith(s) && host.length > s.length);
  };
}

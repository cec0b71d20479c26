/**
 * The ready-to-paste text `intercept` prints at start-up: where it listens, which CA to trust, and
 * the settings that point common clients at it. Plain text lines with no colour, so they survive
 * being copied out of any terminal or log.
 */

/** What the settings are made of. */
export interface ClientSettingsInput {
  /** `http://HOST:PORT` of the proxy. */
  readonly proxyUrl: string;
  /** Absolute path of the CA certificate. */
  readonly caCertPath: string;
  /** Base64 SHA-256 SPKI hash of the CA, for Chromium. */
  readonly spki: string;
  /** Hosts whose traffic is recorded, for the reminder line. */
  readonly include: readonly string[];
  /** `host -> origin` of each `--map`, for the reminder line. */
  readonly mappings: readonly { readonly host: string; readonly origin: string }[];
  /** Where the capture goes, if anywhere. */
  readonly capturePath?: string;
  /** Worker processes sharing the port, when more than one. */
  readonly workers?: number;
}

/** Quotes a value for a POSIX shell only when it needs it. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The start-up text, one line per array element. The first line is always `listening on URL`:
 * scripts and tests wait for it.
 */
export function formatClientSettings(input: ClientSettingsInput): string[] {
  const proxy = input.proxyUrl;
  const ca = shellQuote(input.caCertPath);
  const lines = [
    `listening on ${proxy}`,
    `CA certificate: ${input.caCertPath}`,
    `CA SPKI (sha256): ${input.spki}`,
    `recording: ${input.include.join(', ')}${
      input.capturePath ? ` -> ${input.capturePath}` : ' (no --out: summaries ' + 'only)'
    }`,
  ];
  for (const m of input.mappings) lines.push(`mapped: ${m.host} -> ${m.origin}`);
  if (input.workers !== undefined && input.workers > 1)
    lines.push(`workers: ${input.workers} processes share the port (--workers)`);
  lines.push(
    '',
    'Point a client at the proxy (paste into the shell that starts it):',
    `  export HTTPS_PROXY=${proxy} HTTP_PROXY=${proxy} https_proxy=${proxy} http_proxy=${proxy}`,
    `  export NODE_EXTRA_CA_CERTS=${ca}    # Node: adds the CA to the built-in ones`,
    `  export SSL_CERT_FILE=${ca} REQUESTS_CA_BUNDLE=${ca}    # Python (ssl, httpx, requests): replaces the system CAs`,
    `  curl --proxy ${proxy} --cacert ${ca} https://chat.qwen.ai/api/models`,
    `  chromium --proxy-server=${proxy} --ignore-certificate-errors-spki-list=${input.spki} ` +
      `--proxy-bypass-list='<-loopback>'`,
    '',
    'Node fetch/undici ignores HTTPS_PROXY on Node 20; pass a dispatcher instead:',
    `  new ProxyAgent({ uri: '${proxy}', requestTls: { ca: readFileSync('${input.caCertPath}', 'utf8') } })`,
    'Python with SSL_CERT_FILE trusts only this CA: hosts outside the recording list are tunnelled with',
    'their real certificates, so for those append the CA to your system bundle instead.',
    '',
    'Press Ctrl-C to stop; the capture holds every exchange finished before that.',
  );
  return lines;
}

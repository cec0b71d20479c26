/**
 * The certificates of `simulate --tls`: a CA of the simulator's own, kept on disk and reused (users
 * point a client at its path or SPKI hash once, as with `intercept`), and a server certificate for
 * the loopback names, made fresh on every start. ECDSA P-256 keeps generation fast; everything is
 * WebCrypto plus @peculiar/x509 (which mockttp already uses), so no openssl binary is needed.
 */
import { createHash, webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as x509 from '@peculiar/x509';
import { ProbeError } from '../../exchange/errors.js';

/** Default CA directory, relative to the working directory (git-ignored as `.qwen-probe/`). */
export const DEFAULT_SIMULATOR_CA_DIR = '.qwen-probe/simulator-ca';

const KEY_FILE = 'ca-key.pem';
const CERT_FILE = 'ca-cert.pem';
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** The CA and a server certificate signed by it, ready for `https.createServer`. */
export interface SimulatorTlsMaterial {
  /** Absolute path of the CA certificate that clients should trust. */
  readonly caCertPath: string;
  readonly caCert: string;
  /** Base64 SHA-256 of the CA's public key, for Chromium's `--ignore-certificate-errors-spki-list`. */
  readonly spki: string;
  /** The server certificate (leaf, then the CA) and its key, in PEM. */
  readonly cert: string;
  readonly key: string;
  /** True when this call generated the CA. */
  readonly created: boolean;
}

function pem(der: ArrayBuffer, label: string): string {
  return x509.PemConverter.encode(der, label);
}

/** Base64 SHA-256 of a certificate's SubjectPublicKeyInfo (Chromium's SPKI hash). */
export function spkiHash(certPem: string): string {
  const cert = new x509.X509Certificate(certPem);
  return createHash('sha256').update(Buffer.from(cert.publicKey.rawData)).digest('base64');
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
}

async function exportKey(key: CryptoKey): Promise<string> {
  return pem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importKey(keyPem: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), ALGORITHM, true, ['sign']);
}

async function generateCa(): Promise<{ cert: string; key: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=qwen-probe simulator CA, O=qwen-probe (local testing only)',
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

/** A server certificate for `localhost`, 127.0.0.1, ::1 and `extraHost`, signed by the CA. */
async function generateServerCert(
  ca: { cert: string; key: string },
  extraHost: string | undefined,
): Promise<{ cert: string; key: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const caCert = new x509.X509Certificate(ca.cert);
  const names: { type: 'dns' | 'ip'; value: string }[] = [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
  ];
  if (extraHost && !['localhost', '127.0.0.1', '::1'].includes(extraHost))
    names.push({ type: /^[\d.]+$|:/.test(extraHost) ? 'ip' : 'dns', value: extraHost });
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=localhost',
    issuer: caCert.subject,
    notBefore: new Date(now - DAY_MS),
    // Chromium refuses server certificates valid for more than 398 days.
    notAfter: new Date(now + 390 * DAY_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: await importKey(ca.key),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(names, false),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    ],
  });
  return { cert: `${cert.toString('pem')}\n${ca.cert}`, key: await exportKey(keys.privateKey) };
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ProbeError('E_INPUT', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function loadOrCreateCa(dir: string): Promise<{ cert: string; key: string; certPath: string; created: boolean }> {
  const root = resolve(dir);
  const keyPath = join(root, KEY_FILE);
  const certPath = join(root, CERT_FILE);
  const [key, cert] = await Promise.all([readIfPresent(keyPath), readIfPresent(certPath)]);
  if (key !== undefined && cert !== undefined) return { key, cert, certPath, created: false };
  if (key !== undefined || cert !== undefined)
    throw new ProbeError('E_INPUT', `CA directory ${root} holds only ${key !== undefined ? KEY_FILE : CERT_FILE}`, {
      hint: 'restore the missing file, or delete the directory to generate a new CA',
    });
  const generated = await generateCa();
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
    await writeFile(keyPath, generated.key, { flag: 'wx', mode: 0o600 });
    await chmod(keyPath, 0o600);
    await writeFile(certPath, generated.cert, { flag: 'wx', mode: 0o644 });
  } catch (error) {
    throw new ProbeError('E_INPUT', `cannot write the simulator CA into ${root}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { ...generated, certPath, created: true };
}

/**
 * The CA kept in `dir` (generated on first use) and a fresh server certificate signed by it for the
 * loopback names and `host`.
 */
export async function simulatorTlsMaterial(
  options: { dir?: string | undefined; host?: string | undefined } = {},
): Promise<SimulatorTlsMaterial> {
  const ca = await loadOrCreateCa(options.dir ?? DEFAULT_SIMULATOR_CA_DIR);
  const server = await generateServerCert(ca, options.host);
  return {
    caCertPath: ca.certPath,
    caCert: ca.cert,
    spki: spkiHash(ca.cert),
    cert: server.cert,
    key: server.key,
    created: ca.created,
  };
}

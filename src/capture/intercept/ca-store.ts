/**
 * The intercepting proxy's certificate authority: generated once, kept on disk, reused on every run.
 * Reuse matters because users paste the CA path (or its SPKI hash) into their clients once; a CA that
 * changed per run would make every earlier setting stale and every client fail its TLS handshake.
 *
 * Layout of the directory (default `.qwen-probe/ca/`, created 0700):
 *
 *     ca-key.pem   the private key, 0600: whoever holds it can impersonate any site to clients that trust it
 *     ca-cert.pem  the certificate, 0644: this is what clients are told to trust
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as Mockttp from 'mockttp';
import { ProbeError } from '../../exchange/errors.js';

/** Default CA directory, relative to the working directory (git-ignored as `.qwen-probe/`). */
export const DEFAULT_CA_DIR = '.qwen-probe/ca';

/** mockttp takes seconds to load: only pay for it when a CA is actually needed (not for `--help`). */
async function certificates(): Promise<Pick<typeof Mockttp, 'generateCACertificate' | 'generateSPKIFingerprint'>> {
  return import('mockttp');
}

async function spkiOf(cert: string): Promise<string> {
  return (await certificates()).generateSPKIFingerprint(cert);
}

const KEY_FILE = 'ca-key.pem';
const CERT_FILE = 'ca-cert.pem';
const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

/** A CA ready for mockttp and for the client settings we print. */
export interface CaMaterial {
  /** Absolute path of the certificate clients should trust. */
  readonly certPath: string;
  /** Absolute path of the private key (mode 0600). */
  readonly keyPath: string;
  readonly cert: string;
  readonly key: string;
  /** Base64 SHA-256 of the certificate's public key, for Chromium's `--ignore-certificate-errors-spki-list`. */
  readonly spki: string;
  /** True when this call generated the CA (first run in this directory). */
  readonly created: boolean;
}

/**
 * Loads the CA kept in `dir`, or generates and stores one when the directory holds none.
 * Throws `E_INPUT` when only one of the two files exists: silently replacing half a CA would break
 * every client configured with the old certificate.
 */
export async function loadOrCreateCa(dir: string = DEFAULT_CA_DIR): Promise<CaMaterial> {
  const root = resolve(dir);
  const keyPath = join(root, KEY_FILE);
  const certPath = join(root, CERT_FILE);
  const [key, cert] = await Promise.all([readIfPresent(keyPath), readIfPresent(certPath)]);
  if (key !== undefined && cert !== undefined) {
    // A key left readable by others (copied around, restored from a backup) is tightened, not refused.
    await chmod(keyPath, KEY_MODE).catch(() => undefined);
    return { certPath, keyPath, cert, key, spki: await spkiOf(cert), created: false };
  }
  if (key !== undefined || cert !== undefined) {
    throw new ProbeError('E_INPUT', `CA directory ${root} holds only ${key !== undefined ? KEY_FILE : CERT_FILE}`, {
      hint:
        `Restore the missing file, or delete the directory to generate a new CA (clients must then trust the new ` +
        `${CERT_FILE}).`,
    });
  }
  return createCa(root, keyPath, certPath);
}

async function createCa(root: string, keyPath: string, certPath: string): Promise<CaMaterial> {
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ProbeError('E_INPUT', `cannot create CA directory ${root}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const generated = await (
    await certificates()
  ).generateCACertificate({
    subject: { commonName: 'qwen-probe intercept CA', organizationName: 'qwen-probe (local testing only)' },
    bits: 2048,
  });
  try {
    // `wx`: two proxies started at once must not both write; the loser reads the winner's CA below.
    await writeFile(keyPath, generated.key, { flag: 'wx', mode: KEY_MODE });
    await chmod(keyPath, KEY_MODE); // the umask may have loosened the mode given to open()
    await writeFile(certPath, generated.cert, { flag: 'wx', mode: CERT_MODE });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return waitForOtherWriter(keyPath, certPath);
    throw new ProbeError('E_INPUT', `cannot write the CA into ${root}: ${(error as Error).message}`, { cause: error });
  }
  const spki = await spkiOf(generated.cert);
  return { certPath, keyPath, cert: generated.cert, key: generated.key, spki, created: true };
}

/** Another process created the CA between our check and our write: use its files once both exist. */
async function waitForOtherWriter(keyPath: string, certPath: string): Promise<CaMaterial> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const [key, cert] = await Promise.all([readIfPresent(keyPath), readIfPresent(certPath)]);
    if (key && cert) return { certPath, keyPath, key, cert, spki: await spkiOf(cert), created: false };
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new ProbeError('E_INPUT', `another process is writing the CA in ${keyPath} and has not finished`);
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ProbeError('E_INPUT', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

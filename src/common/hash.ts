import { createHash } from 'node:crypto';

/** sha256 of UTF-8 text as lowercase hex (what the Qwen web client sends as the password, too). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

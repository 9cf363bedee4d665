// Webhook request authentication helpers. The signature is computed over the RAW request bytes
// (the SDK re-serialises the parsed body instead, which breaks on any key-order/spacing difference).
import { createHash, timingSafeEqual } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';

/** hex(sha256(timestamp + nonce + encryptKey + rawBody)) — Feishu's X-Lark-Signature. */
export function computeSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer | string): string {
  return createHash('sha256')
    .update(Buffer.from(timestamp + nonce + encryptKey, 'utf8'))
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('hex');
}

/** Constant-time string comparison (false for missing values or different lengths). */
export function safeEqual(a: string | undefined | null, b: string | undefined | null): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x); // keep the timing independent of where the strings differ
    return false;
  }
  return timingSafeEqual(x, y);
}

export function verifySignature(
  headers: { timestamp: string; nonce: string; signature: string },
  encryptKey: string,
  rawBody: Buffer,
): boolean {
  const expected = computeSignature(headers.timestamp, headers.nonce, encryptKey, rawBody);
  return safeEqual(expected, headers.signature.toLowerCase());
}

const ciphers = new Map<string, lark.AESCipher>();

/** Decrypts `{"encrypt": "…"}` with the SDK's AESCipher (AES-256-CBC, key = sha256(encryptKey)). */
export function decryptPayload(encryptKey: string, encrypt: string): string {
  // One cipher per key: its constructor hashes the key, on every request otherwise.
  let cipher = ciphers.get(encryptKey);
  if (!cipher) ciphers.set(encryptKey, (cipher = new lark.AESCipher(encryptKey)));
  return cipher.decrypt(encrypt);
}

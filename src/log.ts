// One logger (pino). Secrets are redacted by key wherever they appear in a logged object.
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  '*.appSecret', '*.app_secret', '*.encryptKey', '*.encrypt_key', '*.verificationToken', '*.token',
  '*.tenant_access_token', '*.authorization', 'headers.authorization', '*.password',
];

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[已隐藏]' }, base: undefined }, destination);
}

/** A logger that drops everything (tests, CLI runs that print their own output). */
export const silentLogger: Logger = pino({ level: 'silent' });

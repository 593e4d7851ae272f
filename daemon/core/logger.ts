import { pino } from 'pino';
import type { Logger as PinoLogger, LevelWithSilent, DestinationStream } from 'pino';

export type Logger = PinoLogger;

/** Paths whose values never reach a log line, whatever module logs them. */
export const REDACTED_PATHS = [
  // Deep enough for the whole config logged as { config } (config.mqtt.commands.hmac_secret).
  'password', '*.password', '*.*.password', '*.*.*.password',
  'hmac_secret', '*.hmac_secret', '*.*.hmac_secret', '*.*.*.hmac_secret',
  'token', '*.token', 'secret', '*.secret', '*.*.secret',
  'key', '*.key', 'deviceKey', '*.deviceKey',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization',
  'req.headers.cookie', 'cookie', '*.cookie',
  'name', 'displayName', '*.displayName', 'embedding', '*.embedding',
];

export interface LoggerOptions {
  level?: LevelWithSilent;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const opts = {
    level: options.level ?? 'info',
    base: { svc: 'facegate' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // Logs go to stderr so that commands with --json keep stdout for data.
  return pino(opts, options.destination ?? pino.destination(2));
}

import { pino } from 'pino';
import type { Logger as PinoLogger, LevelWithSilent, DestinationStream } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';
import { FacegateError } from './errors.ts';

export type Logger = PinoLogger;

/** Paths whose values never reach a log line, whatever module logs them. */
export const REDACTED_PATHS = [
  // Deep enough for the whole config logged as { config } (config.mqtt.commands.hmac_secret).
  'password',
  '*.password',
  '*.*.password',
  '*.*.*.password',
  'hmac_secret',
  '*.hmac_secret',
  '*.*.hmac_secret',
  '*.*.*.hmac_secret',
  // the OSDP secure-channel key: config.osdp.scbk_secret, and the key where the osdp room holds it
  'scbk_secret',
  '*.scbk_secret',
  '*.*.scbk_secret',
  'scbk',
  '*.scbk',
  'token',
  '*.token',
  'secret',
  '*.secret',
  '*.*.secret',
  'key',
  '*.key',
  'deviceKey',
  '*.deviceKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'cookie',
  '*.cookie',
  'name',
  'displayName',
  '*.displayName',
  'embedding',
  '*.embedding',
];

export interface LoggerOptions {
  level?: LevelWithSilent;
  destination?: DestinationStream;
  /** Default: logFormat(), which every thread of one process reads alike. */
  format?: LogFormat;
}

export type LogFormat = 'json' | 'pretty';
const FORMAT_ENV = 'FACEGATE_LOG_FORMAT';

/**
 * JSON lines for systemd's journal, pipes and tests; readable lines on a terminal.
 * FACEGATE_LOG_FORMAT (json | pretty) wins, so that `--pretty` and worker threads (whose stderr is
 * never a TTY) follow the choice the CLI made for the process.
 */
export function logFormat(env: NodeJS.ProcessEnv = process.env, tty = process.stderr.isTTY === true): LogFormat {
  const chosen = env[FORMAT_ENV];
  if (chosen === 'json' || chosen === 'pretty') return chosen;
  if (chosen !== undefined && chosen !== '') throw new FacegateError('usage', `${FORMAT_ENV} is "${chosen}"; use json or pretty`, { exitCode: 64 });
  return tty ? 'pretty' : 'json';
}

/** The CLI's choice for this process and the worker threads it starts (they copy the environment). */
export function chooseLogFormat(format: LogFormat): void {
  process.env[FORMAT_ENV] = format;
}

// Loaded only when chosen: a daemon under systemd never pays for it (about 1.6 MB in each of its threads).
const requirePretty = (): typeof PinoPretty => createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;

function prettyStream(): DestinationStream {
  const pretty = requirePretty();
  // Synchronous like pino.destination(2): the last lines before an exit (the relock) are never lost.
  return pretty({ destination: 2, sync: true, colorize: process.env.NO_COLOR === undefined, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,svc' });
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const opts = {
    level: options.level ?? 'info',
    base: { svc: 'facegate' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // Logs go to stderr so that commands with --json keep stdout for data.
  const format = options.format ?? logFormat();
  return pino(opts, options.destination ?? (format === 'pretty' ? prettyStream() : pino.destination(2)));
}

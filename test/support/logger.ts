import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../daemon/core/index.ts';

/** A real pino logger whose lines are kept in memory, so tests can assert on what was logged. */
export function memoryLogger(level: 'debug' | 'info' | 'warn' = 'debug'): { log: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const log = createLogger({ level, destination: sink });
  return {
    log,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createLogger, type Logger } from '../../daemon/core/index.ts';
import { FakeClock as SharedFakeClock } from '../fakes/clock.ts';

/** A fresh data directory (0700 like the real one), removed when the test file ends. */
export function dataDir(prefix = 'facegate-privacy-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const quietLog: Logger = createLogger({ level: 'silent' });

/** The shared hand-moved clock (test/fakes/clock.ts), started where the privacy tests expect. */
export class FakeClock extends SharedFakeClock {
  constructor(start = Date.parse('2026-01-01T00:00:00.000Z')) {
    super(start);
  }
}

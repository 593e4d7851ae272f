import { readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { setPriority } from 'node:os';

/**
 * Lowers the scheduling priority of the calling thread only (Linux keeps a nice value per
 * thread; /proc/thread-self names the thread's id). Other threads of the process keep theirs.
 * Returns the thread id, or null where this cannot be done (not Linux, no /proc).
 */
export function lowerThreadPriority(nice: number): number | null {
  let tid: number;
  try {
    tid = Number(basename(readlinkSync('/proc/thread-self')));
  } catch {
    return null;
  }
  if (!Number.isInteger(tid) || tid <= 0) return null;
  setPriority(tid, nice);
  return tid;
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** The nice value of one thread of this process, from the kernel (field 19 of its stat line). */
const niceOf = (tid: number | 'self'): number => {
  const stat = readFileSync(tid === 'self' ? '/proc/thread-self/stat' : `/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};

test('lowerThreadPriority lowers the calling worker thread only: the kernel shows its nice value, the main thread keeps its own', async () => {
  const before = niceOf('self');
  const worker = new Worker(new URL('../../../daemon/core/worker-boot.mjs', import.meta.url), {
    workerData: { entry: new URL('../../fixtures/workers/lower-priority.ts', import.meta.url).href, nice: before + 7 },
  });
  try {
    const { tid } = await new Promise<{ tid: number | null }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.ok(tid !== null && tid !== process.pid, `a thread id of its own (${tid})`);
    assert.equal(niceOf(tid), before + 7);
    assert.equal(niceOf('self'), before);
  } finally {
    worker.postMessage('done');
    await worker.terminate();
  }
});

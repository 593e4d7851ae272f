// Entry of facegate's worker threads; imports workerData.entry. A compiled entry (dist/, .js) runs
// as it is. A TypeScript entry needs tsx's loader registered in this thread first: the loader hooks
// of the parent thread do not reach workers in Node 20.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) (await import('tsx/esm/api')).register();
await import(workerData.entry);

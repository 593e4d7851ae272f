// Entry of a worker thread written in TypeScript: registers tsx's loader in this thread (loader
// hooks of the parent thread do not reach workers in Node 20), then imports workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);

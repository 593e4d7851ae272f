// Entry of the vision worker thread: registers tsx's TypeScript loader in this thread (loader
// hooks of the parent thread do not reach workers in Node 20), then starts the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

export { DB_FILE, openDatabase, prepareDataDir } from './database.ts';
export type { OpenOptions } from './database.ts';
export { InstanceLock } from './instance-lock.ts';
export { migrate } from './migrate.ts';
export { allMigrations } from './migrations/index.ts';
export type { Migration } from './migrations/index.ts';
export { EventStore } from './events.ts';
export type { EventQuery } from './events.ts';
export type { Database } from 'better-sqlite3';

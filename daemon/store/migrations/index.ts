import { coreMigrations } from './core.ts';
import { privacyMigrations } from './privacy.ts';
import { identityMigrations } from './identity.ts';
import { adminMigrations } from './admin.ts';
import { mqttMigrations } from './mqtt.ts';
import { visionMigrations } from './vision.ts';
import { healthMigrations } from './health.ts';
import { osdpMigrations } from './osdp.ts';
import type { Migration } from './types.ts';

export type { Migration } from './types.ts';

/**
 * Every migration of every room, in the order they run. A room appends to its own file;
 * rooms are listed here in the order their tables may reference each other.
 */
export const allMigrations: Migration[] = [
  ...coreMigrations,
  ...privacyMigrations,
  ...identityMigrations,
  ...adminMigrations,
  ...mqttMigrations,
  ...visionMigrations,
  ...healthMigrations,
  ...osdpMigrations,
];

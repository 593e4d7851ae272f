import type { Migration } from './types.ts';

export const visionMigrations: Migration[] = [
  {
    // A door's accepted PAD adaptation (issue 26): the file as accepted (weights, thresholds and
    // figures: no frame, crop or per-frame feature), its sha256 pinned, and the camera it was
    // accepted on (another camera makes it stale).
    id: 'vision-001-pad-adaptations',
    up: `CREATE TABLE pad_adaptations (
           door TEXT PRIMARY KEY,
           file BLOB NOT NULL,
           sha256 TEXT NOT NULL,
           camera TEXT NOT NULL,
           accepted_at TEXT NOT NULL,
           accepted_by TEXT NOT NULL
         ) STRICT;`,
  },
];

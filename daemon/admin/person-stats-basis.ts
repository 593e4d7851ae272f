/**
 * A person's figures are read from the events of their pseudonym, against the match threshold
 * that applies to them: this gives both, on the main thread, where identity and privacy live. The
 * pseudonym crosses to the admin worker (whose events carry it already) and never leaves it.
 */
import { PersonNotFoundError, type Identity } from './deps.ts';
import type { PersonStatsService } from './services.ts';

/** The person's own threshold, else the level's; null: no such person. */
function thresholdOf(identity: Identity, id: string): number | null {
  // A draft has no template yet, so no decision either: its figures are all empty.
  if (identity.drafts.has(id)) return identity.levelThreshold;
  try {
    return identity.people.get(id).threshold ?? identity.levelThreshold;
  } catch (err) {
    if (err instanceof PersonNotFoundError) return null;
    throw err;
  }
}

export function personStatsService(identity: Identity, subjectOf: (personId: string) => string): PersonStatsService {
  return {
    basis: (id) => {
      const threshold = thresholdOf(identity, id);
      return threshold === null ? null : { subject: subjectOf(id), threshold };
    },
  };
}

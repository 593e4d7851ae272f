import type { EventStore } from './deps.ts';
import type { EventsService } from './services.ts';

/** The store's reads the admin serves, and only those (its deletions stay out of the admin's reach). */
export function eventsService(events: EventStore): EventsService {
  return {
    query: (q) => events.query(q),
    calibration: (door, days, thresholds) => events.calibration(door, days, thresholds),
    personStats: (subject, days, threshold) => events.personStats(subject, days, threshold),
  };
}

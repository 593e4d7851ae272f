import { FacegateError, type Weekday, type WeeklySchedule } from '../core/index.ts';

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

function bad(message: string): FacegateError {
  return new FacegateError('schedule_invalid', message, { exitCode: 65 });
}

function minutes(hhmm: string): number {
  const m = TIME.exec(hhmm);
  if (!m) throw bad(`schedule time must be HH:MM (00:00–23:59), got ${JSON.stringify(hhmm)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    } catch {
      throw bad(`schedule timezone ${JSON.stringify(timezone)} is not an IANA time zone (e.g. Europe/London)`);
    }
    formatters.set(timezone, f);
  }
  return f;
}

/** Weekday index (mon = 0) and minute of the day on the wall clock of `timezone` at instant `at`. */
export function wallClock(at: number, timezone: string): { day: number; minute: number } {
  let weekday = '';
  let hour = 0;
  let minute = 0;
  for (const part of formatter(timezone).formatToParts(new Date(at))) {
    if (part.type === 'weekday') weekday = part.value.toLowerCase().slice(0, 3);
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day: WEEKDAYS.indexOf(weekday as Weekday), minute: hour * 60 + minute };
}

/** Throws a clear error when a schedule is malformed; returns it unchanged otherwise. */
export function validateSchedule(schedule: WeeklySchedule): WeeklySchedule {
  if (typeof schedule !== 'object' || schedule === null) throw bad('schedule must be an object with timezone and windows');
  if (typeof schedule.timezone !== 'string') throw bad('schedule timezone is required');
  formatter(schedule.timezone);
  if (!Array.isArray(schedule.windows) || schedule.windows.length === 0) throw bad('schedule needs at least one window (or no schedule at all for any time)');
  for (const w of schedule.windows) {
    if (!Array.isArray(w.days) || w.days.length === 0) throw bad('each schedule window needs days, e.g. ["mon","tue"]');
    for (const d of w.days) if (!WEEKDAYS.includes(d)) throw bad(`schedule day must be one of ${WEEKDAYS.join(', ')}, got ${JSON.stringify(d)}`);
    minutes(w.from);
    minutes(w.to);
  }
  return schedule;
}

/**
 * Whether instant `at` falls inside the schedule. Wall-clock time in the schedule's zone is what
 * counts, so a 07:00–19:00 window stays 07:00–19:00 across a DST change; a window that runs past
 * midnight belongs to the day it starts on.
 */
export function inSchedule(schedule: WeeklySchedule, at: number): boolean {
  const { day, minute } = wallClock(at, schedule.timezone);
  const yesterday = (day + 6) % 7;
  for (const w of schedule.windows) {
    const from = minutes(w.from);
    const to = minutes(w.to);
    const days = w.days.map((d) => WEEKDAYS.indexOf(d));
    if (to > from) {
      if (days.includes(day) && minute >= from && minute < to) return true;
    } else {
      // Past midnight (or 24 h when from == to): today from `from`, or the tail of yesterday's window.
      if (days.includes(day) && minute >= from) return true;
      if (days.includes(yesterday) && minute < to) return true;
    }
  }
  return false;
}

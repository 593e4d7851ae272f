import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inSchedule, validateSchedule, wallClock } from '../../../daemon/access/index.ts';
import type { WeeklySchedule } from '../../../daemon/core/index.ts';

const at = (iso: string): number => Date.parse(iso);

void test('a weekday office window, in the schedule’s own zone', () => {
  const office: WeeklySchedule = { timezone: 'Europe/Berlin', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }] };
  // Monday 2026-01-05: Berlin is UTC+1 in winter.
  assert.equal(inSchedule(office, at('2026-01-05T06:59:00Z')), false); // 07:59 local
  assert.equal(inSchedule(office, at('2026-01-05T07:00:00Z')), true); // 08:00 local
  assert.equal(inSchedule(office, at('2026-01-05T16:59:00Z')), true); // 17:59 local
  assert.equal(inSchedule(office, at('2026-01-05T17:00:00Z')), false); // 18:00: the end is exclusive
  assert.equal(inSchedule(office, at('2026-01-10T10:00:00Z')), false); // Saturday
});

void test('a night window runs past midnight and belongs to the day it starts on', () => {
  const night: WeeklySchedule = { timezone: 'Europe/London', windows: [{ days: ['fri'], from: '22:00', to: '06:00' }] };
  assert.equal(inSchedule(night, at('2026-01-09T21:59:00Z')), false); // Fri 21:59
  assert.equal(inSchedule(night, at('2026-01-09T22:00:00Z')), true); // Fri 22:00
  assert.equal(inSchedule(night, at('2026-01-10T00:30:00Z')), true); // Sat 00:30, the tail of Friday's window
  assert.equal(inSchedule(night, at('2026-01-10T05:59:00Z')), true);
  assert.equal(inSchedule(night, at('2026-01-10T06:00:00Z')), false);
  assert.equal(inSchedule(night, at('2026-01-10T22:30:00Z')), false); // Saturday night is not Friday's
  assert.equal(inSchedule(night, at('2026-01-09T02:00:00Z')), false); // Fri 02:00 is Thursday's tail: not listed
});

void test('wall-clock windows hold across the spring and autumn DST changes (Europe/London)', () => {
  const night: WeeklySchedule = { timezone: 'Europe/London', windows: [{ days: ['sat'], from: '22:00', to: '06:00' }] };
  // Spring forward: Sunday 2026-03-29 01:00 GMT becomes 02:00 BST.
  assert.deepEqual(wallClock(at('2026-03-29T00:59:00Z'), 'Europe/London'), { day: 6, minute: 59 });
  assert.deepEqual(wallClock(at('2026-03-29T01:00:00Z'), 'Europe/London'), { day: 6, minute: 120 });
  assert.equal(inSchedule(night, at('2026-03-29T04:59:00Z')), true); // 05:59 BST
  assert.equal(inSchedule(night, at('2026-03-29T05:00:00Z')), false); // 06:00 BST: the window ends an hour earlier in UTC
  // Autumn back: Sunday 2026-10-25 02:00 BST becomes 01:00 GMT.
  const autumn: WeeklySchedule = { timezone: 'Europe/London', windows: [{ days: ['sat'], from: '22:00', to: '06:00' }] };
  assert.equal(inSchedule(autumn, at('2026-10-24T20:59:00Z')), false); // 21:59 BST Saturday
  assert.equal(inSchedule(autumn, at('2026-10-24T21:00:00Z')), true); // 22:00 BST
  assert.equal(inSchedule(autumn, at('2026-10-25T05:59:00Z')), true); // 05:59 GMT
  assert.equal(inSchedule(autumn, at('2026-10-25T06:00:00Z')), false); // 06:00 GMT
  // A morning window on the day of the change keeps its local hours.
  const morning: WeeklySchedule = { timezone: 'Europe/London', windows: [{ days: ['sun'], from: '07:00', to: '09:00' }] };
  assert.equal(inSchedule(morning, at('2026-03-29T06:00:00Z')), true); // 07:00 BST
  assert.equal(inSchedule(morning, at('2026-03-29T08:00:00Z')), false); // 09:00 BST
  assert.equal(inSchedule(morning, at('2026-01-04T08:00:00Z')), true); // 08:00 GMT in winter
});

void test('from == to is a 24-hour window starting at from', () => {
  const day: WeeklySchedule = { timezone: 'UTC', windows: [{ days: ['wed'], from: '00:00', to: '00:00' }] };
  assert.equal(inSchedule(day, at('2026-01-07T00:00:00Z')), true);
  assert.equal(inSchedule(day, at('2026-01-07T23:59:00Z')), true);
  assert.equal(inSchedule(day, at('2026-01-08T00:00:00Z')), false);
});

void test('malformed schedules get a clear error', () => {
  assert.throws(() => validateSchedule({ timezone: 'Mars/Olympus', windows: [{ days: ['mon'], from: '08:00', to: '09:00' }] }), /not an IANA time zone/);
  assert.throws(() => validateSchedule({ timezone: 'UTC', windows: [{ days: ['monday' as 'mon'], from: '08:00', to: '09:00' }] }), /day must be one of/);
  assert.throws(() => validateSchedule({ timezone: 'UTC', windows: [{ days: ['mon'], from: '8:00', to: '09:00' }] }), /HH:MM/);
  assert.throws(() => validateSchedule({ timezone: 'UTC', windows: [{ days: ['mon'], from: '08:00', to: '24:00' }] }), /HH:MM/);
  assert.throws(() => validateSchedule({ timezone: 'UTC', windows: [] }), /at least one window/);
  const ok: WeeklySchedule = { timezone: 'UTC', windows: [{ days: ['mon'], from: '08:00', to: '09:00' }] };
  assert.equal(validateSchedule(ok), ok);
});

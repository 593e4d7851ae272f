import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareHlc, HybridClock, HLC_MAX_COUNTER, SiteError, type Hlc } from '../../../daemon/site/index.ts';

function clockAt(start: number): { clock: HybridClock; set(ms: number): void } {
  let now = start;
  return { clock: new HybridClock({ now: () => now, maxDriftMs: 60_000 }), set: (ms) => (now = ms) };
}

function assertIncreasing(values: Hlc[]): void {
  for (let i = 1; i < values.length; i++) {
    assert.equal(compareHlc(values[i]!, values[i - 1]!), 1, `value ${i} (${JSON.stringify(values[i])}) is not after ${JSON.stringify(values[i - 1])}`);
  }
}

void test('ticks follow the wall clock and are strictly increasing within one millisecond', () => {
  const { clock, set } = clockAt(1_000);
  const a = clock.tick();
  const b = clock.tick();
  set(1_005);
  const c = clock.tick();
  assert.deepEqual(a, { wall: 1_000, counter: 0 });
  assert.deepEqual(b, { wall: 1_000, counter: 1 });
  assert.deepEqual(c, { wall: 1_005, counter: 0 });
});

void test('a wall clock that jumps back never makes an older or equal value', () => {
  const { clock, set } = clockAt(50_000);
  const values = [clock.tick()];
  set(10_000); // NTP correction, or an RTC-less board booting at 1970
  values.push(clock.tick(), clock.tick());
  set(50_000);
  values.push(clock.tick());
  set(50_001);
  values.push(clock.tick());
  assertIncreasing(values);
  assert.deepEqual(values[1], { wall: 50_000, counter: 1 });
  assert.deepEqual(values[4], { wall: 50_001, counter: 0 });
});

void test('receiving a remote value moves the clock past it, and past the local one', () => {
  const { clock } = clockAt(1_000);
  clock.tick();
  const afterRemote = clock.receive({ wall: 30_000, counter: 7 });
  assert.deepEqual(afterRemote, { wall: 30_000, counter: 8 });
  assert.equal(compareHlc(clock.tick(), afterRemote), 1);
  // An older remote value leaves the clock ahead of everything it issued.
  const before = clock.last;
  const afterOld = clock.receive({ wall: 5, counter: 0 });
  assert.equal(compareHlc(afterOld, before), 1);
});

void test('a remote value too far ahead of the wall clock is refused and changes nothing', () => {
  const { clock } = clockAt(1_000);
  const before = clock.tick();
  assert.throws(
    () => clock.receive({ wall: 1_000 + 60_001, counter: 0 }),
    (err: unknown) => err instanceof SiteError && err.code === 'site_clock_drift' && /60001 ms ahead/.test(err.message),
  );
  assert.deepEqual(clock.last, before);
  assert.deepEqual(clock.receive({ wall: 61_000, counter: 0 }), { wall: 61_000, counter: 1 });
});

void test('a full counter borrows the next millisecond instead of repeating a value', () => {
  const clock = new HybridClock({ now: () => 10, last: { wall: 10, counter: HLC_MAX_COUNTER } });
  assert.deepEqual(clock.tick(), { wall: 11, counter: 0 });
});

void test('malformed clock values are refused', () => {
  const { clock } = clockAt(1_000);
  for (const bad of [
    { wall: -1, counter: 0 },
    { wall: 1.5, counter: 0 },
    { wall: 2 ** 48, counter: 0 },
    { wall: 1, counter: 65_536 },
    { wall: 1, counter: -1 },
  ]) {
    assert.throws(
      () => clock.receive(bad),
      (err: unknown) => err instanceof SiteError && err.code === 'site_hlc',
      JSON.stringify(bad),
    );
  }
  assert.throws(() => new HybridClock({ now: () => 0, last: { wall: 0, counter: 1e6 } }), SiteError);
});

void test('a restarted clock continues after its last value even if the wall clock is behind', () => {
  const clock = new HybridClock({ now: () => 100, last: { wall: 5_000, counter: 3 } });
  assert.deepEqual(clock.tick(), { wall: 5_000, counter: 4 });
});

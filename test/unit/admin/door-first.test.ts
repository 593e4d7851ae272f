import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, type AccessDecision, type BusEvents, type Frame } from '../../../daemon/core/index.ts';
import { DoorFirst } from '../../../daemon/admin/door-first.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { memoryLogger } from '../../support/logger.ts';

const frame = (trigger: Frame['trigger']): Frame => ({ seq: 1, capturedAt: 0, sourceId: 'test', width: 1, height: 1, rgb: new Uint8Array(3), trigger });
const decision: AccessDecision = { door: 'front', granted: true, reason: 'match', personId: 'p1', score: 0.9, liveness: 0.9, at: 0, eventId: 'e1', frameAt: 0 };

function setUp(stillMs = 1000) {
  const clock = new FakeClock();
  const bus = new EventBus<BusEvents>(memoryLogger().log);
  const first = new DoorFirst({ bus, clock, maxWaitMs: 1000, passageMs: 2000, stillMs });
  /** Starts a turn; `done()` says whether it has resolved yet. */
  const turn = () => {
    let resolved = false;
    const p = first.turn().then(() => {
      resolved = true;
    });
    return {
      p,
      done: async () => {
        await new Promise((r) => setImmediate(r));
        return resolved;
      },
    };
  };
  return { clock, bus, first, turn };
}

test('an idle door lets a request through at once; keep-alive frames of a still scene do not hold it', async () => {
  const { bus, turn, first } = setUp();
  assert.equal(await turn().done(), true);
  bus.emit('frame', frame('keepalive'));
  assert.equal(first.busy(), false);
  assert.equal(await turn().done(), true);
  assert.equal(first.held, 0);
});

test('a moving scene holds requests until the access decision', async () => {
  const { bus, turn, first, clock } = setUp();
  bus.emit('frame', frame('motion'));
  const t = turn();
  clock.advance(300);
  bus.emit('frame', frame('motion'));
  assert.equal(await t.done(), false, 'held while the passage is decided');
  bus.emit('decision', decision);
  assert.equal(await t.done(), true);
  // The decided passage holds nothing more while the person is still moving in view.
  bus.emit('frame', frame('motion'));
  assert.equal(await turn().done(), true);
  assert.equal(first.held, 1);
});

test('no request waits longer than maxWaitMs, and an undecided passage stops holding after passageMs', async () => {
  const { bus, turn, clock, first } = setUp();
  bus.emit('frame', frame('motion'));
  const a = turn();
  for (let t = 0; t < 900; t += 100) {
    clock.advance(100);
    bus.emit('frame', frame('motion'));
  }
  assert.equal(await a.done(), false);
  clock.advance(100);
  assert.equal(await a.done(), true, 'released at maxWaitMs');
  const b = turn();
  for (let t = 0; t < 1000; t += 100) {
    clock.advance(100);
    bus.emit('frame', frame('motion'));
  }
  assert.equal(await b.done(), true, 'released when the passage has lasted passageMs');
  assert.equal(first.busy(), false, 'someone walking past without a decision holds nothing after passageMs');
  // A still second, then motion again: a new passage.
  clock.advance(1000);
  bus.emit('frame', frame('motion'));
  assert.equal(first.busy(), true);
});

test('a scene that goes still ends the passage and releases the waiting requests', async () => {
  const { bus, turn, clock } = setUp(500);
  bus.emit('frame', frame('motion'));
  const t = turn();
  clock.advance(200);
  bus.emit('frame', frame('motion'));
  clock.advance(499);
  assert.equal(await t.done(), false);
  clock.advance(1);
  assert.equal(await t.done(), true, 'stillMs after the last moving frame, before maxWaitMs ran out');
});

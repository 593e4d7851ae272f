// The self-test wizard's last step (issue 26): a run with people presenting fits the door's own PAD
// model (real fit, real routes, faces with crafted evidence on the real bus, phases on a test
// clock), shows the figures, and the proposal is accepted for the camera door as an audited action.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BusEvents, EventBus } from '../../../daemon/core/index.ts';
import { padAdaptationService, padSelftestService } from '../../../daemon/admin/index.ts';
import { createSelftests, selftestStateJson } from '../../../daemon/vision/pad/selftest-run.ts';
import { DoorPadAdaptations, doorAdaptationJson, fitAdaptation } from '../../../daemon/vision/pad/index.ts';
import { adminHarness, setUpAdmin } from '../../support/admin.ts';
import { FakeClock } from '../../fakes/clock.ts';
import { SHIPPED, analysisOf, evidenceFace, opts, rng, versions } from '../../support/pad-adaptation.ts';

const r = rng(5);

test('adapting run over HTTP: each person in turn, the figures, then accepted for the camera door and audited', async () => {
  const clock = new FakeClock('2026-12-07T10:00:00Z');
  let bus: EventBus<BusEvents> | undefined;
  const collecting: boolean[] = [];
  const changed: number[] = [];
  let store: DoorPadAdaptations | undefined;
  const h = await adminHarness(undefined, {
    clock,
    padSelftest: (b) => {
      bus = b;
      const runs = createSelftests({
        bus: b,
        clock,
        pad: { enabled: true, security_level: 'balanced' },
        camera: true,
        wantFrame: () => undefined,
        thresholds: () => ({ ...SHIPPED }),
        adapt: { collect: (on) => void collecting.push(on), fit: async (frames) => fitAdaptation(frames, opts) },
      });
      return padSelftestService(runs, selftestStateJson);
    },
    padAdaptation: (db) => {
      store = new DoorPadAdaptations({ db, doors: ['front'], cameraDoor: 'front', camera: 'v4l2:/dev/video0 640x480', versions, clock });
      return padAdaptationService(store, doorAdaptationJson, async () => void changed.push(1));
    },
  });
  const headers = await setUpAdmin(h);
  const call = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    h.server.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  assert.equal((await call('POST', '/api/pad/selftest/accept')).statusCode, 409, 'nothing proposed before a run');
  assert.equal((await call('POST', '/api/pad/selftest', { seconds: 5, attacks: ['print'], adapt_people: 1 })).statusCode, 422);
  const started = await call('POST', '/api/pad/selftest', { seconds: 5, attacks: ['print'], adapt_people: 2 });
  assert.equal(started.statusCode, 200, started.body);
  const view = started.json() as { phases: string[]; person: number; prompt: string; adaptation: { status: string; people: number } };
  assert.deepEqual(view.phases, ['live', 'print', 'live', 'print']);
  assert.equal(view.person, 1);
  assert.match(view.prompt, /^Person 1 of 2\./);
  assert.deepEqual([view.adaptation.status, view.adaptation.people], ['collecting', 2]);

  let seq = 0;
  for (let i = 0; i < 4; i++) {
    const next = (await call('POST', '/api/pad/selftest/next')).json() as { phase: string; person: number };
    assert.equal(next.person, i < 2 ? 1 : 2);
    for (let k = 0; k < 30; k++) {
      bus?.emit('analysis', analysisOf(evidenceFace(next.phase, r), clock, seq++));
    }
    clock.advance(5000);
  }
  assert.deepEqual(collecting, [true, false]);
  // The fit runs after the last phase; the state says so until it ends.
  let done: { status: string; adaptation: { status: string; after: unknown; reasons: unknown[] } } | undefined;
  for (let i = 0; i < 100 && done?.adaptation.status !== 'proposed' && done?.adaptation.status !== 'refused'; i++) {
    await new Promise((res) => setTimeout(res, 50));
    done = (await call('GET', '/api/pad/selftest')).json();
  }
  assert.equal(done?.status, 'done');
  assert.equal(done?.adaptation.status, 'proposed', JSON.stringify(done?.adaptation.reasons));
  assert.ok(done?.adaptation.after, 'cross-validated figures');
  assert.equal(store?.status('front').state, 'none', 'only proposed: nothing accepted yet');

  const accepted = await call('POST', '/api/pad/selftest/accept');
  assert.equal(accepted.statusCode, 200, accepted.body);
  const body = accepted.json() as { changed: boolean; status: { door: string; state: string } };
  assert.deepEqual([body.changed, body.status.door, body.status.state], [false, 'front', 'active']);
  assert.equal(changed.length, 1, 'the live check is told');
  const rows = h.audit.list({ action: 'pad.adaptation.accept' });
  assert.equal(rows.length, 1);
  assert.equal((rows[0]?.detail as { from?: string } | null)?.from, 'selftest');
  const again = await call('POST', '/api/pad/selftest/accept');
  assert.equal((again.json() as { changed: boolean }).changed, true, 'accepting again replaces');
  assert.equal(h.audit.list({ action: 'pad.adaptation.replace' }).length, 1);
});

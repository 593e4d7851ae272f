import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, TrackVerdict } from '../../../daemon/core/index.ts';
import { startDaemon } from '../../../daemon/main.ts';
import { EventStore } from '../../../daemon/store/index.ts';
import { inspectStore, isolatedEnv } from '../../support/daemon.ts';
import { tempDir } from '../../support/tmp.ts';

const PIXELS = 'STRANGER-AT-THE-DOOR-';

// A keep-alive frame with nobody in view is not analysed: the test needs no vision worker.
function frame(mono: number): Frame {
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from(PIXELS.repeat(40))]);
  return { seq: 1, capturedAt: Date.now(), capturedMono: mono, sourceId: 'cam', width: 2, height: 1, rgb: new Uint8Array(6), jpeg, trigger: 'keepalive' };
}

function unknownFace(at: number): TrackVerdict {
  return { door: 'front', trackId: 1, personId: null, score: 0.1, margin: 1, liveness: 0.95, frames: 3, at, firstAt: at };
}

/** The frame as an admin sees it: first-run setup on the daemon's admin worker, then the snapshot route (over the worker's RPC). */
async function viaPanel(base: string, code: string, eventId: string): Promise<{ status: number; bytes: Buffer }> {
  const setup = await fetch(`${base}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, username: 'owner', password: 'snapshot test password' }),
  });
  assert.equal(setup.status, 200);
  const cookie = setup.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const res = await fetch(`${base}/api/events/${eventId}/snapshot`, { headers: { cookie } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function decideOnce(snapshots: boolean): Promise<{
  dataDir: string;
  eventId: string;
  rows: { id: string; event_id: string; person_id: string | null }[];
  image: Uint8Array | null;
  panel: { status: number; bytes: Buffer };
}> {
  const dataDir = tempDir();
  const daemon = await startDaemon({
    env: isolatedEnv(dataDir, { FACEGATE_DAEMON__LOG_LEVEL: 'warn', FACEGATE_PRIVACY__SNAPSHOTS_ENABLED: String(snapshots) }),
  });
  try {
    const mono = 1_000_000;
    daemon.bus.emit('frame', frame(mono));
    daemon.bus.emit('verdict', unknownFace(mono));
    const { eventIds, rows } = inspectStore(dataDir, (db) => ({
      eventIds: new EventStore(db).query({ type: 'unknown_face' }).map((e) => e.event.id),
      rows: db.prepare('SELECT id, event_id, person_id FROM snapshots').all() as { id: string; event_id: string; person_id: string | null }[],
    }));
    assert.equal(eventIds.length, 1, 'the decision became one stored event');
    // Opened as the panel or an export would: through privacy, with the device key.
    const image = rows[0] ? (daemon.privacy.snapshots.get(rows[0].id)?.image ?? null) : null;
    const panel = await viaPanel(daemon.admin!.address!, daemon.admin!.setupCode!, eventIds[0]!);
    return { dataDir, eventId: eventIds[0]!, rows, image, panel };
  } finally {
    await daemon.stop('test');
  }
}

void test('privacy.snapshots_enabled: the deciding frame is kept, sealed, under the event it decided', async () => {
  const r = await decideOnce(true);
  assert.deepEqual(
    r.rows.map((x) => ({ event_id: x.event_id, person_id: x.person_id })),
    [{ event_id: r.eventId, person_id: null }],
  );
  assert.deepEqual(Buffer.from(r.image ?? []), frame(0).jpeg, 'the camera JPEG as it came');
  assert.equal(readFileSync(join(r.dataDir, 'facegate.db')).indexOf(PIXELS), -1, 'no pixels in plaintext in the database');
  assert.equal(r.panel.status, 200);
  assert.deepEqual(r.panel.bytes, frame(0).jpeg, 'the admin panel shows the same frame');
});

void test('snapshots off (the default): a decision stores no image', async () => {
  const r = await decideOnce(false);
  assert.deepEqual(r.rows, []);
  assert.equal(r.panel.status, 404);
});

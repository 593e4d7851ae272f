import type { FastifyTypebox } from '../app-type.ts';
import type { AdminContext } from '../context.ts';
import type { DoorStatus } from '../deps.ts';
import { Type } from '@sinclair/typebox';
import { Health, PublicHealth, Status, replies } from '../schemas.ts';
import type { SystemStatus } from '../services.ts';

export const doorJson = (s: DoorStatus) => ({
  door: s.door,
  lock: s.lock,
  position: s.position,
  mode: s.mode,
  alarm: s.alarm,
  held_unlocked_until: s.heldUnlockedUntil,
});

/** What is wrong right now, in words; empty = healthy. */
function problems(sys: SystemStatus, doors: DoorStatus[]): string[] {
  const out: string[] = [];
  if (sys.camera && !['running', 'starting', 'none'].includes(sys.camera.state)) out.push(`camera ${sys.camera.state}`);
  if (sys.vision && !sys.vision.ready) out.push('vision models not ready');
  for (const d of doors) if (d.alarm !== 'none') out.push(`door ${d.door}: ${d.alarm.replace('_', ' ')}`);
  if (sys.temperatureC !== null && sys.temperatureC >= 80) out.push(`SoC at ${sys.temperatureC} °C (throttling)`);
  out.push(...(sys.warnings ?? []));
  return out;
}

export function statusRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  const uptime = () => Math.round((ctx.clock.monotonic() - ctx.startedMono) / 1000);

  async function health() {
    const [sys, doors] = await Promise.all([ctx.services.status.snapshot(), ctx.services.doors.list()]);
    const p = problems(sys, doors);
    return { sys, doors, health: { status: p.length === 0 ? ('ok' as const) : ('degraded' as const), version: ctx.version, uptime_s: uptime(), problems: p } };
  }

  // Public for probes, but version, camera, vision, door alarms and temperature tell a stranger
  // what to attack and when: without a signed-in viewer (session or token) it says "ok" only.
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['status'],
        summary: 'Liveness for probes: "ok" to anyone; ok or degraded with the problems, version and uptime to a viewer',
        response: replies({ 200: Type.Union([Health, PublicHealth]) }),
      },
    },
    async (request) => (request.principal ? (await health()).health : { status: 'ok' as const }),
  );

  app.get(
    '/api/status',
    {
      config: { access: 'viewer' },
      schema: { tags: ['status'], summary: 'Backend, models, camera fps, door states, temperature, uptime, version', response: replies({ 200: Status }) },
    },
    async () => {
      const { sys, doors, health: h } = await health();
      return {
        version: ctx.version,
        uptime_s: uptime(),
        started_at: new Date(ctx.startedAt).toISOString(),
        health: h,
        vision: sys.vision,
        camera: sys.camera ? { state: sys.camera.state, fps: sys.camera.fps, dropped_frames: sys.camera.droppedFrames } : null,
        temperature_c: sys.temperatureC,
        doors: doors.map(doorJson),
      };
    },
  );
}

import type { FastifyTypebox } from '../app-type.ts';
import type { AdminContext } from '../context.ts';
import { DashboardQuery, DashboardSchema } from '../dashboard-schema.ts';
import { OUTCOMES, type DashboardReport } from '../deps.ts';
import { replies } from '../schemas.ts';

const iso = (ms: number): string => new Date(ms).toISOString();
const round2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);

/** The report in the API's words: ISO times, seconds, snake_case figures rounded to 0.01. */
function dashboardJson(r: DashboardReport) {
  return {
    range: r.range,
    from: iso(r.from),
    to: iso(r.to),
    bucket_s: r.bucketMs / 1000,
    step_s: r.stepMs / 1000,
    outcomes: [...OUTCOMES],
    buckets: r.buckets.map((b) => ({ from: iso(b.from), counts: b.counts })),
    totals: r.totals,
    samples: r.samples.map((s) => ({
      at: iso(s.at),
      camera_fps: round2(s.cameraFps),
      analysis_fps: round2(s.analysisFps),
      temperature_c: round2(s.temperatureC),
    })),
  };
}

export function dashboardRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  app.get(
    '/api/dashboard',
    {
      // Counts and the board's figures only, like the events a viewer may already read.
      config: { access: 'viewer' },
      schema: {
        tags: ['status'],
        summary: 'Decisions by outcome over the last 24 h or 7 days, with camera fps, analysis rate and board temperature over time',
        querystring: DashboardQuery,
        response: replies({ 200: DashboardSchema }),
      },
    },
    async (request) => dashboardJson(await ctx.services.events.dashboard(request.query.range, ctx.clock.now())),
  );
}

import type { FastifyTypebox } from '../app-type.ts';
import type { AdminContext } from '../context.ts';
import { CalibrationQuery, CalibrationReportSchema } from '../calibration-schema.ts';
import { notFound } from '../errors.ts';
import { DoorParams, replies } from '../schemas.ts';

export function calibrationRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  app.get(
    '/api/doors/:door/calibration',
    {
      // Numbers and counts only, like the events a viewer may already read.
      config: { access: 'viewer' },
      schema: {
        tags: ['door'],
        summary: "The door's recent match and PAD scores against the thresholds now in force, with a verdict",
        params: DoorParams,
        querystring: CalibrationQuery,
        response: replies({ 200: CalibrationReportSchema }),
      },
    },
    async (request) => {
      const { door } = request.params;
      const thresholds = await ctx.services.calibration.thresholds(door);
      if (!thresholds) throw notFound(`door ${door}`);
      return ctx.services.events.calibration(door, request.query.days, thresholds);
    },
  );
}

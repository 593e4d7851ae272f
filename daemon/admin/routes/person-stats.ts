import type { FastifyTypebox } from '../app-type.ts';
import type { AdminContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { PersonStatsQuery, PersonStatsSchema } from '../person-stats-schema.ts';
import { IdParams, replies } from '../schemas.ts';

export function personStatsRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  app.get(
    '/api/people/:id/stats',
    {
      // A named person's comings and refusals: a viewer sees names and pseudonymous events, never the link (as for the export).
      config: { access: 'admin' },
      schema: {
        tags: ['people'],
        summary: "A person's grants, decision times, refusals (the last one and why) and how their scores sit against the threshold",
        params: IdParams,
        querystring: PersonStatsQuery,
        response: replies({ 200: PersonStatsSchema }),
      },
    },
    async (request) => {
      const { id } = request.params;
      const basis = await ctx.services.personStats.basis(id);
      if (!basis) throw notFound(`person ${id}`);
      return ctx.services.events.personStats(basis.subject, request.query.days, basis.threshold);
    },
  );
}

import { Type } from '@sinclair/typebox';

// The dashboard (store/dashboard.ts) as the API sends it: counts per outcome and the board's
// figures. The serializer drops any field not listed here, so nothing about who leaves the daemon.
const Count = Type.Integer({ minimum: 0 });
const Figure = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });

export const DashboardQuery = Type.Object(
  { range: Type.Union([Type.Literal('24h'), Type.Literal('7d')], { default: '24h', description: 'The last day (hourly bars) or week (6-hourly bars).' }) },
  { additionalProperties: false },
);

export const OutcomeCountsSchema = Type.Object(
  {
    granted: Count,
    unknown: Count,
    spoof_suspected: Count,
    schedule: Type.Integer({ minimum: 0, description: 'An enrolled person refused outside their schedule or validity window.' }),
    lockout: Type.Integer({ minimum: 0, description: 'A face refused because the door was locked out after failed attempts.' }),
    other_denied: Type.Integer({ minimum: 0, description: 'Any other refusal: a disabled person, lockdown, liveness not judged.' }),
  },
  { additionalProperties: false },
);

export const DashboardSchema = Type.Object(
  {
    range: Type.Union([Type.Literal('24h'), Type.Literal('7d')]),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time', description: 'The end of the bucket holding now.' }),
    bucket_s: Type.Integer({ description: 'The length of a decision bucket.' }),
    step_s: Type.Integer({ description: 'The step the samples are averaged over.' }),
    outcomes: Type.Array(Type.String(), { description: 'The outcomes in the order the bars stack.' }),
    buckets: Type.Array(Type.Object({ from: Type.String({ format: 'date-time' }), counts: OutcomeCountsSchema }, { additionalProperties: false }), {
      description: 'Decisions counted by outcome, oldest bucket first.',
    }),
    totals: OutcomeCountsSchema,
    samples: Type.Array(
      Type.Object(
        {
          at: Type.String({ format: 'date-time', description: 'The start of the step.' }),
          camera_fps: Figure('Frames per second from the camera.'),
          analysis_fps: Figure('Frames per second the vision pipeline analysed.'),
          temperature_c: Figure('Board temperature in °C.'),
        },
        { additionalProperties: false },
      ),
      { description: 'The sampled figures averaged per step, oldest first; a step without a sample is left out.' },
    ),
  },
  { additionalProperties: false },
);

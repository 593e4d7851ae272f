import { Type } from '@sinclair/typebox';

// The calibration report (store/calibration.ts) as the API sends it. The serializer drops any field
// not listed here: only numbers, counts and the verdicts' words leave the daemon.
export const Nullable = <T extends ReturnType<typeof Type.Number> | ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const Count = Type.Integer({ minimum: 0 });
const Bins = Type.Array(Count, { description: 'Counts in equal bins over [0, 1], the first starting at 0.' });
export const Histogram = <P extends Record<string, ReturnType<typeof Nullable>>>(extra: P) =>
  Type.Object({ count: Count, bins: Bins, ...extra }, { additionalProperties: false });
export const Verdict = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('close'), Type.Literal('crossed'), Type.Literal('none')]),
    text: Type.String({ description: 'The verdict in plain words.' }),
  },
  { additionalProperties: false },
);

export const CalibrationQuery = Type.Object(
  { days: Type.Integer({ minimum: 1, maximum: 365, default: 7, description: 'How many days back from now.' }) },
  { additionalProperties: false },
);

export const CalibrationReportSchema = Type.Object(
  {
    door: Type.String(),
    days: Type.Integer(),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    match: Type.Object(
      {
        threshold: Type.Number({ description: 'The match threshold now in force (a person may have their own).' }),
        level: Nullable(Type.String({ description: 'access.security_level; null when identity.match_threshold sets the threshold.' })),
        granted: Histogram({ lowest: Nullable(Type.Number()) }),
        unknown: Histogram({ highest: Nullable(Type.Number({ description: 'The closest stranger: the best gallery score of an unknown face.' })) }),
        verdict: Verdict,
      },
      { additionalProperties: false },
    ),
    pad: Type.Object(
      {
        threshold: Type.Number({ description: 'access.liveness_min.' }),
        live: Histogram({ lowest: Nullable(Type.Number()) }),
        spoof: Histogram({ highest: Nullable(Type.Number()) }),
        verdict: Verdict,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
